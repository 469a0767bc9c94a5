#!/usr/bin/env bash
# run.sh — runs every test (unit, database, end-to-end, then again on the sanitizer build) and ends with "N passed, N failed".
#
# Each test program speaks TAP ("ok N - name" / "not ok N - name"); a program
# that crashes or exits non-zero without saying why counts as one failure.
# Database and end-to-end tests share one private PostgreSQL cluster started
# here (tests/lib/pgtmp.sh) and removed on exit, whatever happens.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
BUILD=${BUILD:-$TOP/build}
ASAN_BUILD=${ASAN_BUILD:-$TOP/build/asan}
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/careline-tests.XXXXXX")
chmod 711 "$LOGDIR"   # the server runs as postgres and keeps its cluster in here
PASSED=0
FAILED=0
FAILED_FILES=()

# Pinned so screens and messages do not depend on the machine.
export TZ=Europe/London LC_ALL=C.UTF-8 LANG=C.UTF-8
unset NO_COLOR PGSERVICE PGPASSWORD XDG_CONFIG_HOME CARELINE_TRACE
export HOME=$LOGDIR/home
mkdir -p "$HOME"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export LSAN_OPTIONS=suppressions=$TOP/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run_tap LABEL COMMAND...: run one test program and count its TAP lines.
run_tap() {
    local label=$1; shift
    # ONLY=GLOB (e.g. ONLY='*tmux_intake*') runs just the matching tests.
    # shellcheck disable=SC2053
    [[ $label == ${ONLY:-*} ]] || return 0
    local log=$LOGDIR/$(echo "$label" | tr '/ ' '__').log
    local start=$SECONDS
    # Each test keeps its drafts to itself.
    XDG_STATE_HOME=$LOGDIR/state/$(basename "$log" .log) "$@" >"$log" 2>&1 </dev/null
    local rc=$?
    local ok=0 notok=1
    # A log that cannot be read (its folder removed under us) is a failure,
    # never a silent pass.
    if [ -f "$log" ]; then
        ok=$(grep -cE '^ok [0-9]+' "$log")
        notok=$(grep -cE '^not ok [0-9]+' "$log")
    else
        echo "not ok - $label: its log $log is gone" >&2
    fi
    local took=$((SECONDS - start))
    if [ "$rc" != 0 ] && [ "$notok" = 0 ]; then
        notok=1
        echo "not ok - $label exited with status $rc" >>"$log"
    fi
    if [ "$ok" = 0 ] && [ "$notok" = 0 ]; then
        notok=1
        echo "not ok - $label ran no test" >>"$log"
    fi
    PASSED=$((PASSED + ok))
    FAILED=$((FAILED + notok))
    if [ "$notok" = 0 ]; then
        printf 'PASS  %-44s %4d tests  %3ds\n' "$label" "$ok" "$took"
    else
        printf 'FAIL  %-44s %4d passed, %d failed  %3ds\n' "$label" "$ok" "$notok" "$took"
        FAILED_FILES+=("$label")
        # The failures and what the program said around them.
        grep -nE '^not ok|^#|ERROR|error|Assertion|Sanitizer|runtime error' "$log" | head -40 | sed 's/^/      /'
    fi
}

section() { printf '\n== %s\n' "$1"; }

run_units() {   # run_units BUILD_DIR LABEL_PREFIX
    local t
    for t in "$1"/tests/test_*; do
        [ -x "$t" ] || continue
        run_tap "$2$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
    done
}

run_scripts() {   # run_scripts DIR LABEL_PREFIX [GLOB]
    local t
    for t in "$TOP"/tests/"$1"/${3:-test_*.sh}; do
        [ -f "$t" ] || continue
        run_tap "$2$1/$(basename "$t" .sh)" bash "$t"
    done
}

cleanup() {
    pgtmp_stop
    if [ "$FAILED" = 0 ]; then rm -rf "$LOGDIR"; else echo "logs kept in $LOGDIR"; fi
}

# shellcheck source=lib/pgtmp.sh
. "$TOP/tests/lib/pgtmp.sh"

run_fuzz() {   # run_fuzz BUILD_DIR LABEL_PREFIX: replay each corpus (tests/fuzz/)
    local t name
    for t in "$1"/fuzz/replay_*; do
        [ -x "$t" ] || continue
        name=${t##*/replay_}
        run_tap "$2fuzz/$name" "$t" "$TOP/tests/fuzz/corpus/$name" "corpus/$name"
    done
}

section "unit tests"
run_units "$BUILD" "unit/"

section "fuzz corpora"
run_fuzz "$BUILD" ""

section "build"
run_scripts build ""

section "static analysis (make lint)"
run_scripts lint ""

section "starting a private PostgreSQL"
if ! pgtmp_start "$LOGDIR/pg"; then
    echo "could not start PostgreSQL: database and end-to-end tests cannot run"
    FAILED=$((FAILED + 1))
    echo "$PASSED passed, $FAILED failed"
    exit 1
fi
trap cleanup EXIT
echo "PostgreSQL on socket $PGHOST port $PGPORT"
# Tests that stop and start the server (lost connection) need these.
export PGTMP_DIR PGTMP_BIN

# The template databases the tests copy (tests/lib/templates.sh).
export CARELINE=$BUILD/careline
. "$TOP/tests/lib/templates.sh"
templates_make "$LOGDIR"

section "database tests"
run_scripts db ""

section "end-to-end tests"
run_scripts e2e ""

# The generated data and every clock rule on far dates: a leap day, the
# night the clocks go back, and a year's end (tests/lib/faked_clock.sh).
section "under a faked clock"
for when in "2028-02-29 10:00" "2027-10-31 00:30" "2027-12-31 18:00"; do
    for t in test_seed test_sla_sql test_complaint_writes test_recovery_rules test_report test_queue test_figures; do
        run_tap "clock ${when% *}/db/$t" bash "$TOP/tests/lib/faked_clock.sh" "$when" "$TOP/tests/db/$t.sh"
    done
done
# The day after a quarter's bills fall due: customers who moved in last
# quarter have no bill yet (found on 2026-12-01).
run_tap "clock 2027-09-01/db/test_seed" bash "$TOP/tests/lib/faked_clock.sh" "2027-09-01 08:00" "$TOP/tests/db/test_seed.sh"

if [ "${CARELINE_SKIP_ASAN:-0}" != 1 ]; then
    section "sanitizer build (ASan + UBSan)"
    if [ -x "$ASAN_BUILD/careline" ]; then
        run_units "$ASAN_BUILD" "asan/unit/"
        run_fuzz "$ASAN_BUILD" "asan/"
        CARELINE=$ASAN_BUILD/careline run_scripts db "asan/" "test_search*.sh"
        CARELINE=$ASAN_BUILD/careline run_scripts db "asan/" "test_statements.sh"
        CARELINE=$ASAN_BUILD/careline run_scripts db "asan/" "test_queue.sh"
        CARELINE=$ASAN_BUILD/careline run_scripts e2e "asan/" "test_script*.sh"
    else
        echo "not ok - the sanitizer build is missing (make asan)"
        FAILED=$((FAILED + 1))
    fi
fi

echo
if [ "${#FAILED_FILES[@]}" -gt 0 ]; then
    echo "failed: ${FAILED_FILES[*]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
