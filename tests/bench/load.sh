#!/usr/bin/env bash
# load.sh — `make load`: the load driver alone (BENCH_AGENTS agents for BENCH_LOAD_SECONDS, direct and through PgBouncer) on the cached benchmark cluster.
#
# The same knobs as make bench: BENCH_CUSTOMERS (1000000), BENCH_AGENTS (200),
# BENCH_SUPERVISORS (4), BENCH_LOAD_SECONDS (60), BENCH_THINK_MS (3000; 0 =
# as fast as the server answers), BENCH_POOL_SIZE (20).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export TOP
. "$TOP/tests/bench/common.sh"
. "$TOP/tests/bench/loadrun.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/careline-load.XXXXXX")
chmod 755 "$W"
export HOME=$W/home TZ=Europe/London LC_ALL=C.UTF-8 LANG=C.UTF-8
unset PGSERVICE PGPASSWORD XDG_CONFIG_HOME
mkdir -p "$HOME"
for b in careline bench/load; do
    [ -x "$TOP/build/$b" ] || { echo "load: build/$b is missing (make load builds it)" >&2; exit 1; }
done
bench_db_up || { echo "load: could not prepare the benchmark database" >&2; exit 1; }
trap 'pgbouncer_stop; bench_db_down; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP
bench_roles || exit 1
bench_note "load: $BENCH_SEED_NOTE"
echo "Careline load driver — $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores;" \
     "$BENCH_CUSTOMERS customers (PostgreSQL $(psql -X -At -c 'SHOW server_version'))"
load_all
