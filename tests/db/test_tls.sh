#!/usr/bin/env bash
# test_tls.sh — TLS: a private server with a throwaway CA on loopback; Careline connects with sslmode=verify-full and refuses, with a clear message, a server its CA did not sign.
set -u
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/pgtmp.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/careline-tls.XXXXXX")
BIN=$(pgtmp_bindir) || { not_ok "a PostgreSQL server to start"; tap_done; exit 1; }
cleanup() {
    [ -f "$T/data/postmaster.pid" ] && pgtmp_as "$BIN/pg_ctl" -D "$T/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"

# A CA, a server certificate it signs for localhost and 127.0.0.1, and an unrelated CA.
ssl() { openssl "$@" >>"$T/openssl.log" 2>&1; }
ssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.crt" -days 2 -subj "/CN=Careline test CA" &&
ssl req -newkey rsa:2048 -nodes -keyout "$T/server.key" -out "$T/server.csr" -subj "/CN=localhost" &&
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$T/san.ext" &&
ssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial -out "$T/server.crt" \
    -days 2 -extfile "$T/san.ext" &&
ssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/wrong.key" -out "$T/wrong.crt" -days 2 -subj "/CN=Some other CA" \
    || { not_ok "openssl makes the certificates" "$(cat "$T/openssl.log")"; tap_done; exit 1; }
ok "openssl makes a CA, a server certificate and a wrong CA"

# The server: TCP on loopback only, and only over TLS (no hostnossl line), so a
# connection that works is a TLS connection.
mkdir -p "$T/data" "$T/sock" "$T/log"
[ "$(id -u)" = 0 ] && chown postgres: "$T/data" "$T/sock" "$T/log"
chmod 700 "$T/data"
pgtmp_as "$BIN/initdb" -D "$T/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$T/initdb.log" 2>&1 \
    || { not_ok "initdb" "$(cat "$T/initdb.log")"; tap_done; exit 1; }
cp "$T/server.crt" "$T/server.key" "$T/data/"
[ "$(id -u)" = 0 ] && chown postgres: "$T/data/server.crt" "$T/data/server.key"
chmod 600 "$T/data/server.key"
printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n' >"$T/data/pg_hba.conf"
PORT=$(pgtmp_free_port)
pgtmp_as "$BIN/pg_ctl" -D "$T/data" -l "$T/log/server.log" -w -t 60 \
    -o "-p $PORT -k $T/sock -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key -c fsync=off" \
    start >/dev/null || { not_ok "the TLS server starts" "$(cat "$T/log/server.log")"; tap_done; exit 1; }
ok "a private server with ssl=on listens on 127.0.0.1"

# run_cl CONNINFO ARGS...: careline with that connection string in its configuration.
run_cl() {
    local ci=$1; shift
    printf 'connection = {\n  conninfo = "%s";\n};\n' "$ci" >"$T/careline.conf"
    out=$(env -u PGHOST -u PGPORT -u PGSSLMODE -u PGSSLROOTCERT -u PGSERVICE PGUSER=postgres PGDATABASE=postgres \
          "$CARELINE" -c "$T/careline.conf" "$@" 2>&1 </dev/null); rc=$?
}
GOOD="host=127.0.0.1 port=$PORT sslmode=verify-full sslrootcert=$T/ca.crt"
run_cl "$GOOD" migrate
is "with sslmode=verify-full and the right CA Careline connects (migrate: exit 0)" "$rc" 0
like "and migrates" "$out" "migration\(s\) applied|up to date"
run_cl "$GOOD" search Nobody
is "and runs commands over it" "$rc" 0
is "the server saw TLS sessions" \
   "$(psql -X -At "host=127.0.0.1 port=$PORT sslmode=verify-full sslrootcert=$T/ca.crt dbname=postgres user=postgres" \
        -c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")" t

run_cl "host=127.0.0.1 port=$PORT sslmode=verify-full sslrootcert=$T/wrong.crt" migrate
is "with a wrong CA Careline refuses to connect (exit 3)" "$rc" 3
like "libpq's reason is given" "$out" "certificate verify failed"
like "with a hint on what to check" "$out" "hint: the server's certificate was not accepted.*sslrootcert"
run_cl "host=127.0.0.1 port=$PORT sslmode=disable" migrate
is "without TLS the server refuses (only hostssl is allowed)" "$rc" 3
like "and says so" "$out" "no pg_hba.conf entry|SSL off"

tap_done
