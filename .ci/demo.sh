#!/usr/bin/env bash
# demo.sh — `make demo [REGION=us-nyc]`: a throwaway PostgreSQL with generated demo data (a British utility, or a New York one with a month of 311 requests), an agent and a supervisor login, and Careline opened as one of them.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
N=${DEMO_CUSTOMERS:-10000}
SEED_REGION=${REGION:-gb-eng} # a demo region: one of db/seed/*.sql (what `careline seed --region` knows)
AS=${DEMO_AS:-agent}          # which login this terminal opens: agent or supervisor
AGENT=careline_demo
SUPERVISOR=careline_demo_supervisor
case $AS in
    agent) LOGIN=$AGENT OTHER=$SUPERVISOR ;;
    supervisor) LOGIN=$SUPERVISOR OTHER=$AGENT ;;
    *) echo "demo.sh: DEMO_AS must be agent or supervisor, not '$AS'" >&2; exit 2 ;;
esac
# Asked before anything starts, from the files the seed is built from.
regions=$(cd "$TOP/db/seed" && ls -- *.sql | sed 's/\.sql$//' | paste -sd ' ')
case $SEED_REGION in
    *[!a-z0-9-]*) false ;;
    *) [ -f "$TOP/db/seed/$SEED_REGION.sql" ] ;;
esac || {
    echo "demo.sh: REGION must be one of: $regions (not '$SEED_REGION')" >&2
    exit 2
}
case $N in
    '' | *[!0-9]* | 0*) echo "demo.sh: DEMO_CUSTOMERS must be a whole number from 1, not '$N'" >&2; exit 2 ;;
esac
CARELINE=$TOP/build/careline
if [ "${STANDBY:-0}" = 1 ]; then
    # A primary and a synchronous streaming standby (tests/lib/pgpair.sh), so
    # a failover can be tried by hand while Careline runs.
    . "$TOP/tests/lib/pgpair.sh"
    pgpair_start || exit 1
    echo "Demo primary: socket $PGPAIR_PRIMARY_SOCK, port $PGPAIR_PRIMARY_PORT"
    echo "Demo standby: socket $PGPAIR_STANDBY_SOCK, port $PGPAIR_STANDBY_PORT (streaming, synchronous; both removed when you quit)"
else
    . "$TOP/tests/lib/pgtmp.sh"
    pgtmp_start || exit 1
    echo "Demo database: socket $PGHOST, port $PGPORT (removed when you quit)"
fi
createdb careline || exit 1
export PGDATABASE=careline
"$CARELINE" migrate >/dev/null || exit 1
echo "Generating demo data for $N customers ($SEED_REGION)..."
"$CARELINE" seed --customers "$N" --region "$SEED_REGION" || exit 1

# Staff log in as their own PostgreSQL roles, each with a staff row: one
# agent and one supervisor, so both sides (a credit above the agent's
# authority and its approval, say) can be tried at once.
psql -X -q -v ON_ERROR_STOP=1 <<SQL || exit 1
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$AGENT') THEN
        CREATE ROLE $AGENT LOGIN IN ROLE careline_agent;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$SUPERVISOR') THEN
        CREATE ROLE $SUPERVISOR LOGIN IN ROLE careline_supervisor;
    END IF;
END \$\$;
INSERT INTO staff (login_role, display_name, team, group_role)
VALUES ('$AGENT', 'Demo Agent', 'General', 'agent'), ('$SUPERVISOR', 'Demo Supervisor', 'General', 'supervisor')
ON CONFLICT (login_role) DO NOTHING;
-- The demo supervisor runs the queues of every team the demo routes complaints to.
INSERT INTO team_supervisor (staff_id, team)
SELECT s.id, t FROM staff s, unnest(ARRAY['Billing', 'Operations', 'Complaints']) t WHERE s.login_role = '$SUPERVISOR'
ON CONFLICT DO NOTHING;
SQL

