# TAP helpers for shell tests: source this file; each check prints "ok N - name" or "not ok N - name".
TAP_N=0
TAP_FAILED=0

ok() {   # ok NAME: record a pass
    TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"
}
not_ok() {   # not_ok NAME [DETAIL...]: record a failure with diagnostics
    TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
    echo "not ok $TAP_N - $1"
    shift
    [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
    return 0
}
check() {   # check NAME COMMAND...: pass when COMMAND exits 0
    local name=$1; shift
    local out
    if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "command: $*" "$out"; fi
}
skip() {   # skip NAME REASON: a check that cannot be made in this run (TAP SKIP)
    TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"
}
is() {   # is NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
like() {   # like NAME TEXT REGEX (grep -E over the whole text: . also matches newlines)
    if printf '%s' "$2" | grep -qzE -- "$3"; then ok "$1"; else not_ok "$1" "text: $2" "does not match: $3"; fi
}
unlike() {   # unlike NAME TEXT REGEX
    if printf '%s' "$2" | grep -qzE -- "$3"; then not_ok "$1" "text: $2" "matches: $3"; else ok "$1"; fi
}
tap_done() {
    echo "1..$TAP_N"
    [ "$TAP_FAILED" = 0 ]
}
# q SQL [DB]: one value from psql, unaligned, no headers
q() {
    psql -X -q -v ON_ERROR_STOP=1 -At -d "${2:-${TEST_DB:-$PGDATABASE}}" -c "$1"
}
