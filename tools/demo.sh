#!/usr/bin/env bash
# demo.sh — `make demo`: a throwaway PostgreSQL with generated demo data, and Careline opened on it.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
N=${DEMO_CUSTOMERS:-10000}
. "$TOP/tests/lib/pgtmp.sh"
pgtmp_start || exit 1
echo "Demo database: socket $PGHOST, port $PGPORT (removed when you quit)"
createdb careline || exit 1
export PGDATABASE=careline
"$TOP/build/careline" migrate >/dev/null || exit 1
echo "Generating demo data for $N customers..."
"$TOP/build/careline" seed --customers "$N" || exit 1
# Staff log in as their own PostgreSQL role; the demo agent is one of them.
psql -X -q -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careline_demo') THEN
                 CREATE ROLE careline_demo LOGIN IN ROLE careline_agent; END IF; END \$\$;" || exit 1
if [ ! -t 0 ] || [ ! -t 1 ]; then
    echo "No terminal here: the demo database was built and is being removed."
    echo "Run 'make demo' from a terminal to use Careline on it."
    exit 0
fi
PGUSER=careline_demo "$TOP/build/careline"
