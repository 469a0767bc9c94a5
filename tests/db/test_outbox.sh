#!/usr/bin/env bash
# test_outbox.sh — the outbox of client-keyed writes against the seeded schema (tests/db/outbox.c): exactly once by key, answers, the journal until confirmed, refusals kept, a lost connection made good, old journal files sent as they are.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=outbox_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$TEST_DB"' EXIT
prog=$(dirname "$CARELINE")/dbtests/outbox
[ -x "$prog" ] || { not_ok "the outbox driver is built ($prog)"; tap_done; exit 1; }
PGDATABASE=$TEST_DB "$prog"
