# loadrun.sh — the load driver's runs (sourced by bench.sh and load.sh, after common.sh): the server's CPU per action alone, 200 agents direct and through PgBouncer, then a thousand terminals through PgBouncer; figures on stdout and appended to $BENCH_OUT/load.md.
#
# Needs W (a private folder), the cluster up (bench_db_up). PgBouncer is
# Debian 12's 1.18 with its shipped pgbouncer.ini plus where to listen, the
# server, the logins and pool_mode = transaction (tests/lib/pgbouncer.sh):
# no ignore_startup_parameters, no connect_query, nothing about prepared
# statements. Careline finds the pooler by itself.
#
# Knobs: BENCH_AGENTS (200), BENCH_SUPERVISORS (4), BENCH_LOAD_SECONDS (60),
# BENCH_THINK_MS (3000), BENCH_CALIBRATE (100 calls of one agent alone),
# BENCH_TERMINALS (1000; 0 leaves that run out) with BENCH_TERMINAL_THINK_MS
# (20000: a call about every 100 s, 1.8 times an agent's pace in an outage
# storm) and BENCH_POOL_SIZE (20 server connections), also straight to
# PostgreSQL unless BENCH_TERMINALS_DIRECT=0, their logins spread over
# BENCH_RAMP_MS (90000: staff arriving, not a login storm), BENCH_LOAD_ROLES
# ("person": each terminal logs in as its own role, as staff do; "shared":
# all agents as one role), BENCH_OUT (where load.md goes; build/bench).

BENCH_AGENTS=${BENCH_AGENTS:-200}
BENCH_SUPERVISORS=${BENCH_SUPERVISORS:-4}
BENCH_LOAD_SECONDS=${BENCH_LOAD_SECONDS:-60}
BENCH_THINK_MS=${BENCH_THINK_MS:-3000}
BENCH_CALIBRATE=${BENCH_CALIBRATE:-100}
BENCH_TERMINALS=${BENCH_TERMINALS:-1000}
BENCH_TERMINAL_THINK_MS=${BENCH_TERMINAL_THINK_MS:-20000}
BENCH_POOL_SIZE=${BENCH_POOL_SIZE:-20}
BENCH_RAMP_MS=${BENCH_RAMP_MS:-90000}
BENCH_LOAD_ROLES=${BENCH_LOAD_ROLES:-person}
BENCH_OUT=${BENCH_OUT:-$TOP/build/bench}
LOAD_MD=$BENCH_OUT/load.md

. "$TOP/tests/lib/pgbouncer.sh"

# load_roles AGENTS SUPERVISORS: login roles careline_load_a1.. and
# careline_load_s1.. with their staff rows (idempotent), or the bench's two
# shared roles.
load_roles() {
    if [ "$BENCH_LOAD_ROLES" = shared ]; then
        bench_roles
        LOAD_AGENT=careline_bench_agent LOAD_SUPER=careline_bench_supervisor
        return
    fi
    LOAD_AGENT='careline_load_a%d' LOAD_SUPER='careline_load_s%d'
    # As the cluster owner: bench.sh has PGUSER set to its agent by now.
    PGUSER=postgres psql -X -q -v ON_ERROR_STOP=1 -v na="$1" -v ns="$2" >/dev/null <<'SQL'
SELECT set_config('load.na', :'na', false), set_config('load.ns', :'ns', false);
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT 'careline_load_a' || g AS name, 'agent' AS grp FROM generate_series(1, current_setting('load.na')::int) g
             UNION ALL
             SELECT 'careline_load_s' || g, 'supervisor' FROM generate_series(1, current_setting('load.ns')::int) g
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
            EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', r.name, 'careline_' || r.grp);
        END IF;
        INSERT INTO staff (login_role, display_name, team, group_role)
        VALUES (r.name, initcap(r.grp) || ' ' || substr(r.name, 15), 'bench', r.grp)
        ON CONFLICT (login_role) DO NOTHING;
    END LOOP;
END $$;
SQL
}

