#!/usr/bin/env bash
# test_script_recovery_decode.sh — the approvals and follow-ups screens from typed records: amounts, days and versions drawn from the decoded fields, and a column the record cannot hold shown as the decoder's sentence, never as shifted or made-up data.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_rdecode_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT

run() {   # run NAME < KEYS: the screens the key script dumps, in $T/NAME.out
    cat >"$T/$1.keys"
    "$CARELINE" --script "$T/$1.keys" --size 24x120 >"$T/$1.out" 2>"$T/$1.err" ||
        not_ok "$1: the script ran" "$(cat "$T/$1.err")"
}

# One pending credit and one follow-up due today that the screens must show
# exactly as stored.
cust=$(q "SELECT id FROM customer ORDER BY id LIMIT 1")
q "UPDATE goodwill_credit SET status = 'rejected' WHERE status = 'pending'" >/dev/null
q "INSERT INTO goodwill_credit (customer_id, amount, reason, status) VALUES ($cust, 1234.05, 'Decode check', 'pending')" >/dev/null
q "UPDATE follow_up SET status = 'cancelled', cancel_reason = 'test' WHERE status = 'open'" >/dev/null
q "INSERT INTO follow_up (customer_id, due_on, channel, what_to_confirm) VALUES ($cust, current_date - 3, 'letter', 'Decode check held')" >/dev/null

run good <<'KEYS'
C-r
:dump
q
C-o
:dump
KEYS
like "the queue counts the credit" "$(cat "$T/good.out")" '1 credit waiting for'
like "its amount is drawn from pence, exactly" "$(cat "$T/good.out")" '£1234\.05'
like "the follow-up is three days late" "$(cat "$T/good.out")" '3 d late'
like "with what to confirm" "$(cat "$T/good.out")" 'Decode check held'

# Schema drift the records cannot hold: a third decimal of money, a version
# that is no whole number. The screens say so in the decoder's words.
q "ALTER TABLE goodwill_credit ALTER amount TYPE numeric(10,3); UPDATE goodwill_credit SET amount = 12.345 WHERE reason = 'Decode check'" >/dev/null
q "ALTER TABLE follow_up DISABLE TRIGGER USER; ALTER TABLE follow_up ALTER version TYPE numeric;
   UPDATE follow_up SET version = 1.5 WHERE what_to_confirm = 'Decode check held'" >/dev/null
run drift <<'KEYS'
C-r
:dump
q
C-o
:dump
KEYS
like "the approvals screen shows the decoder's sentence" "$(cat "$T/drift.out")" \
     'approval queue: row 1, column amount: "12\.345" is not an amount of money'
unlike "and no amount rounded from it" "$(cat "$T/drift.out")" '£12\.3'
like "the follow-ups screen shows the decoder's sentence" "$(cat "$T/drift.out")" \
     'follow-ups: row 1, column version: "1\.5" is not a whole number'
unlike "and no row of it" "$(cat "$T/drift.out")" 'Decode check held'
tap_done
