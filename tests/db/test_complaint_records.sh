#!/usr/bin/env bash
# test_complaint_records.sh — every statement of the complaint aggregate, run against the migrated schema with a fixture that fills every part, decodes into its record; a column renamed in the SQL and not in the record is refused by name.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=records_$$ PGDATABASE=records_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$TEST_DB"' EXIT
DRIVER=$(dirname "$CARELINE")/dbtests/complaint_records
[ -x "$DRIVER" ] || { not_ok "the driver is built" "$DRIVER"; tap_done; exit 1; }

# Customer 1 lives in the zone of the seed's one active event. Give them an
# open complaint linked to it (acknowledged, with a follow-up and a
# guaranteed payment), and another customer one on the same event, so
# that every part of the intake and of the complaint has rows to decode.
event=$(q "SELECT md5('event:1')::uuid")
cat=$(q "SELECT id FROM complaint_category WHERE code = 'supply.interruption'")
mine=$(q "INSERT INTO complaint (customer_id, category_id, critical_event_id, channel, description)
          VALUES (1, $cat, '$event', 'phone', 'No water since the morning') RETURNING id")
q "INSERT INTO complaint (customer_id, category_id, critical_event_id, channel, description)
   SELECT id, $cat, '$event', 'phone', 'Also no water' FROM customer WHERE id <> 1 ORDER BY id LIMIT 1" >/dev/null
q "UPDATE complaint SET status = 'acknowledged' WHERE id = '$mine'" >/dev/null
q "INSERT INTO follow_up (complaint_id, customer_id, due_on, channel, what_to_confirm)
   VALUES ('$mine', 1, current_date + 2, 'phone', 'Supply back and clear')" >/dev/null
q "INSERT INTO compensation_payment (complaint_id, response_standard_id, amount)
   VALUES ('$mine', (SELECT min(id) FROM response_standard), 40)" >/dev/null

out=$("$DRIVER" "$mine" 1 "$cat" 2>&1)
rc=$?
is "the driver ran every statement" "$rc" 0
is "ten statements read the complaint aggregate" "$(printf '%s\n' "$out" | grep -c '|')" 10
rows() { printf '%s\n' "$out" | sed -n "s/^$1|//p"; }
for what in "complaint detail" "who is looking"; do
    is "$what: one row, decoded" "$(rows "$what")" 1
done
for what in "complaint history" "root causes" "open follow-ups" "intake categories" "open complaints" \
            "active events"; do
    like "$what: rows, decoded" "$(rows "$what")" '^[1-9][0-9]*$'
done
is "intake customer: one row, decoded" "$(rows "intake customer")" 1
is "deadlines: one row, decoded" "$(rows "deadlines")" 1
unlike "no statement was refused" "$out" 'error:'

# Renamed in the SQL but not in the record: refused by name, never
# shifted into another field.
bad=$("$DRIVER" "$mine" 1 "$cat" version version_no 2>&1)
like "a renamed version column is refused" "$bad" '^complaint detail\|error: complaint detail: the statement has no column version'
bad=$("$DRIVER" "$mine" 1 "$cat" category_id category 2>&1)
like "a column renamed onto another column's name is refused" "$bad" \
    'open complaints\|error: open complaints: the statement has no column category_id'
bad=$("$DRIVER" "$mine" 1 "$cat" compensation payment 2>&1)
like "a renamed text column is refused too" "$bad" 'deadlines\|error: deadlines: the statement has no column compensation'

tap_done
