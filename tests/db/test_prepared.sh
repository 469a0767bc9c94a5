#!/usr/bin/env bash
# test_prepared.sh — a far database costs bytes once (tests/db/prepared.c): statements prepared once per session, ahead of their first use, again after a reconnect, none when switched off; a superseded request cancelled without blocking; a search fetched page by page keeps its total and order; the usage statement reads one zone's benchmark.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=prepared_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$TEST_DB"' EXIT
prog=$(dirname "$CARELINE")/dbtests/prepared
[ -x "$prog" ] || { not_ok "the driver is built ($prog)"; tap_done; exit 1; }
PGDATABASE=$TEST_DB "$prog"
