#!/usr/bin/env bash
# import311.sh — how fast `careline import nyc311` reads a generated New York extract (a figure, never pass/fail): rows a second for the first import, the same file again, and a later extract that closes a third of the requests.
#
# A private cluster (tests/lib/pgtmp.sh) seeded with IMPORT_CUSTOMERS (20000)
# us-nyc customers, and an extract of IMPORT_ROWS (100000) rows in the
# portal's 41 columns written by PostgreSQL itself. IMPORT_MIX=month (the
# default) is a month of the whole city: DEP's water and sewer requests are
# 1 row in 12, the rest other agencies (skipped); IMPORT_MIX=dep has only
# DEP's. Of DEP's requests 85 in 100 are at a premise's address (written as
# the city writes them: upper case, AVE, ST), 10 at an intersection and 5 at
# an address no premise has. Usage: bash tests/bench/import311.sh
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CARELINE=${CARELINE:-$TOP/build/careline}
ROWS=${IMPORT_ROWS:-100000}
CUSTOMERS=${IMPORT_CUSTOMERS:-20000}
MIX=${IMPORT_MIX:-month}
[ -x "$CARELINE" ] || { echo "import311: build/careline is missing (make)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/careline-import311.XXXXXX")
chmod 755 "$W"
. "$TOP/tests/lib/pgtmp.sh"
trap 'psql -X -q -d postgres -c "DROP ROLE IF EXISTS import311_super" 2>/dev/null; pgtmp_stop; rm -rf "$W"' EXIT
export TZ=Europe/London LC_ALL=C.UTF-8
pgtmp_start "$W/pg" >/dev/null || exit 1
export PGDATABASE=import311
createdb "$PGDATABASE"
"$CARELINE" migrate >/dev/null || exit 1
echo "import311: seeding $CUSTOMERS us-nyc customers..." >&2
"$CARELINE" seed --customers "$CUSTOMERS" --region us-nyc >/dev/null || exit 1
# Imports run as a supervisor, as they would in production (the triggers know who).
psql -X -q -c "CREATE ROLE import311_super LOGIN IN ROLE careline_supervisor" -c \
    "INSERT INTO staff (login_role, display_name, group_role) VALUES ('import311_super', 'Import Bench', 'supervisor')" \
    >/dev/null || exit 1

# extract FILE CLOSED_EVERY: the rows (tests/lib/nyc311_month.sql, as `make demo
# REGION=us-nyc` writes its month); every CLOSED_EVERY-th request closed (0: none).
extract() {
    local start
    start=$(psql -X -At -c "SELECT date_trunc('month', now() - interval '1 month')") &&
        psql -X -q -At -v rows="$ROWS" -v dep_in_100="$([ "$MIX" = dep ] && echo 100 || echo 8)" -v closed="$2" -v open_days=0 \
             -v start="$start" -v step=1 -f "$TOP/tests/lib/nyc311_month.sql" >"$1"
}

# run NAME FILE: import it, print the figure line.
run() {
    local out t0 t1
    t0=$(date +%s.%N)
    out=$(PGUSER=import311_super "$CARELINE" import nyc311 "$2" 2>&1)
    t1=$(date +%s.%N)
    local rows
    rows=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) requests read.*/\1/p' | head -1)
    awk -v n="$1" -v r="${rows:-0}" -v a="$t0" -v b="$t1" 'BEGIN { printf "| %s | %d | %.1f s | %.0f |\n", n, r, b - a, r / (b - a) }'
    printf '%s\n' "$out" | sed -n '/complaints opened\|unmatched \|updated \|unchanged \|moved on/p' | sed 's/^/    /' >&2
}

extract "$W/month.csv" 0
extract "$W/later.csv" 3
echo "import311: $(wc -l < "$W/month.csv") lines, $(du -h "$W/month.csv" | cut -f1); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| run ($MIX mix, $CUSTOMERS customers) | rows | time | rows/s |"
echo "| --- | ---: | ---: | ---: |"
run "first import" "$W/month.csv"
run "the same file again" "$W/month.csv"
run "a later extract (a third closed)" "$W/later.csv"
