#!/usr/bin/env bash
# test_customer_view.sh — every query of the customer view: no premises, many premises and meters, 10,000 contacts, an event zone; one round trip.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/fixtures.sh"
export TEST_DB=view_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
T=$(mktemp -d)
trap 'dropdb --if-exists "$TEST_DB"; rm -rf "$T"' EXIT
export PGDATABASE=$TEST_DB
fixtures_load || not_ok "load fixtures"
view() { "$CARELINE" view "$1" 2>"$T/err"; }
part() { grep "^$1|" || true; }

# A customer in the zone of the active demo event.
acct=$(q "SELECT c.account_no FROM customer c JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL
          JOIN premise p ON p.id = cp.premise_id JOIN critical_event_zone z ON z.zone_id = p.zone_id
          JOIN critical_event e ON e.id = z.event_id AND e.status = 'active' ORDER BY c.id LIMIT 1")
out=$(view "$acct"); rc=$?
is "view of a customer in the event zone exits 0" "$rc" 0
is "the header has the account" "$(printf '%s\n' "$out" | part header | cut -d'|' -f3)" "$acct"
like "the active event is there with its message" "$(printf '%s\n' "$out" | part events)" '^events\|[0-9a-f-]{36}\|[a-z_]+\|.+\|.+\|.+\|.+'
is "24 months of usage" "$(printf '%s\n' "$out" | part usage | wc -l)" 24
like "bills are listed" "$(printf '%s\n' "$out" | part bills)" '^bills\|[0-9]+\|'
like "it says one round trip" "$(cat "$T/err")" 'one round trip'

# Round trips: after the account lookup, the whole view is one pipeline: one Sync.
rm -f "$T/trace"
CARELINE_PQTRACE=$T/trace "$CARELINE" view "$acct" >/dev/null 2>&1
syncs=$(awk '/FROM customer c WHERE c.id = \$1/ {seen = 1} seen && /^F\t[0-9]+\tSync/ {n++} END {print n + 0}' "$T/trace")
is "the view opens in exactly one round trip" "$syncs" 1
parses=$(awk '/FROM customer c WHERE c.id = \$1/ {seen = 1} seen && /^F\t[0-9]+\tParse\t/ {n++} END {print n + 0}' "$T/trace")
is "with its two statements in it: every part packed in one, and the audit row" "$parses" 2
# A far database pays for every column description: one for the whole view.
descs=$(awk '/FROM customer c WHERE c.id = \$1/ {seen = 1} seen && /^B\t[0-9]+\tRowDescription/ {n++} END {print n + 0}' "$T/trace")
is "the answer describes one row of packed parts, not every part's columns" "$descs" 1

# Opening writes the audit row.
before=$(q "SELECT count(*) FROM audit_log WHERE action = 'customer.open' AND entity_id = (SELECT id::text FROM customer WHERE account_no = '$acct')")
view "$acct" >/dev/null
after=$(q "SELECT count(*) FROM audit_log WHERE action = 'customer.open' AND entity_id = (SELECT id::text FROM customer WHERE account_no = '$acct')")
is "each open writes one audit row" "$((after - before))" 1

# A customer with no premises at all.
q "INSERT INTO customer (id, account_no, name, segment) VALUES (990100, '4999999100', 'No Premises Person', 'residential_single')" >/dev/null
out=$(view 4999999100); rc=$?
is "no premises: exits 0" "$rc" 0
is "no premises: no premise rows" "$(printf '%s\n' "$out" | part premises | wc -l)" 0
is "no premises: no usage rows" "$(printf '%s\n' "$out" | part usage | wc -l)" 0
is "no premises: no event" "$(printf '%s\n' "$out" | part events | wc -l)" 0
is "no premises: contact count 0" "$(printf '%s\n' "$out" | part contact_count)" "contact_count|0"

# Many premises and meters (a key account).
q "INSERT INTO customer (id, account_no, name, segment) VALUES (990200, '4999999200', 'Big Estates Holdings plc', 'key_account');
   INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type, property_class)
   SELECT 990200 + i, 'KEY-' || i, i || ' Enterprise Way', 'Testbury', 'QQ2 2QQ', (SELECT id FROM zone WHERE code = 'ZT1'), 'office', 'non_household'
     FROM generate_series(1, 40) i;
   INSERT INTO customer_premise (customer_id, premise_id, start_date) SELECT 990200, 990200 + i, date '2021-01-01' FROM generate_series(1, 40) i;
   INSERT INTO meter (premise_id, serial, meter_type) SELECT 990200 + (i % 40) + 1, 'KA' || lpad(i::text, 8, '0'), 'amr' FROM generate_series(1, 60) i;
   INSERT INTO meter_read (meter_id, read_on, reading, consumption_m3, read_type)
   SELECT m.id, d::date, 100 + g, 10 + (m.id % 7), 'actual' FROM meter m
     CROSS JOIN LATERAL generate_series(date '2025-01-01', date '2026-10-01', interval '1 month') WITH ORDINALITY AS s(d, g)
    WHERE m.serial LIKE 'KA%';" >/dev/null || not_ok "insert the key account"
out=$(view 4999999200); rc=$?
is "many premises: exits 0" "$rc" 0
is "many premises: one row per meter (60)" "$(printf '%s\n' "$out" | part premises | wc -l)" 60
is "many premises: 40 different premises" "$(printf '%s\n' "$out" | part premises | cut -d'|' -f2 | sort -u | wc -l)" 40
is "many premises: usage sums all meters (60 x 10..16 m3)" "$(printf '%s\n' "$out" | part usage | tail -1 | cut -d'|' -f3 | cut -d. -f1)" \
   "$(q "SELECT sum(10 + (id % 7))::int FROM meter WHERE serial LIKE 'KA%'")"

# 10,000 contacts: the first page only, newest first, and the count.
q "INSERT INTO interaction (customer_id, channel, started_at, summary, subject)
   SELECT 990001, (ARRAY['phone','email','web','sms','walk_in','field_visit','social'])[1 + i % 7],
          timestamptz '2026-01-01 09:00' + i * interval '1 minute', 'Contact number ' || i, 'billing_query'
     FROM generate_series(1, 10000) i" >/dev/null
out=$(view 4999999991); rc=$?
is "10,000 contacts: exits 0" "$rc" 0
is "10,000 contacts: the count says so" "$(printf '%s\n' "$out" | part contact_count)" "contact_count|10000"
is "10,000 contacts: one page of 25 is fetched (the timeline at 80x24, and the next rows)" "$(printf '%s\n' "$out" | part contacts | wc -l)" 25
like "10,000 contacts: newest first" "$(printf '%s\n' "$out" | part contacts | head -1)" 'Contact number 10000'
ms=$(grep -oE '[0-9.]+ ms' "$T/err" | cut -d' ' -f1)
ok "10,000 contacts: the view took $ms ms"

# Text from the database never reaches a terminal raw.
out=$(view 4999999994)
unlike "escape sequences are not printed raw" "$out" $'\x1b'
like "they are shown visibly" "$out" 'Evil\^\[\[2J'

out=$("$CARELINE" view 0000000000 2>&1); rc=$?
is "an unknown account exits 1" "$rc" 1
like "and says so" "$out" 'no customer with account number 0000000000'
out=$("$CARELINE" view 2>&1); rc=$?
is "view without an account exits 2" "$rc" 2

tap_done
