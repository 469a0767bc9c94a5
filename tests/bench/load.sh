#!/usr/bin/env bash
# load.sh — `make load`: the load driver alone on the cached benchmark cluster: each action's server CPU alone, 200 agents and 4 supervisors direct and through PgBouncer (transaction mode, no switches), then 1,000 terminals through PgBouncer on a pool of 20; every write checked at the end.
#
# The figures go to stdout and are appended, as Markdown, to
# $BENCH_OUT/load.md (BENCH_OUT defaults to build/bench; `make bench`
# includes that file in docs/performance.md when it is there).
#
# Knobs: those of make bench (BENCH_CUSTOMERS, default 1000000) and of
# tests/bench/loadrun.sh: BENCH_AGENTS (200), BENCH_SUPERVISORS (4),
# BENCH_LOAD_SECONDS (60), BENCH_THINK_MS (3000; 0 = as fast as the server
# answers), BENCH_CALIBRATE (100), BENCH_TERMINALS (1000; 0: leave that run
# out), BENCH_TERMINAL_THINK_MS (20000), BENCH_POOL_SIZE (20),
# BENCH_LOAD_ROLES (person | shared).
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
# A thousand terminals need a server connection each for LISTEN besides the pool.
export PGTMP_MAX_CONNECTIONS=$((BENCH_TERMINALS + BENCH_POOL_SIZE + 100))
bench_db_up || { echo "load: could not prepare the benchmark database" >&2; exit 1; }
trap 'pgbouncer_stop; bench_db_down; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP
bench_note "load: $BENCH_SEED_NOTE"
echo "Careline load driver — $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores;" \
     "$BENCH_CUSTOMERS customers (PostgreSQL $(psql -X -At -c 'SHOW server_version')); Markdown: $LOAD_MD"
load_all
