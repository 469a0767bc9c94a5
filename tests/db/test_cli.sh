#!/usr/bin/env bash
# test_cli.sh — the command line: usage errors exit 2, bad configuration names file:line, an unreachable database exits 3 with a hint.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

out=$("$CARELINE" --help 2>&1); rc=$?
is "--help exits 0" "$rc" 0
like "--help lists the commands" "$out" "migrate.*seed --customers N"
out=$("$CARELINE" --version 2>&1); rc=$?
is "--version exits 0" "$rc" 0
like "--version prints the version" "$out" '^careline [0-9]+\.[0-9]+'

out=$("$CARELINE" frobnicate 2>&1); rc=$?
is "unknown command exits 2" "$rc" 2
like "unknown command is named, usage follows" "$out" "unknown command 'frobnicate'.*Usage:"
out=$("$CARELINE" --frob 2>&1); rc=$?
is "unknown option exits 2" "$rc" 2
like "unknown option is named" "$out" "unknown option '--frob'"
out=$("$CARELINE" --config 2>&1); rc=$?
is "option without its argument exits 2" "$rc" 2
out=$("$CARELINE" seed 2>&1); rc=$?
is "seed without --customers exits 2" "$rc" 2
like "seed says what it needs" "$out" "needs --customers N"
for bad in abc 0 -5 1e6 99999999999; do
    out=$("$CARELINE" seed --customers "$bad" 2>&1); rc=$?
    is "seed --customers $bad exits 2" "$rc" 2
done
out=$("$CARELINE" migrate extra 2>&1); rc=$?
is "migrate with an argument exits 2" "$rc" 2
out=$("$CARELINE" --size 0x80 --script /dev/null 2>&1); rc=$?
is "bad --size exits 2" "$rc" 2
# Two whole numbers around an x and nothing else (scanf read the first three).
for bad in 24x80x 24x80abc " 24x80" 24x 24 x80 2.5x80; do
    out=$("$CARELINE" --size "$bad" --script /dev/null 2>&1); rc=$?
    is "--size '$bad' exits 2" "$rc" 2
done

# Configuration problems stop everything before any connection, exit 2.
printf 'ui = {\n  theme = "mono";\n  search_limit = "x";\n};\n' >"$T/bad.conf"
out=$("$CARELINE" --config "$T/bad.conf" check-config 2>&1); rc=$?
is "check-config on a bad file exits 2" "$rc" 2
is "check-config names file:line: reason" "$out" "$T/bad.conf:3: ui.search_limit: expected a whole number"
out=$("$CARELINE" --config "$T/bad.conf" migrate 2>&1); rc=$?
is "a bad file stops commands too" "$rc" 2
printf 'patterns = { postcode = "([A-Z"; };\n' >"$T/re.conf"
out=$("$CARELINE" --config "$T/re.conf" check-config 2>&1); rc=$?
is "a pattern that does not compile exits 2" "$rc" 2
like "and names the pattern" "$out" "re.conf:1: patterns.postcode: pattern does not compile"
printf 'connection = { conninfo = "dbname=x"; };\n' >"$T/good.conf"
out=$("$CARELINE" --config "$T/good.conf" check-config 2>&1); rc=$?
is "check-config on a good file exits 0" "$rc" 0
like "and says what it read" "$out" "configuration: $T/good.conf"
out=$("$CARELINE" --config "$T/missing.conf" check-config 2>&1); rc=$?
is "a missing --config file exits 2" "$rc" 2

# The key reference in docs/ is what the program says.
out=$("$CARELINE" keys 2>&1); rc=$?
is "keys exits 0" "$rc" 0
if diff -u "$TOP/docs/keys.md" <(printf '%s\n' "$out") >/dev/null; then ok "docs/keys.md is up to date"
else not_ok "docs/keys.md is up to date (run make docs)" "$(diff -u "$TOP/docs/keys.md" <(printf '%s\n' "$out") | head -20)"; fi

# The screens need a terminal.
out=$("$CARELINE" </dev/null 2>&1); rc=$?
is "no terminal: exit 4" "$rc" 4

# Nothing listens on this socket folder: exit 3, libpq's message and a hint.
out=$(PGHOST=$T PGPORT=5999 "$CARELINE" migrate 2>&1); rc=$?
is "unreachable database exits 3" "$rc" 3
like "the message says it cannot connect" "$out" "cannot connect to the database"
like "the hint names the socket tried" "$out" "hint: tried socket $T/.s.PGSQL.5999"
out=$(PGHOST=127.0.0.1 PGPORT=1 PGCONNECT_TIMEOUT=2 "$CARELINE" search Smith 2>&1); rc=$?
is "unreachable TCP address exits 3" "$rc" 3
like "the hint names host and port" "$out" "hint: tried host 127.0.0.1 port 1"

tap_done