# The roles as PgBouncer's auth file lists them.
load_role_names() {   # load_role_names AGENTS SUPERVISORS
    if [ "$BENCH_LOAD_ROLES" = shared ]; then
        echo careline_bench_agent careline_bench_supervisor
    else
        seq -f 'careline_load_a%g' 1 "$1"
        seq -f 'careline_load_s%g' 1 "$2"
    fi
}

# load_server_room N: enough server connections for N terminals (each has a
# LISTEN session straight to the server besides its work through PgBouncer).
load_server_room() {
    local have
    have=$(psql -X -At -c 'SHOW max_connections')
    [ "$have" -ge $(($1 + BENCH_POOL_SIZE + 60)) ] && return 0
    bench_note "load: restarting the server with max_connections = $(($1 + BENCH_POOL_SIZE + 100))..."
    export PGTMP_MAX_CONNECTIONS=$(($1 + BENCH_POOL_SIZE + 100))
    pgtmp_as "$PGTMP_BIN/pg_ctl" -D "$PGTMP_DIR/data" -m fast -w stop >/dev/null &&
        pgtmp_server_start
}

load_run() {   # load_run LABEL AGENTS SUPERVISORS THINK [ENV=VALUE...] [-- DRIVER OPTIONS...]
    local label=$1 agents=$2 supers=$3 think=$4; shift 4
    local envs=() opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    opts=("$@")
    # Set-up and the final check as the cluster owner; the terminals log in
    # as the staff roles.
    env PGUSER=postgres "${envs[@]}" "$TOP/build/bench/load" -a "$agents" -s "$supers" -t "$BENCH_LOAD_SECONDS" \
        -k "$think" -l "$label" -u "$LOAD_AGENT" -U "$LOAD_SUPER" -m "$LOAD_MD" "${opts[@]}"
}

# PgBouncer in front of the cluster: the shipped ini, transaction mode,
# default_pool_size BENCH_POOL_SIZE (one pool per database and login);
# with CAP, max_db_connections caps all the pools together, as an
# installation whose staff log in as themselves must to keep the server
# connections near BENCH_POOL_SIZE.
load_pgbouncer() {   # load_pgbouncer TERMINALS [CAP]
    pgbouncer_stop
    PGB_POOL_SIZE=$BENCH_POOL_SIZE PGB_MAX_CLIENTS=$(($1 * 2 + 50)) PGB_EXTRA="${2:+max_db_connections = $2}" \
        pgbouncer_start "$W/pgbouncer" $(load_role_names "$BENCH_AGENTS" "$BENCH_SUPERVISORS") \
            $(load_role_names "$(($1 - $1 / 50))" "$(($1 / 50))") >/dev/null
}

# load_sizes: rows and bytes of the largest tables (with their indexes and
# TOAST), for docs/scaling.md to scale by customers.
load_sizes() {
    {
        echo
        echo "**Rows and sizes** at $BENCH_CUSTOMERS customers (after the runs; rows as the planner counts them):"
        echo
        echo "| table | rows | table + indexes | bytes per row |"
        echo "| --- | ---: | ---: | ---: |"
        psql -X -At -F '|' -c "
            SELECT c.relname, c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid)),
                   CASE WHEN c.reltuples > 0 THEN (pg_total_relation_size(c.oid) / c.reltuples)::bigint END
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'm') AND n.nspname = 'public'
             ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 16" | sed 's/|/ | /g; s/^/| /; s/$/ |/'
        echo
        echo "The whole database: $(psql -X -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))")."
    } >>"$LOAD_MD"
}

