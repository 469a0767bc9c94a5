# Makefile — build, test, demo, bench and install Careline (GNU make; pkg-config for every library).

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
PKGS    := ncursesw libpq libconfig libpcre2-8 libcurl
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

# Debian packages: what building, testing and the demo need. libcurl only
# hands SMS to the gateway; exim4 and Kannel are the real MTA and SMS gateway
# the notification tests start on loopback.
DEB_PKGS := gcc make pkg-config libncurses-dev libpq-dev libconfig-dev libpcre2-dev faketime \
            libcmocka-dev postgresql tmux ncurses-base ncurses-term procps libxml2-utils \
            libcurl4-openssl-dev exim4-daemon-light kannel kannel-extras curl cppcheck clang-tidy \
            pgbouncer
# What `make fuzz` needs on top: clang with libFuzzer.
FUZZ_DEB_PKGS := clang-14 libclang-rt-14-dev

WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
CSTD    := -std=c17 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600
OPT     ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL = $(CSTD) $(OPT) $(WARN) -Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) \
             -DCARELINE_VERSION='"$(VERSION)"' $(EXTRA_CFLAGS)
# -pthread: a cancel request to a server that stopped answering runs on a
# short-lived thread (db/conn.c), so the terminal never waits for it.
LDLIBS_ALL = $(PKG_LIBS) -lm -pthread $(EXTRA_LDFLAGS)

