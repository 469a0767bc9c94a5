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

# extract FILE CLOSED_EVERY: the rows; every CLOSED_EVERY-th DEP request closed (0: none).
extract() {
    psql -X -q -At -v rows="$ROWS" -v dep_in_100="$([ "$MIX" = dep ] && echo 100 || echo 8)" -v closed="$2" >"$1" <<'SQL'
COPY (
WITH p AS (SELECT row_number() OVER (ORDER BY id) AS n, upper(address_line1) AS addr, postcode FROM premise),
     np AS (SELECT count(*) AS c FROM p),
     other(i, agency, type, descr) AS (VALUES (0, 'NYPD', 'Noise - Residential', 'Loud Music/Party'),
        (1, 'HPD', 'HEAT/HOT WATER', 'ENTIRE BUILDING'), (2, 'DSNY', 'Missed Collection', 'Trash'),
        (3, 'DOT', 'Street Condition', 'Pothole'), (4, 'DPR', 'Damaged Tree', 'Branch or Limb Has Fallen Down'),
        (5, 'DOB', 'General Construction/Plumbing', 'Illegal Conversion'), (6, 'DOHMH', 'Rodent', 'Rat Sighting')),
     dep(i, type, descr) AS (VALUES (0, 'Water System', 'No Water (WNW)'), (1, 'Water System', 'Low Water Pressure - WLWP'),
        (2, 'Water System', 'Leak (Use Comments) (WA2)'), (3, 'Water System', 'Hydrant Running (WC3)'),
        (4, 'Water Quality', 'Cloudy Or Milky Water (QB1)'), (5, 'Sewer', 'Sewer Backup (Use Comments) (SA)'),
        (6, 'Sewer', 'Catch Basin Clogged/Flooding (Use Comments) (SC)'), (7, 'Water Conservation', 'Illegal Use Of A Hydrant (CIN)'))
SELECT 50000000 + g AS "Unique Key",
       to_char(date_trunc('month', now() - interval '1 month') + (g % 43000) * interval '1 minute', 'MM/DD/YYYY HH12:MI:SS AM') AS "Created Date",
       CASE WHEN k.closed THEN to_char(date_trunc('month', now() - interval '1 month') + (g % 43000 + 600) * interval '1 minute', 'MM/DD/YYYY HH12:MI:SS AM') END AS "Closed Date",
       CASE WHEN k.is_dep THEN 'DEP' ELSE o.agency END AS "Agency", '' AS "Agency Name",
       CASE WHEN k.is_dep THEN d.type ELSE o.type END AS "Complaint Type",
       CASE WHEN k.is_dep THEN d.descr ELSE o.descr END AS "Descriptor", '' AS "Location Type",
       CASE WHEN k.where_ = 'corner' THEN '' ELSE p.postcode END AS "Incident Zip",
       CASE k.where_ WHEN 'premise' THEN replace(replace(p.addr, ' AVENUE', CASE WHEN g % 2 = 0 THEN ' AVE' ELSE ' AVENUE' END), ' STREET', ' ST')
                     WHEN 'nowhere' THEN '9999 NOWHERE STREET' ELSE '' END AS "Incident Address",
       '' AS "Street Name", '' AS "Cross Street 1", '' AS "Cross Street 2",
       CASE WHEN k.where_ = 'corner' THEN 'BROADWAY' ELSE '' END AS "Intersection Street 1",
       CASE WHEN k.where_ = 'corner' THEN 'WEST 34 STREET' ELSE '' END AS "Intersection Street 2",
       'ADDRESS' AS "Address Type", 'NEW YORK' AS "City", '' AS "Landmark", '' AS "Facility Type",
       CASE WHEN k.closed THEN 'Closed' ELSE 'Open' END AS "Status", '' AS "Due Date",
       CASE WHEN k.closed THEN 'The Department of Environmental Protection inspected the condition and repaired it.' ELSE '' END AS "Resolution Description",
       '' AS "Resolution Action Updated Date", '' AS "Community Board", '' AS "BBL", 'MANHATTAN' AS "Borough",
       '' AS "X Coordinate (State Plane)", '' AS "Y Coordinate (State Plane)", 'PHONE' AS "Open Data Channel Type",
       '' AS "Park Facility Name", '' AS "Park Borough", '' AS "Vehicle Type", '' AS "Taxi Company Borough",
       '' AS "Taxi Pick Up Location", '' AS "Bridge Highway Name", '' AS "Bridge Highway Direction", '' AS "Road Ramp",
       '' AS "Bridge Highway Segment", '40.75' AS "Latitude", '-73.99' AS "Longitude", '' AS "Location"
  FROM generate_series(1, :rows) g
 CROSS JOIN np
 CROSS JOIN LATERAL (SELECT g % 100 < :dep_in_100 AS is_dep,
                            CASE WHEN g % 20 = 1 THEN 'corner' WHEN g % 20 = 2 THEN 'nowhere' ELSE 'premise' END AS where_,
                            :closed > 0 AND g % :closed = 0 AS closed) k
  JOIN p ON p.n = 1 + (g * 7919) % np.c
  JOIN other o ON o.i = g % 7
  JOIN dep d ON d.i = g % 8
) TO STDOUT WITH (FORMAT csv, HEADER)
SQL
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
