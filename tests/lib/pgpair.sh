# pgpair.sh — a throwaway primary and streaming standby (pg_basebackup) for failover tests and `make demo STANDBY=1`: source it, call pgpair_start.
#
# Both servers listen on their own Unix socket folder and port (and on
# loopback TCP when PGPAIR_TCP=1), in one temporary folder removed on exit.
# Replication is synchronous (synchronous_standby_names = the standby), as a
# deployment that promises "nothing acknowledged is lost" must run it: a
# commit is acknowledged once the standby has it, so promoting the standby
# after the primary dies loses no acknowledged write.
#
# Exports PGPAIR_DIR, PGPAIR_PRIMARY_PORT, PGPAIR_STANDBY_PORT,
# PGPAIR_PRIMARY_SOCK, PGPAIR_STANDBY_SOCK and PGPAIR_CONNINFO (both hosts,
# target_session_attrs=read-write: libpq finds whichever is the primary).
# Sets PGHOST/PGPORT to the primary for the caller's psql.

. "$TOP/tests/lib/pgtmp.sh"

pgpair_opts() {   # pgpair_opts PORT SOCKDIR: the server options both servers share
    local o="-p $1 -k $2 -c fsync=off -c full_page_writes=off -c max_connections=100"
    o+=" -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on -c wal_keep_size=256MB"
    o+=" -c synchronous_standby_names=careline_standby -c synchronous_commit=on"
    if [ "${PGPAIR_TCP:-0}" = 1 ]; then o+=" -c listen_addresses=127.0.0.1"; else o+=" -c listen_addresses=''"; fi
    echo "$o"
}

pgpair_ctl() {   # pgpair_ctl primary|standby ARGS...: pg_ctl on one of the two
    pgtmp_as "$PGTMP_BIN/pg_ctl" -D "$PGPAIR_DIR/$1/data" "${@:2}"
}

pgpair_start_one() {   # pgpair_start_one primary|standby PORT
    local sock=$PGPAIR_DIR/$1/sock
    pgpair_ctl "$1" -l "$PGPAIR_DIR/$1/server.log" -w -t 60 -o "$(pgpair_opts "$2" "$sock")" start >/dev/null \
        || { echo "pgpair: the $1 did not start:" >&2; tail -20 "$PGPAIR_DIR/$1/server.log" >&2; return 1; }
}

pgpair_start() {
    PGTMP_BIN=$(pgtmp_bindir) || return 1
    PGPAIR_DIR=$(mktemp -d "${TMPDIR:-/tmp}/careline-pair.XXXXXX")
    local d
    for d in primary standby; do
        mkdir -p "$PGPAIR_DIR/$d/sock" "$PGPAIR_DIR/$d/data"
        chmod 777 "$PGPAIR_DIR/$d/sock"; chmod 700 "$PGPAIR_DIR/$d/data"
    done
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$PGPAIR_DIR"; fi
    trap pgpair_stop EXIT
    trap 'exit 130' INT TERM HUP
    pgtmp_as "$PGTMP_BIN/initdb" -D "$PGPAIR_DIR/primary/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$PGPAIR_DIR/initdb.log" 2>&1 \
        || { echo "pgpair: initdb failed:" >&2; cat "$PGPAIR_DIR/initdb.log" >&2; return 1; }
    if [ "${PGPAIR_TCP:-0}" = 1 ]; then
        echo "host replication postgres 127.0.0.1/32 trust" | pgtmp_as tee -a "$PGPAIR_DIR/primary/data/pg_hba.conf" >/dev/null
    fi
    PGPAIR_PRIMARY_PORT=$(pgtmp_free_port)
    PGPAIR_PRIMARY_SOCK=$PGPAIR_DIR/primary/sock
    pgpair_start_one primary "$PGPAIR_PRIMARY_PORT" || return 1
    # A copy of the primary that follows it (-R writes standby.signal and
    # primary_conninfo); the application name makes it the synchronous one.
    pgtmp_as "$PGTMP_BIN/pg_basebackup" -h "$PGPAIR_PRIMARY_SOCK" -p "$PGPAIR_PRIMARY_PORT" -U postgres \
        -D "$PGPAIR_DIR/standby/data" -X stream -R -d "application_name=careline_standby" \
        >"$PGPAIR_DIR/basebackup.log" 2>&1 \
        || { echo "pgpair: pg_basebackup failed:" >&2; cat "$PGPAIR_DIR/basebackup.log" >&2; return 1; }
    PGPAIR_STANDBY_PORT=$(pgtmp_free_port)
    while [ "$PGPAIR_STANDBY_PORT" = "$PGPAIR_PRIMARY_PORT" ]; do PGPAIR_STANDBY_PORT=$(pgtmp_free_port); done
    PGPAIR_STANDBY_SOCK=$PGPAIR_DIR/standby/sock
    pgpair_start_one standby "$PGPAIR_STANDBY_PORT" || return 1
    export PGPAIR_DIR PGPAIR_PRIMARY_PORT PGPAIR_STANDBY_PORT PGPAIR_PRIMARY_SOCK PGPAIR_STANDBY_SOCK
    export PGPAIR_CONNINFO="host=$PGPAIR_PRIMARY_SOCK,$PGPAIR_STANDBY_SOCK port=$PGPAIR_PRIMARY_PORT,$PGPAIR_STANDBY_PORT user=postgres target_session_attrs=read-write"
    export PGHOST=$PGPAIR_PRIMARY_SOCK PGPORT=$PGPAIR_PRIMARY_PORT PGUSER=postgres PGDATABASE=postgres
    unset PGSERVICE PGPASSWORD
    pgpair_wait_streaming
}

# pgpair_wait_streaming: until the primary reports the standby streaming and synchronous.
pgpair_wait_streaming() {
    local i s
    for ((i = 0; i < 200; i++)); do
        s=$(psql -h "$PGPAIR_PRIMARY_SOCK" -p "$PGPAIR_PRIMARY_PORT" -d postgres -XAtqc \
            "SELECT state || '/' || sync_state FROM pg_stat_replication WHERE application_name = 'careline_standby'" 2>/dev/null)
        [ "$s" = "streaming/sync" ] && return 0
        sleep 0.05
    done
    echo "pgpair: the standby is not streaming synchronously (state: ${s:-none})" >&2
    return 1
}

pgpair_kill_primary() {   # the primary dies: no shutdown checkpoint, clients cut off
    pgpair_ctl primary -m immediate -w stop >/dev/null 2>&1
}

pgpair_promote() {   # the standby becomes the primary and accepts writes
    pgpair_ctl standby -w -t 60 promote >/dev/null
}

pgpair_stop() {
    [ -n "${PGPAIR_DIR:-}" ] || return 0
    local d
    for d in primary standby; do
        [ -f "$PGPAIR_DIR/$d/data/postmaster.pid" ] && pgpair_ctl "$d" -m immediate -w stop >/dev/null 2>&1
    done
    rm -rf "$PGPAIR_DIR"
    PGPAIR_DIR=
}
