# Throwaway PostgreSQL cluster for tests, demo and bench: source this file, call pgtmp_start.
#
# A private cluster per run (own folder, own socket directory, own port) so two
# runs never collide and a killed run leaves nothing that blocks the next one.
# As root the server runs as the unprivileged 'postgres' user, as PostgreSQL
# refuses to run as root. Exports PGHOST, PGPORT, PGUSER, PGDATABASE.
# PGTMP_MAX_CONNECTIONS (300): more for the load driver's thousand terminals.

pgtmp_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    echo "pgtmp: no PostgreSQL server found (apt-get install postgresql)" >&2
    return 1
}

pgtmp_as() {
    # Run a server-side command as the cluster owner.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pgtmp_free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$(( 20000 + (RANDOM * 7 + $$) % 30000 ))
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && [ ! -e "/tmp/.s.PGSQL.$p" ]; then
            echo "$p"; return 0
        fi
    done
    echo 54329
}

pgtmp_opts() {   # pgtmp_opts DIR: the server's options
    echo "-p $PGPORT -k $1/sock -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
         "-c max_connections=${PGTMP_MAX_CONNECTIONS:-300} -c shared_buffers=256MB -c max_wal_size=4GB" \
         "-c checkpoint_timeout=30min -c track_functions=all"
}

# pgtmp_start [DIR]: start a cluster in DIR (default: a new temporary folder).
# With PGTMP_KEEP=1 the folder is not removed at exit (bench reuses it).
pgtmp_start() {
    local bindir dir
    bindir=$(pgtmp_bindir) || return 1
    dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/careline-pg.XXXXXX")}
    mkdir -p "$dir"
    PGTMP_DIR=$dir
    PGTMP_BIN=$bindir
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
    mkdir -p "$dir/sock" "$dir/data" 2>/dev/null
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/sock" "$dir/data"; fi
    chmod 700 "$dir/data"; chmod 777 "$dir/sock"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        pgtmp_as "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
            -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { echo "pgtmp: initdb failed:" >&2; cat "$dir/initdb.log" >&2; return 1; }
    fi
    PGPORT=$(pgtmp_free_port)
    trap pgtmp_stop EXIT
    trap 'exit 130' INT TERM HUP
    # PGTMP_POSTGRES: another server program to start (a wrapper, as under a faked clock).
    pgtmp_as "$bindir/pg_ctl" ${PGTMP_POSTGRES:+-p "$PGTMP_POSTGRES"} -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "$(pgtmp_opts "$dir")" start >/dev/null \
        || { echo "pgtmp: server did not start:" >&2; cat "$dir/server.log" >&2; return 1; }
    export PGHOST=$dir/sock PGPORT PGUSER=postgres PGDATABASE=postgres
    unset PGSERVICE PGPASSWORD
}

pgtmp_stop() {
    [ -n "${PGTMP_DIR:-}" ] || return 0
    if [ -f "$PGTMP_DIR/data/postmaster.pid" ]; then
        pgtmp_as "$PGTMP_BIN/pg_ctl" -D "$PGTMP_DIR/data" -m immediate -w stop >/dev/null 2>&1
    fi
    if [ "${PGTMP_KEEP:-0}" != 1 ]; then rm -rf "$PGTMP_DIR"; fi
    PGTMP_DIR=
}

# pgtmp_restart_server: stop and start the same cluster on the same port
# (tests of a lost connection).
pgtmp_server_stop() {
    pgtmp_as "$PGTMP_BIN/pg_ctl" -D "$PGTMP_DIR/data" -m fast -w stop >/dev/null 2>&1
}
pgtmp_server_start() {
    pgtmp_as "$PGTMP_BIN/pg_ctl" ${PGTMP_POSTGRES:+-p "$PGTMP_POSTGRES"} -D "$PGTMP_DIR/data" -l "$PGTMP_DIR/server.log" -w -t 60 \
        -o "$(pgtmp_opts "$PGTMP_DIR")" start >/dev/null
}
