#!/usr/bin/env bash
# test_script_duplicates.sh — duplicate customers in the scripted mode (also on the sanitizer build): the likely pairs, the two records side by side at 80x24, swap and merge, search by the old account number finding the survivor, undoing the merge, "not the same person", and agents kept out.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/fixtures.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_sdup_$$
createdb -T "$MIGRATED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the migrated template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
sup=sd_sup_$$; ag=sd_ag_$$
trap 'dropdb --if-exists "$PGDATABASE"; for r in $sup $ag; do q "DROP ROLE IF EXISTS $r" postgres >/dev/null 2>&1; done; rm -rf "$T"' EXIT
q "CREATE ROLE $sup LOGIN IN ROLE careline_supervisor; CREATE ROLE $ag LOGIN IN ROLE careline_agent" postgres >/dev/null
fixtures_load || not_ok "load fixtures"
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$sup', 'Sue Super', 'supervisor'), ('$ag', 'Al Agent', 'agent');
   INSERT INTO customer (id, account_no, name, segment, phone_e164)
   VALUES (990011, '4999999911', 'Zebedee Quuxworth', 'residential_single', '+447700900461');
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES (990011, 990001, date '2020-01-01');
   INSERT INTO interaction (customer_id, channel, summary) VALUES (990011, 'phone', 'Duplicate record call'),
                                                                  (990001, 'phone', 'Original record call'),
                                                                  (990001, 'email', 'Original record mail')" >/dev/null

run() {   # run NAME USER < KEYS: the screens the key script dumps, in $T/NAME.out
    cat >"$T/$1.keys"
    PGUSER=$2 "$CARELINE" --script "$T/$1.keys" >"$T/$1.out" 2>"$T/$1.err" ||
        not_ok "$1: the script ran" "$(cat "$T/$1.err")"
}
screen() { awk -v n="$2" '$0 == "--" { i++; next } i == n - 1' "$T/$1.out"; }

run merge "$sup" <<'KEYS'
C-d
:dump
Enter
:dump
s
:dump
s
m
:dump
Enter
:dump
q
:type 4999999911
:dump
KEYS
like "the list names the pair and why" "$(screen merge 1)" '1 likely duplicate pair.*same phone,.*similar name at the same premise'
like "and shows the selected pair whole" "$(screen merge 1)" '4999999991 Zebedee Quuxworth and 4999999911 Zebedee Quuxworth'
s=$(screen merge 2)
like "Enter compares them side by side" "$s" 'Kept \(survivor\) +Merged into it'
like "the one with more history is kept" "$s" 'Account +4999999991 +4999999911'
like "with their history counted" "$s" 'Contacts +2, last .* +1, last'
like "and what a merge will do" "$s" 'Everything of 4999999911 \(1 contact, 1 premise\) moves to'
like "s swaps which is kept" "$(screen merge 3)" 'Account +4999999911 +4999999991'
like "m asks first, saying what moves" "$(screen merge 4)" 'Merge: keep 4999999991, 4999999911 becomes a pointer'
like "merged" "$(screen merge 5)" 'Merged: 4999999911 now points to 4999999991'
is "in the database" "$(q "SELECT merged_into FROM customer WHERE id = 990011")" 990001
is "with its contact" "$(q "SELECT customer_id FROM interaction WHERE summary = 'Duplicate record call'")" 990001
like "search by the old account number finds the survivor" "$(screen merge 6)" 'Search: 4999999911.*4999999991 +Zebedee Quuxworth'
unlike "and not the pointer" "$(screen merge 6 | grep -v Search:)" '4999999911'
run undo "$sup" <<'KEYS'
C-d
u
:dump
U
Enter
:dump
KEYS
like "the merges of the last day" "$(screen undo 1)" 'Sue Super +4999999911 Zebedee.* +merged'
like "U undoes it" "$(screen undo 2)" 'Merge undone'
is "and the contact is back" "$(q "SELECT customer_id FROM interaction WHERE summary = 'Duplicate record call'")" 990011

run dismiss "$sup" <<'KEYS'
C-d
x
Enter
:dump
KEYS
like "x leaves a pair of different people out" "$(screen dismiss 1)" '0 likely duplicate pairs'
is "decided in the database" "$(q "SELECT count(*) FROM customer_not_duplicate")" 1

run agent "$ag" <<'KEYS'
C-d
:dump
KEYS
like "agents do not get the screen" "$(screen agent 1)" 'Merging duplicate customers is for supervisors'
tap_done