SRCS      := $(sort $(wildcard include/base/*.c tui/*.c db/*.c screens/*.c screens/app/*.c))
MAIN_SRC  := screens/app/main.c
LIB_SRCS  := $(filter-out $(MAIN_SRC),$(SRCS))
OBJS      := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded.o
MAIN_OBJ  := $(BUILD)/obj/screens/app/main.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# One fuzz harness per parser (tests/fuzz/fuzz_NAME.c). `make check` replays
# each corpus through replay_NAME (any compiler); `make fuzz` links the same
# harnesses with libFuzzer (clang).
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAYS := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILD)/fuzz/replay_%)
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILD)/fuzz/fuzz_%)
# Database test programs (run by a tests/db/*.sh against the test server).
DBT_SRCS  := $(sort $(wildcard tests/db/*.c))
DBT_BINS  := $(DBT_SRCS:tests/db/%.c=$(BUILD)/dbtests/%)
EMBED     := $(sort $(wildcard db/migrations/*.sql)) db/seed.sql $(sort $(wildcard db/seed/*.sql)) conf/careline.conf \
             $(sort $(wildcard conf/import/*.conf)) $(sort $(wildcard conf/scripts/*.conf))

.PHONY: all deps check check-fast demo bench load install uninstall clean asan docs fuzz fuzz-bins lint lint-tidy
.DEFAULT_GOAL := all

# Generated documents, rewritten by the build when the binary they come
# from changes (docs/keys.md: the actions and the default key maps;
# careline(1)'s SYNOPSIS: the command table); tests/build/test_docs.sh
# checks that the committed copies are what the build writes.
GEN_DOCS ?= docs/keys.md docs/careline.1

all: $(BUILD)/careline $(UNIT_BINS) $(DBT_BINS) $(FUZZ_REPLAYS) $(BUILD)/bench/load $(GEN_DOCS)

$(BUILD)/careline: $(OBJS) $(MAIN_OBJ)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/libcareline.a: $(OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/%.o: %.c $(wildcard include/careline/*.h) | $(BUILD)/gen/embedded.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# Migrations, the seed, the default configuration and the shipped recovery
# scripts are compiled in, so an installed binary needs no data files and can
# seed (CARELINE_MIGRATIONS_DIR overrides the migrations).
# One rule makes both files (a grouped target): with -j, two runs of embed.sh
# in the same folder would take each other's temporary files.
$(BUILD)/gen/embedded.c $(BUILD)/gen/embedded.h &: .ci/embed.sh $(EMBED)
	@mkdir -p $(BUILD)/gen
	sh .ci/embed.sh $(BUILD)/gen $(EMBED)

$(BUILD)/obj/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcareline.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes $(shell pkg-config --cflags cmocka) -o $@ $< \
	    $(BUILD)/libcareline.a $(LDLIBS_ALL) $(shell pkg-config --libs cmocka)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(wildcard tests/fuzz/*.h) $(BUILD)/libcareline.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< tests/fuzz/replay.c $(BUILD)/libcareline.a $(LDLIBS_ALL)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(BUILD)/libcareline.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(BUILD)/libcareline.a $(LDLIBS_ALL)

$(BUILD)/dbtests/%: tests/db/%.c $(BUILD)/libcareline.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libcareline.a $(LDLIBS_ALL)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# Sanitizer build in its own tree (ASan + UBSan), used by `make check`.
asan:
	$(MAKE) BUILD=build/asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    EXTRA_CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=undefined' \
	    EXTRA_LDFLAGS='-fsanitize=address,undefined' GEN_DOCS= all

deps:
	@sh .ci/deps.sh $(DEB_PKGS)

# Each harness under libFuzzer (clang, ASan + UBSan) for FUZZ_SECONDS
# seconds (FUZZ_ONLY="text input" picks some); what is new is merged into
# tests/fuzz/corpus/NAME/, what crashes is kept in build/libfuzzer/crashes/.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
fuzz:
	@sh .ci/deps.sh $(DEB_PKGS) $(FUZZ_DEB_PKGS)
	@$(MAKE) --no-print-directory BUILD=build/libfuzzer CC=$(FUZZ_CC) OPT='-O1 -g -fno-omit-frame-pointer' \
	    EXTRA_CFLAGS='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined' \
	    EXTRA_LDFLAGS='-fsanitize=address,undefined' fuzz-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/fuzz.sh build/libfuzzer/fuzz

fuzz-bins: $(FUZZ_BINS)

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory asan
	@bash tests/run.sh

# Quicker loop while developing: no sanitizer build, no tmux tests.
check-fast: all
	@CARELINE_SKIP_ASAN=1 bash tests/run.sh

# Static analysis: cppcheck and clang-tidy (.clang-tidy) over every C file,
# sources and tests. clang-tidy's findings for a file are kept in
# $(BUILD)/lint/ until the file, a header it includes or .clang-tidy changes,
# so a second run looks only at what changed (LINT_JOBS files at a time).
# tests/lint/lint.sh reports what is left after tests/lint/suppressions;
# LINT_TOOLS picks one tool, LINT_ARGS=--tap gives TAP (the lint tests).
LINT_SRCS  := $(sort $(SRCS) $(wildcard tests/*/*.c tests/bench/load/*.c))
LINT_OUTS  := $(LINT_SRCS:%.c=$(BUILD)/lint/%.tidy)
LINT_FLAGS  = $(CSTD) -Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) $(shell pkg-config --cflags cmocka 2>/dev/null) \
              -DCARELINE_VERSION='"$(VERSION)"'
LINT_TOOLS ?= cppcheck clang-tidy
LINT_JOBS  ?= $(shell nproc 2>/dev/null || echo 2)

lint: deps
	@$(MAKE) --no-print-directory $(BUILD)/gen/embedded.h
	$(if $(filter clang-tidy,$(LINT_TOOLS)),@$(MAKE) --no-print-directory -j$(LINT_JOBS) lint-tidy)
	@bash tests/lint/lint.sh $(LINT_ARGS) --tool "$(LINT_TOOLS)" $(BUILD) $(LINT_SRCS)

lint-tidy: $(LINT_OUTS)

# A file clang-tidy cannot compile keeps its errors as findings; a tool that
# fails otherwise stops the build. Address randomisation off (setarch -R):
# with it, the analyzer walks paths in another order each run and, within
# its budget, finds a different set.
$(BUILD)/lint/%.tidy: %.c .clang-tidy | $(BUILD)/gen/embedded.h
	@mkdir -p $(dir $@)
	@$(CC) $(LINT_FLAGS) -MM -MP -MT $@ -MF $@.d $<
	@setarch -R clang-tidy --quiet $< -- $(LINT_FLAGS) >$@.tmp 2>$@.err || grep -q ': error:' $@.tmp || \
	    { cat $@.err $@.tmp >&2; rm -f $@.tmp $@.err; exit 1; }
	@mv $@.tmp $@ && rm -f $@.err

-include $(shell find $(BUILD)/lint -name '*.d' 2>/dev/null)

demo: deps
	@$(MAKE) --no-print-directory all
	@STANDBY=$(STANDBY) REGION=$(REGION) bash .ci/demo.sh

# Figures, not pass/fail (tests/bench/): `make bench` prints every
# performance goal of DESIGN.md next to what was measured; `make load` runs
# only the 200-agent load driver. BENCH_CUSTOMERS (default 1000000) picks the
# size of the cached, seeded cluster in /var/tmp/careline-bench-pg.
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libcareline.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -o $@ $< $(BUILD)/libcareline.a $(LDLIBS_ALL)

# The load driver is several files (tests/bench/load/).
LOAD_SRCS := $(sort $(wildcard tests/bench/load/*.c))
$(BUILD)/bench/load: tests/bench/load.c $(LOAD_SRCS) tests/bench/load/load.h $(BUILD)/libcareline.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ tests/bench/load.c $(LOAD_SRCS) $(BUILD)/libcareline.a $(LDLIBS_ALL)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS) OPT=-O2
	@bash tests/bench/bench.sh

load: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS) OPT=-O2
	@bash tests/bench/load.sh

install: $(BUILD)/careline
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/doc/careline $(DESTDIR)$(PREFIX)/share/careline \
	    $(DESTDIR)$(PREFIX)/share/careline/scripts $(DESTDIR)$(PREFIX)/share/careline/import
	install -m 755 $(BUILD)/careline $(DESTDIR)$(PREFIX)/bin/careline
	install -m 644 docs/careline.1 $(DESTDIR)$(PREFIX)/share/man/man1/careline.1
	install -m 644 conf/careline.conf $(DESTDIR)$(PREFIX)/share/careline/careline.conf.example
	install -m 644 conf/careline-notify.service $(DESTDIR)$(PREFIX)/share/careline/careline-notify.service
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/careline/
	install -m 644 conf/scripts/*.conf $(DESTDIR)$(PREFIX)/share/careline/scripts/
	install -m 644 conf/import/*.conf $(DESTDIR)$(PREFIX)/share/careline/import/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/careline $(DESTDIR)$(PREFIX)/share/man/man1/careline.1
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/careline $(DESTDIR)$(PREFIX)/share/careline

docs: $(GEN_DOCS)

# Replace the document with its new text only when that differs.
define replace_doc
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; touch $@; else mv $@.tmp $@; echo "$@ regenerated: commit it"; fi
endef

docs/keys.md: $(BUILD)/careline
	@HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent $(BUILD)/careline keys > $@.tmp
	$(replace_doc)

docs/careline.1: $(BUILD)/careline .ci/man.sh
	@sh .ci/man.sh $(BUILD)/careline $@ > $@.tmp
	$(replace_doc)

clean:
	rm -rf build
