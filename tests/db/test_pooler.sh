#!/usr/bin/env bash
# test_pooler.sh — Careline's connection layer through a real PgBouncer 1.18 in transaction mode with a default ini (tests/db/pooler.c): settings with every transaction, statements unnamed, LISTEN on a session of its own, found out with no setting; migrate through it leaves no lock behind; the notification worker refuses it in a sentence.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/pgtmp.sh"
. "$TOP/tests/lib/pgbouncer.sh"
T=$(mktemp -d)
chmod 755 "$T"
export TEST_DB=pooler_$$
role=pooler_agent_$$
trap 'pgbouncer_stop; dropdb --if-exists --force "$TEST_DB"; dropdb --if-exists --force "${TEST_DB}_m"; q "DROP ROLE IF EXISTS $role" postgres >/dev/null 2>&1; rm -rf "$T"' EXIT
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
q "CREATE ROLE $role LOGIN IN ROLE careline_agent" postgres >/dev/null
prog=$(dirname "$CARELINE")/dbtests/pooler
[ -x "$prog" ] || { not_ok "the pooler driver is built ($prog)"; tap_done; exit 1; }
direct="host=$PGHOST port=$PGPORT dbname=$TEST_DB user=postgres"

# Two server connections per user, used in turn: consecutive transactions
# of one connection land on different server processes.
PGB_EXTRA="min_pool_size = 2
server_round_robin = 1" pgbouncer_start "$T/pgb" "$role" || { not_ok "start PgBouncer"; tap_done; exit 1; }
pooled="host=$PGB_SOCK port=$PGB_PORT dbname=$TEST_DB user=postgres"
# Two transactions at once open the pool's second server connection.
warm_pool() {
    psql -X -q -h "$PGB_SOCK" -p "$PGB_PORT" -d "$TEST_DB" -c 'SELECT pg_sleep(0.2)' >/dev/null &
    psql -X -q -h "$PGB_SOCK" -p "$PGB_PORT" -d "$TEST_DB" -c 'SELECT pg_sleep(0.2)' >/dev/null
    wait
}
warm_pool
"$prog" pooled "$pooled" "$direct"
"$prog" direct "$direct"
"$prog" forced "$direct"
"$prog" none "$pooled"
# Reached over TCP by a login that may not see the server's socket folder,
# PgBouncer's server (on a socket only) cannot be reached where it says.
"$prog" nolisten "host=127.0.0.1 port=$PGB_PORT dbname=$TEST_DB user=$role"
"$prog" nolisten "host=127.0.0.1 port=$PGB_PORT dbname=$TEST_DB user=$role" "host=$PGHOST port=$PGPORT"

# migrate through the pooler: twice at once, each migration once, no lock
# and no setting left on the server connections others get.
createdb "${TEST_DB}_m"
for i in 1 2; do
    PGHOST=$PGB_SOCK PGPORT=$PGB_PORT PGDATABASE=${TEST_DB}_m "$CARELINE" migrate >"$T/migrate.$i" 2>&1 &
done
wait
is "migrate twice at once through PgBouncer: both end well" "$(grep -c 'applied\|up to date' "$T"/migrate.1 "$T"/migrate.2 | awk -F: '{ s += ($2 > 0) } END { print s }')" 2
is "each migration applied once" "$(q "SELECT count(*) = count(DISTINCT version) AND count(*) = $(ls "$TOP"/db/migrations/*.sql | wc -l) FROM schema_migrations" "${TEST_DB}_m")" t
is "no advisory lock left on the server connections" \
    "$(q "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = '${TEST_DB}_m'")" 0
is "no statement_timeout left on them" \
    "$(psql -X -At -h "$PGB_SOCK" -p "$PGB_PORT" -d "${TEST_DB}_m" -c 'SHOW statement_timeout' 2>&1)" 0

# The notification worker claims by its server process and LISTENs: it
# says it needs the server itself.
out=$(PGHOST=$PGB_SOCK PGPORT=$PGB_PORT PGDATABASE=$TEST_DB "$CARELINE" notify --once 2>&1); rc=$?
is "notify through the pooler: exit 1" "$rc" 1
like "and says to point it at the server" "$out" 'straight to PostgreSQL'
pgbouncer_stop

# A PgBouncer told to ignore the options (the switch older guides gave):
# found out all the same, by the server process it answers from.
PGB_EXTRA="ignore_startup_parameters = options
min_pool_size = 2
server_round_robin = 1" pgbouncer_start "$T/pgb2" || { not_ok "start the second PgBouncer"; tap_done; exit 1; }
warm_pool
"$prog" ignoring "host=$PGB_SOCK port=$PGB_PORT dbname=$TEST_DB user=postgres" "$direct"
tap_done
