# loadrun.sh — run the load driver directly and through PgBouncer (transaction pooling): sourced by bench.sh and load.sh, after common.sh.
#
# Needs W (a private folder), the cluster up (bench_db_up) and the bench
# roles (bench_roles). load_all prints the load driver's tables.

BENCH_AGENTS=${BENCH_AGENTS:-200}
BENCH_SUPERVISORS=${BENCH_SUPERVISORS:-4}
BENCH_LOAD_SECONDS=${BENCH_LOAD_SECONDS:-60}
BENCH_THINK_MS=${BENCH_THINK_MS:-3000}
BENCH_POOL_SIZE=${BENCH_POOL_SIZE:-20}
PGB_DIR=
PGB_PORT=6432

load_run() {   # load_run LABEL [ENV=VALUE...]: one run of the driver
    local label=$1; shift
    # Set-up and the final check run as the cluster owner; agents and
    # supervisors log in as the bench's staff roles.
    env PGUSER=postgres "$@" "$TOP/build/bench/load" -a "$BENCH_AGENTS" -s "$BENCH_SUPERVISORS" \
        -t "$BENCH_LOAD_SECONDS" -k "$BENCH_THINK_MS" -l "$label" \
        -u careline_bench_agent -U careline_bench_supervisor
}

pgbouncer_stop() {
    if [ -n "$PGB_DIR" ] && [ -f "$PGB_DIR/pgbouncer.pid" ]; then
        kill "$(cat "$PGB_DIR/pgbouncer.pid")" 2>/dev/null
        sleep 0.2
    fi
    PGB_DIR=
}

# pgbouncer_start: a private PgBouncer in transaction mode on a UNIX socket
# in $W/pgbouncer. PgBouncer 1.18 refuses the startup parameter "options",
# which Careline uses to set pg_trgm.word_similarity_threshold and
# statement_timeout per connection; so it is told to ignore it, and the
# same settings are made by connect_query on every server connection.
pgbouncer_start() {
    command -v pgbouncer >/dev/null || return 1
    local timeout
    timeout=$(awk -F'=' '/^[ \t]*statement_timeout_ms/ { print $2 + 0; exit }' "$TOP/conf/careline.conf")
    PGB_DIR=$W/pgbouncer
    mkdir -p "$PGB_DIR"
    cat >"$PGB_DIR/pgbouncer.ini" <<EOF
[databases]
$BENCH_DB = host=$PGHOST port=$PGPORT dbname=$BENCH_DB connect_query='SET pg_trgm.word_similarity_threshold = 0.5; SET statement_timeout = ${timeout:-5000}'
${BENCH_DB}_ui = host=$PGHOST port=$PGPORT dbname=$BENCH_DB pool_size=2 connect_query='SET pg_trgm.word_similarity_threshold = 0.5; SET statement_timeout = ${timeout:-5000}'
[pgbouncer]
listen_addr =
listen_port = $PGB_PORT
unix_socket_dir = $PGB_DIR
auth_type = trust
auth_file = $PGB_DIR/users.txt
pool_mode = transaction
ignore_startup_parameters = options
max_client_conn = 1000
default_pool_size = $BENCH_POOL_SIZE
logfile = $PGB_DIR/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
EOF
    printf '"postgres" ""\n"careline_bench_agent" ""\n"careline_bench_supervisor" ""\n' >"$PGB_DIR/users.txt"
    chown -R postgres: "$PGB_DIR" 2>/dev/null
    # PgBouncer will not run as root.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- pgbouncer -d "$PGB_DIR/pgbouncer.ini" || return 1
    else
        pgbouncer -d "$PGB_DIR/pgbouncer.ini" || return 1
    fi
    local i
    for ((i = 0; i < 50; i++)); do [ -S "$PGB_DIR/.s.PGSQL.$PGB_PORT" ] && return 0; sleep 0.1; done
    return 1
}

# pgbouncer_install: the Debian package, when apt can get it (root only).
pgbouncer_install() {
    command -v pgbouncer >/dev/null && return 0
    [ "$(id -u)" = 0 ] || return 1
    bench_note "bench: installing pgbouncer (apt-get)..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null 2>&1
    command -v pgbouncer >/dev/null
}

# pgbouncer_ui_check [CONFIG]: the screens themselves through the pooler: 8
# scripted sessions at once, 5 searches each, every answer dumped; prints
# how many searches showed results and the errors the others showed. They
# use a pool of 2 server connections (the "_ui" entry), so that sessions
# share server connections as hundreds of terminals on a pool of 20 would.
pgbouncer_ui_check() {
    local conf=${1:-} j out=$W/pgb-ui.${1:+conf}
    mkdir -p "$out"
    psql -X -At -U postgres -c "SELECT name FROM customer ORDER BY random() LIMIT 40" >"$out/names" || return 1
    for j in 0 1 2 3 4 5 6 7; do
        sed -n "$((j * 5 + 1)),$((j * 5 + 5))p" "$out/names" |
            awk '{ print "C-u"; print ":type " $0; print ":dump" } END { print ":quit" }' >"$out/s$j"
        PGHOST=$PGB_DIR PGPORT=$PGB_PORT PGUSER=careline_bench_agent PGDATABASE=${BENCH_DB}_ui \
            "$CARELINE" ${conf:+--config "$conf"} --script "$out/s$j" >"$out/o$j" 2>&1 &
    done
    wait
    local good bad
    good=$(cat "$out"/o* | grep -cE 'best match first|No customer matches')
    bad=$(cat "$out"/o* | grep -E '^ERROR|ERROR: ' | sed 's/^ *//' | sort | uniq -c | sort -rn | head -2 |
          awk '{ $1 = $1 "x"; print }' | tr '\n' ';')
    echo "the screens through PgBouncer, ${conf:+with prepared_statements = \"no\", }8 scripted sessions at once" \
         "on a pool of 2, 5 searches each: $good of 40 searches answered${bad:+; errors shown: $bad}"
}

load_all() {
    load_run direct 2>&2
    LOAD_CLEANUP=pgbouncer_stop
    if pgbouncer_install && pgbouncer_start; then
        bench_note "bench: load driver through PgBouncer (transaction pooling, pool of $BENCH_POOL_SIZE)..."
        echo
        echo "Through PgBouncer $(pgbouncer --version 2>/dev/null | awk 'NR == 1 { print $2 }'), pool_mode=transaction," \
             "default_pool_size=$BENCH_POOL_SIZE server connections per role; 'options' ignored, its settings made" \
             "by connect_query instead"
        load_run pgbouncer PGHOST="$PGB_DIR" PGPORT="$PGB_PORT"
        pgbouncer_ui_check
        printf 'connection = { prepared_statements = "no"; };\n' >"$W/unprepared.conf"
        pgbouncer_ui_check "$W/unprepared.conf"
        pgbouncer_stop
    else
        echo
        echo "PgBouncer: not installed and could not be installed (apt-get install pgbouncer): that run is left out"
    fi
}
