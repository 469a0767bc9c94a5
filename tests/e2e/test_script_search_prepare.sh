#!/usr/bin/env bash
# test_script_search_prepare.sh — the search screen's statements: one per kind of key, prepared and warmed in one round trip when the connection opens, or sent unnamed when prepared statements are off (PgBouncer in transaction mode).
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/fixtures.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_prepare_$$
createdb -T "$MIGRATED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the migrated template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
fixtures_load || not_ok "load fixtures"

KINDS="account phone phone_part meter postcode postcode_part words"
cat >"$T/keys" <<'KEYS'
:type quuxworth
:dump
C-u
:type 4999999991
:dump
C-u
:type zz9 9
:dump
C-u
:type 07700 900461
:dump
KEYS

# run NAME [CONF]: the script with libpq's protocol trace in $T/NAME.trace
run() {
    local conf=${2:-/dev/null}
    CARELINE_PQTRACE=$T/$1.trace "$CARELINE" --config "$conf" --script "$T/keys" --size 24x80 >"$T/$1.out" 2>"$T/$1.err"
}

# ---- prepared (the default) ----------------------------------------------
run prepared; rc=$?
is "the script runs" "$rc" 0
tr=$T/prepared.trace
for k in $KINDS; do
    is "careline_search_$k is prepared once" "$(grep -cE "^F	[0-9]+	Parse	 \"careline_search_$k\"" "$tr")" 1
done
# The warm-up: every Parse and a run of each, then one Sync, before any
# search the agent typed.
first_typed=$(grep -nE "^F	[0-9]+	Bind	 \"\" \"careline_search_[a-z_]+\" .*'quuxworth'" "$tr" | head -1 | cut -d: -f1)
last_parse=$(grep -nE "^F	[0-9]+	Parse	 \"careline_search_" "$tr" | tail -1 | cut -d: -f1)
[ -n "$first_typed" ] && [ -n "$last_parse" ] && [ "$last_parse" -lt "$first_typed" ] &&
    ok "all are prepared before the first search typed" ||
    not_ok "all are prepared before the first search typed" "last Parse at line $last_parse, first search at $first_typed"
first_parse=$(grep -nE "^F	[0-9]+	Parse	 \"careline_search_" "$tr" | head -1 | cut -d: -f1)
warm=$(sed -n "${first_parse:-1},$((${first_typed:-1} - 1))p" "$tr" | grep -cE "^F	[0-9]+	(Parse	 \"careline_search_|Bind	 \"\" \"careline_search_)")
is "the warm-up prepares and runs all seven" "$warm" 14
syncs=$(sed -n "${first_parse:-1},$((${first_typed:-1} - 1))p" "$tr" | grep -cE "^F	[0-9]+	Sync")
is "in one pipeline: one Sync, one round trip" "$syncs" 1
# Each kind of text runs its own statement, with only the kind's parameters
# (the last: the rows before these, 0 for a new search; scrolling asks for more).
like "a name runs the word statement" "$(cat "$tr")" "Bind	 \"\" \"careline_search_words\" 0 3 [0-9]+ '[0-9]+' 9 'quuxworth' 1 '0'"
like "an account number runs the account statement" "$(cat "$tr")" \
    "Bind	 \"\" \"careline_search_account\" 0 4 [0-9]+ '[0-9]+' 10 '4999999991' 10 '4999999991' 1 '0'"
like "a begun postcode runs the range statement (ZZ99 up to ZZ9:)" "$(cat "$tr")" \
    "Bind	 \"\" \"careline_search_postcode_part\" 0 4 [0-9]+ '[0-9]+' 4 'ZZ99' 4 'ZZ9:' 1 '0'"
like "a whole phone number runs the phone statement" "$(cat "$tr")" \
    "Bind	 \"\" \"careline_search_phone\" 0 3 [0-9]+ '[0-9]+' 10 '7700900461' 1 '0'"
like "the screens show the results" "$(cat "$T/prepared.out")" '3 customers, best match first'
like "the account is found" "$(cat "$T/prepared.out")" '1 customer, best match first.*4999999991'

# ---- prepared statements off ---------------------------------------------
printf 'connection = { prepared_statements = "no"; };\n' >"$T/unprepared.conf"
run unprepared "$T/unprepared.conf"; rc=$?
is "unprepared: the script runs" "$rc" 0
is "unprepared: no statement is prepared by name" \
    "$(grep -cE "^F	[0-9]+	Parse	 \"careline_search_" "$T/unprepared.trace")" 0
is "unprepared: nor any other statement (one switch turns them all off)" \
    "$(grep -cE "^F	[0-9]+	Parse	 \"[^\"]" "$T/unprepared.trace")" 0
like "unprepared: the searches go unnamed" "$(cat "$T/unprepared.trace")" "Parse	 \"\" \"WITH w AS"
is "unprepared: the same screens" "$(sed -E 's/\([0-9]+ ms\)//' "$T/unprepared.out")" \
    "$(sed -E 's/\([0-9]+ ms\)//' "$T/prepared.out")"

tap_done
