#!/usr/bin/env bash
# test_statements.sh — each db/ module's listed statements against the seeded schema, decoded with their records (tests/db/statements.c): a SELECT and its record cannot drift apart unnoticed.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=statements_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$TEST_DB"' EXIT
# An event with a customer message: the notification outbox and call list have rows.
q "INSERT INTO critical_event (kind, title, agent_message, customer_message) VALUES ('low_pressure', 'Statements', 'x', 'Low pressure today.');
   INSERT INTO critical_event_zone SELECT e.id, z.zone_id FROM critical_event e,
     (SELECT zone_id FROM premise GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) z WHERE e.title = 'Statements'" >/dev/null
# A 311 request waiting for a premise: the unmatched requests list has a row.
q "INSERT INTO service_request (source, external_id, category_id, status, requested_at, row_hash, address, match_note)
   VALUES ('nyc311', 'S-1', (SELECT id FROM complaint_category WHERE code = 'supply.interruption'), 'new', now(), 'x',
           '1 Nowhere Street', 'no premise matches this address')" >/dev/null
# A finished 311 import: the runs list has a row.
q "INSERT INTO import_run (source, file_name, finished_at) VALUES ('nyc311', 'statements.csv', now())" >/dev/null
# The sanitizer run passes its own build's careline; the checker sits beside it.
prog=$(dirname "$CARELINE")/dbtests/statements
[ -x "$prog" ] || { not_ok "the statement checker is built ($prog)"; tap_done; exit 1; }
PGDATABASE=$TEST_DB "$prog"
