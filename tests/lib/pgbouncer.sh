# pgbouncer.sh — a private PgBouncer (Debian 12: 1.18) in transaction mode with an otherwise default pgbouncer.ini, on loopback in front of the running test cluster: source it, call pgbouncer_start.
#
# The ini is Debian's as shipped plus only what any installation must write
# (where to listen, which server, who may log in) and pool_mode =
# transaction: no ignore_startup_parameters, no connect_query, no
# server_reset_query, nothing about prepared statements. Careline must work
# behind it as it is.
#
# pgbouncer_start DIR USER... : its files in DIR; listen on 127.0.0.1 (a
#   free port) and, as Debian lays it out, on a socket in the server's own
#   socket folder (PGHOST); every database of the cluster (the "*" entry);
#   USERs may log in (trust: a test has no passwords). Exports PGB_HOST,
#   PGB_PORT, PGB_SOCK. PGB_POOL_SIZE (default 2) server connections per
#   database and user; PGB_MAX_CLIENTS (100); PGB_EXTRA: more [pgbouncer]
#   lines (a test's sizing, never a Careline switch).
# pgbouncer_users USER...: let more users log in (reloads the auth file).
# pgbouncer_show WHAT: the admin console's SHOW WHAT (pools, servers, ...).
# pgbouncer_stop: stop it (also on exit: call it from the test's trap).

PGB_DIR=

pgbouncer_start() {
    local dir=$1; shift
    command -v pgbouncer >/dev/null || { echo "pgbouncer: not installed (make deps)" >&2; return 1; }
    PGB_DIR=$dir
    mkdir -p "$PGB_DIR"
    PGB_PORT=$(pgtmp_free_port)
    PGB_HOST=127.0.0.1
    PGB_SOCK=$PGHOST
    cat >"$PGB_DIR/pgbouncer.ini" <<EOF
;; Debian's /etc/pgbouncer/pgbouncer.ini with where to listen, the server and the
;; pool mode filled in; everything else left at its default.
[databases]
* = host=$PGHOST port=$PGPORT

[users]

[pgbouncer]
logfile = $PGB_DIR/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir = $PGB_SOCK
auth_type = trust
auth_file = $PGB_DIR/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = ${PGB_POOL_SIZE:-2}
max_client_conn = ${PGB_MAX_CLIENTS:-100}
${PGB_EXTRA:-}
EOF
    : >"$PGB_DIR/userlist.txt"
    pgbouncer_users postgres "$@" || return 1
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$PGB_DIR"; fi
    # PgBouncer refuses to run as root.
    pgtmp_as pgbouncer -d -q "$PGB_DIR/pgbouncer.ini" || { cat "$PGB_DIR/pgbouncer.log" >&2; return 1; }
    local i
    for ((i = 0; i < 100; i++)); do
        [ -S "$PGB_SOCK/.s.PGSQL.$PGB_PORT" ] && { export PGB_HOST PGB_PORT PGB_SOCK; return 0; }
        sleep 0.05
    done
    echo "pgbouncer: did not start:" >&2
    cat "$PGB_DIR/pgbouncer.log" >&2
    return 1
}

pgbouncer_users() {
    local u
    for u in "$@"; do printf '"%s" ""\n' "$u" >>"$PGB_DIR/userlist.txt"; done
    if [ -f "$PGB_DIR/pgbouncer.pid" ]; then
        kill -HUP "$(cat "$PGB_DIR/pgbouncer.pid")" && sleep 0.1
    fi
}

pgbouncer_show() {
    psql -X -At -h "$PGB_SOCK" -p "$PGB_PORT" -U postgres -d pgbouncer -c "SHOW $1"
}

pgbouncer_stop() {
    [ -n "${PGB_DIR:-}" ] || return 0
    if [ -f "$PGB_DIR/pgbouncer.pid" ]; then
        local pid i
        pid=$(cat "$PGB_DIR/pgbouncer.pid")
        kill "$pid" 2>/dev/null
        for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    fi
    PGB_DIR=
}