# The shipped recovery scripts, through `scripts load` as an administrator
# would (the seed stored the same files, so each is reported unchanged;
# after editing one in conf/scripts it becomes a new version here).
if ! out=$("$CARELINE" scripts load "$TOP"/conf/scripts/*.conf 2>&1); then
    printf '%s\n' "$out" >&2
    exit 1
fi
echo "Recovery scripts: $(printf '%s\n' "$out" | grep -c ' from ') from conf/scripts loaded ($("$CARELINE" scripts list | grep -c ' yes ') active)"

if [ "$SEED_REGION" = us-nyc ]; then
    # A month of the city's 311 requests, written from the seeded premises
    # (tests/lib/nyc311_month.sql: the same day and N give the same file)
    # and imported by the supervisor as the utility would import an extract:
    # complaints on the customers' views, the rest on the unmatched requests screen.
    rows=$(( N / 10 < 200 ? 200 : N / 10 ))
    [ "$rows" -gt 20000 ] && rows=20000
    csv=$(mktemp "${TMPDIR:-/tmp}/careline-demo-311.XXXXXX") || exit 1
    start=$(psql -X -At -c "SELECT date_trunc('day', now()) - interval '30 days'") &&
        psql -X -q -v ON_ERROR_STOP=1 -v rows="$rows" -v dep_in_100=90 -v closed=3 -v open_days=7 -v start="$start" -v step=7919 \
             -f "$TOP/tests/lib/nyc311_month.sql" >"$csv" ||
        { rm -f "$csv"; exit 1; }
    echo "Importing a month of NYC 311 requests ($rows rows, as careline import nyc311 would)..."
    if ! out=$(PGUSER=$SUPERVISOR "$CARELINE" import nyc311 "$csv" 2>&1); then
        printf '%s\n' "$out" >&2
        rm -f "$csv"
        exit 1
    fi
    rm -f "$csv"
    printf '%s\n' "${out//"$csv"/nyc311-month.csv}"
fi

if [ "${STANDBY:-0}" = 1 ]; then
    # Careline is given both servers; libpq keeps to the one that takes writes.
    export PGHOST=$PGPAIR_PRIMARY_SOCK,$PGPAIR_STANDBY_SOCK PGPORT=$PGPAIR_PRIMARY_PORT,$PGPAIR_STANDBY_PORT \
           PGTARGETSESSIONATTRS=read-write
    echo
    echo "To try a failover while Careline runs, from another terminal (as root: prefix runuser -u postgres --):"
    echo "  $PGTMP_BIN/pg_ctl -D $PGPAIR_DIR/primary/data -m immediate stop    # the primary dies"
    echo "  $PGTMP_BIN/pg_ctl -D $PGPAIR_DIR/standby/data promote              # the standby takes over"
fi

other_side=agent
[ "$AS" = agent ] && other_side=supervisor
echo
echo "Logins (each its own PostgreSQL role, linked to a staff row):"
printf '  %-11s %-25s %s\n' agent "$AGENT" "careline_agent: customers, complaints, scripts, credits within the limit" \
    supervisor "$SUPERVISOR" "careline_supervisor: approvals, everyone's follow-ups, overrides"
echo "This terminal opens Careline as the $AS. To be the $other_side at the same time, in another terminal:"
echo "  ${PGTARGETSESSIONATTRS:+PGTARGETSESSIONATTRS=$PGTARGETSESSIONATTRS }PGHOST=$PGHOST PGPORT=$PGPORT PGDATABASE=careline PGUSER=$OTHER $CARELINE"
echo "(DEMO_AS=supervisor make demo${REGION:+ REGION=$SEED_REGION} opens this terminal as the supervisor instead.)"

if [ ! -t 0 ] || [ ! -t 1 ]; then
    # No terminal: show that both logins work, then clean up.
    for login in "$AGENT" "$SUPERVISOR"; do
        role=$(PGUSER=$login psql -X -At -c "SELECT group_role FROM staff WHERE id = current_staff_id()" 2>&1)
        echo "login $login: ${role:-no staff row}"
    done
    echo "No terminal here: the demo database was built and is being removed."
    echo "Run 'make demo' from a terminal to use Careline on it."
    exit 0
fi
PGUSER=$LOGIN "$CARELINE"