load_all() {
    LOAD_CLEANUP=pgbouncer_stop   # bench.sh's exit trap stops PgBouncer with this
    mkdir -p "$BENCH_OUT"
    local n=$BENCH_TERMINALS sup direct pgb
    [ "$n" -gt "$BENCH_AGENTS" ] || n=$((BENCH_AGENTS + BENCH_SUPERVISORS))
    sup=$((n / 50))
    load_server_room "$n" || { echo "load: the server did not come back" >&2; return 1; }
    load_roles "$((n > BENCH_AGENTS ? n : BENCH_AGENTS))" "$((sup > BENCH_SUPERVISORS ? sup : BENCH_SUPERVISORS))" ||
        { echo "load: the staff roles could not be made" >&2; return 1; }
    direct="host=$PGHOST port=$PGPORT dbname=$BENCH_DB"
    {
        echo "### The whole day under load ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null), $BENCH_CUSTOMERS customers, staff logging in as ${BENCH_LOAD_ROLES/person/their own roles})"
        echo
        echo "Each terminal is a process with its own connection through Careline's db/ layer (tests/bench/load.c)."
    } >>"$LOAD_MD"
    bench_note "load: ${BENCH_AGENTS} agents direct (and each action alone first)..."
    load_run direct "$BENCH_AGENTS" "$BENCH_SUPERVISORS" "$BENCH_THINK_MS" -- -C "$BENCH_CALIBRATE" -D "$direct" \
        -K "$W/calibration"
    if command -v pgbouncer >/dev/null; then
        load_pgbouncer "$n" || { echo "load: PgBouncer did not start" >&2; return 1; }
        pgb=(PGHOST="$PGB_SOCK" PGPORT="$PGB_PORT")
        echo "PgBouncer $(pgbouncer --version | awk 'NR == 1 { print $2 }') as shipped, pool_mode = transaction, default_pool_size = $BENCH_POOL_SIZE (per login)" | tee -a "$LOAD_MD"
        bench_note "load: ${BENCH_AGENTS} agents through PgBouncer..."
        load_run "PgBouncer" "$BENCH_AGENTS" "$BENCH_SUPERVISORS" "$BENCH_THINK_MS" "${pgb[@]}" -- \
            -K "$W/calibration" -B "$W/pgbouncer/pgbouncer.pid"
        if [ "$BENCH_TERMINALS" -gt 0 ]; then
            load_pgbouncer "$n" "$BENCH_POOL_SIZE" || { echo "load: PgBouncer did not start" >&2; return 1; }
            pgb=(PGHOST="$PGB_SOCK" PGPORT="$PGB_PORT")
            echo "PgBouncer with max_db_connections = $BENCH_POOL_SIZE: every login's transactions share $BENCH_POOL_SIZE server connections" | tee -a "$LOAD_MD"
            bench_note "load: $n terminals through PgBouncer on $BENCH_POOL_SIZE server connections..."
            load_run "$n terminals through PgBouncer, $BENCH_POOL_SIZE server connections" "$((n - sup))" "$sup" \
                "$BENCH_TERMINAL_THINK_MS" "${pgb[@]}" -- -K "$W/calibration" -B "$W/pgbouncer/pgbouncer.pid" \
                -R "$BENCH_RAMP_MS"
        fi
        pgbouncer_stop
    else
        echo "PgBouncer is not installed (make deps installs it): the pooled runs are left out" | tee -a "$LOAD_MD"
    fi
    if [ "$BENCH_TERMINALS" -gt 0 ] && [ "${BENCH_TERMINALS_DIRECT:-1}" = 1 ]; then
        bench_note "load: $n terminals straight to PostgreSQL..."
        load_run "$n terminals direct" "$((n - sup))" "$sup" "$BENCH_TERMINAL_THINK_MS" -- -K "$W/calibration" \
            -R "$BENCH_RAMP_MS"
    fi
    bench_note "load: what LISTEN costs with $n sessions listening..."
    env PGUSER=postgres "$TOP/build/bench/load" -N "$n" -D "$direct" -m "$LOAD_MD"
    load_sizes
}
