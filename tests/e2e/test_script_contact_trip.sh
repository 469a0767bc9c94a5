#!/usr/bin/env bash
# test_script_contact_trip.sh — saving a contact from the customer view: the write and the view's refresh (header, timeline) in one round trip, seen in libpq's protocol trace; a refused save keeps the form and reads nothing back.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_trip_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT

id=$(q "SELECT id FROM customer ORDER BY id LIMIT 1 OFFSET 7")
acct=$(q "SELECT account_no FROM customer WHERE id = $id")
summary="One trip for save and timeline $$"

# run NAME SUMMARY: open the customer, its timeline, log a contact; libpq's
# trace in $T/NAME.trace, the screens in $T/NAME.out.
run() {
    cat >"$T/$1.keys" <<KEYS
:type $acct
Enter
4
c
:type $2
Enter
:dump
KEYS
    CARELINE_PQTRACE=$T/$1.trace "$CARELINE" --script "$T/$1.keys" --size 24x80 >"$T/$1.out" 2>"$T/$1.err"
}

# after_save TRACE: the trace from the save's Bind (it carries the summary) on.
after_save() { awk -v s="'$2'" 'index($0, "Bind") && index($0, s) { on = 1 } on' "$1"; }
# The timeline's statement for this customer, first page: ($1 id, $2 offset, $3 page).
timeline="Bind	 \"\" \"[^\"]*\" 0 3 [0-9]+ '$id' 1 '0' 2 '25'"

run saved "$summary"; rc=$?
is "the script runs" "$rc" 0
like "the contact is recorded" "$(cat "$T/saved.out")" 'Contact recorded'
like "and is at the top of the timeline" "$(cat "$T/saved.out")" "> .*One trip for save"
is "it was stored once" "$(q "SELECT count(*) FROM interaction WHERE summary = '$summary'")" 1
after_save "$T/saved.trace" "$summary" >"$T/saved.after"
[ -s "$T/saved.after" ] && ok "the trace has the save" || not_ok "the trace has the save"
# Up to the save's Sync: the write and the timeline's read both went.
first_sync=$(grep -nE '^F	[0-9]+	Sync' "$T/saved.after" | head -1 | cut -d: -f1)
head -n "${first_sync:-0}" "$T/saved.after" >"$T/saved.trip"
is "the timeline is read in the save's round trip" "$(grep -cE "^F	[0-9]+	$timeline" "$T/saved.trip")" 1
is "and not again after it" "$(tail -n +"$((${first_sync:-0} + 1))" "$T/saved.after" | grep -cE "^F	[0-9]+	$timeline")" 0
is "save and refresh: one round trip in all" "$(grep -cE '^F	[0-9]+	(Sync|Query)' "$T/saved.after")" 1

# A refused save (a summary over the database's limit, past the form's
# check: a constraint added here) keeps the form and what was typed; the
# reads behind it are not taken for the view.
q "ALTER TABLE interaction ADD CONSTRAINT trip_test_refuse CHECK (summary NOT LIKE 'Refuse me%')" >/dev/null
run refused "Refuse me please $$"; rc=$?
is "refused: the script runs" "$rc" 0
like "refused: the form says it is not saved" "$(cat "$T/refused.out")" 'Not saved: .*Press Enter to try again'
like "refused: what was typed is still there" "$(cat "$T/refused.out")" "Refuse me please $$"
unlike "refused: the form stays open" "$(cat "$T/refused.out")" 'Contact recorded'
is "refused: nothing stored" "$(q "SELECT count(*) FROM interaction WHERE summary LIKE 'Refuse me%'")" 0

tap_done
