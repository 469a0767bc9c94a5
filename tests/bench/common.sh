# common.sh — shared by bench.sh and load.sh: the cached, seeded benchmark cluster, the bench roles, and statistics helpers.
#
# Source after setting TOP. The cluster lives in BENCH_PGDIR (default
# /var/tmp/careline-bench-pg) and survives the run (PGTMP_KEEP=1), so a
# second run does not seed again. One database per size:
# careline_bench_<N>; its COMMENT records that the seed finished, how long it
# took, and a checksum of db/seed.sql. A changed generator is only reported
# (re-seeding a million customers takes minutes): BENCH_RESEED=1 seeds again.

BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
BENCH_PGDIR=${BENCH_PGDIR:-/var/tmp/careline-bench-pg}
CARELINE=${CARELINE:-$TOP/build/careline}
BENCH_BIN=${BENCH_BIN:-$TOP/build/bench}

# shellcheck source=../lib/pgtmp.sh
. "$TOP/tests/lib/pgtmp.sh"

# bench_note TEXT: progress on stderr, so stdout keeps only the report.
bench_note() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }

# bench_q SQL: one value from the bench database, as the cluster owner.
bench_q() { psql -X -q -v ON_ERROR_STOP=1 -At -U postgres -d "$BENCH_DB" -c "$1"; }

# bench_db_up: start the cached cluster and make sure careline_bench_N is
# migrated and seeded; exports PGDATABASE=BENCH_DB. Sets BENCH_SEED_NOTE.
bench_db_up() {
    mkdir -p "$(dirname "$BENCH_PGDIR")"
    export PGTMP_KEEP=1
    pgtmp_start "$BENCH_PGDIR" || return 1
    bench_db_use "$BENCH_CUSTOMERS"
}

# bench_db_use N: in the running cluster, make sure careline_bench_N is
# migrated and seeded (seeding it the first time) and point PGDATABASE at it.
# Sets BENCH_DB and BENCH_SEED_NOTE. The growth table uses several sizes.
bench_db_use() {
    local want have
    BENCH_DB=careline_bench_$1
    # Benchmarks want the planner's statistics and a warm enough cache; the
    # rest of the server settings are pgtmp's (max_connections=300).
    export PGDATABASE=$BENCH_DB
    want="seeded $1 seed.sql $(md5sum <"$TOP/db/seed.sql" | cut -c1-12)"
    have=$(psql -X -At -d postgres -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database
                                          WHERE datname = '$BENCH_DB'" 2>/dev/null)
    if [ -n "$have" ] && [ "${BENCH_RESEED:-0}" != 1 ]; then
        BENCH_SEED_NOTE="reused the cached database $BENCH_DB in $BENCH_PGDIR (seeded ${have#* in }; not seeded again)"
        if [ "${have%% in *}" != "$want" ]; then
            BENCH_SEED_NOTE="$BENCH_SEED_NOTE; db/seed.sql has changed since (BENCH_RESEED=1 seeds again)"
        fi
        bench_migrate || return 1
        return 0
    fi
    if [ -n "$(psql -X -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'")" ]; then
        bench_note "bench: $BENCH_DB exists but ${have:+BENCH_RESEED=1 asks for a new seed}${have:-its seed did not finish}: seeding again"
        dropdb "$BENCH_DB" || return 1
    fi
    createdb "$BENCH_DB" || return 1
    "$CARELINE" migrate >/dev/null || return 1
    bench_note "bench: seeding $1 customers (once; the cluster is kept in $BENCH_PGDIR)..."
    local t0=$EPOCHREALTIME out secs conf
    # The seed is one long transaction: no statement timeout for it.
    conf=$(mktemp "${TMPDIR:-/tmp}/careline-seed.XXXXXX.conf")
    printf 'connection = { statement_timeout_ms = 0; };\n' >"$conf"
    out=$("$CARELINE" --config "$conf" seed --customers "$1")
    local rc=$?
    rm -f "$conf"
    [ "$rc" = 0 ] || { echo "$out" >&2; return 1; }
    secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    psql -X -q -c "VACUUM ANALYZE" >/dev/null || return 1
    psql -X -q -d postgres -c "COMMENT ON DATABASE $BENCH_DB IS '$want in $secs s on $(date -u +%Y-%m-%d)'" || return 1
    BENCH_SEED_NOTE="seeded $1 customers in $secs s (careline seed: ${out##*in }), then VACUUM ANALYZE"
}

# bench_migrate: apply migrations newer than the cached database; when any
# was applied, refresh the planner's statistics (a migration that fills a
# table leaves none, and plans made without them are not what production
# sees after autovacuum).
bench_migrate() {
    local before after conf
    before=$(psql -X -At -c "SELECT count(*) FROM schema_migrations" 2>/dev/null)
    conf=$(mktemp "${TMPDIR:-/tmp}/careline-migrate.XXXXXX.conf")
    printf 'connection = { statement_timeout_ms = 0; };\n' >"$conf"
    "$CARELINE" --config "$conf" migrate >/dev/null
    local rc=$?
    rm -f "$conf"
    [ "$rc" = 0 ] || return 1
    after=$(psql -X -At -c "SELECT count(*) FROM schema_migrations")
    if [ "$before" != "$after" ]; then
        bench_note "bench: $((after - ${before:-0})) new migration(s) applied to the cached database: VACUUM ANALYZE"
        psql -X -q -c "VACUUM ANALYZE" >/dev/null || return 1
        BENCH_SEED_NOTE="${BENCH_SEED_NOTE:-}; $((after - ${before:-0})) newer migration(s) applied, then VACUUM ANALYZE"
    fi
}

# bench_db_down: stop the cached cluster cleanly (pgtmp_stop stops it
# "immediate", which throws the server's statistics away, and autovacuum
# then never learns what changed).
bench_db_down() {
    if [ -n "${PGTMP_DIR:-}" ] && [ -f "$PGTMP_DIR/data/postmaster.pid" ]; then
        pgtmp_as "$PGTMP_BIN/pg_ctl" -D "$PGTMP_DIR/data" -m fast -w stop >/dev/null 2>&1
    fi
    pgtmp_stop
}

# bench_busy: what else keeps the machine busy, sampled over one second
# (figures taken on a busy machine are worth little). Prints nothing when idle.
bench_busy() {
    local a b
    a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
        if (y[2] > x[2] && (y[1] - x[1]) / (y[2] - x[2]) > 0.25) printf "%.0f%%", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'
}

# bench_roles: an agent and a supervisor login role with staff rows, so the
# load driver and the screens run with an agent's privileges (as in
# production) and contacts carry a staff id. Idempotent.
bench_roles() {
    psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careline_bench_agent') THEN
        CREATE ROLE careline_bench_agent LOGIN IN ROLE careline_agent;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careline_bench_supervisor') THEN
        CREATE ROLE careline_bench_supervisor LOGIN IN ROLE careline_supervisor;
    END IF;
END $$;
INSERT INTO staff (login_role, display_name, team, group_role)
VALUES ('careline_bench_agent', 'Bench Agent', 'bench', 'agent'),
       ('careline_bench_supervisor', 'Bench Supervisor', 'bench', 'supervisor')
ON CONFLICT (login_role) DO NOTHING;
SQL
}

# stats < NUMBERS: "n min median p95 max" (nearest-rank percentiles).
stats() {
    sort -g | awk '{ v[NR] = $1 }
        function pct(p,  k) { k = int(p / 100 * NR + 0.999999); if (k < 1) k = 1; return v[k] }
        END {
            if (NR == 0) { print "0 - - - -"; exit }
            printf "%d %.1f %.1f %.1f %.1f\n", NR, v[1], pct(50), pct(95), v[NR]
        }'
}

# The report is Markdown (docs/performance.md is what `make bench` writes):
# header TITLE opens a table under a heading, row and row_one add its rows.
# A label's leading blanks become "- " (a figure of the one above).
md_label() { local l=$1; [ "${l#  }" != "$l" ] && l="- ${l#"${l%%[! ]*}"}"; printf '%s' "${l//|/\\|}"; }

# row LABEL UNIT GOAL < NUMBERS: one table row with min / median / p95 / max.
row() {
    local label=$1 unit=$2 goal=$3 s
    s=$(stats)
    set -- $s
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(md_label "$label")" "$1" "$2" "$3" "$4" "$5" "$unit" "$goal"
}
# row_one LABEL VALUE UNIT GOAL: a single figure (no spread).
row_one() {
    printf '| %s | 1 | %s | %s | %s | %s | %s | %s |\n' "$(md_label "$1")" "$2" "$2" "$2" "$2" "$3" "$4"
}
header() {
    printf '\n### %s\n\n' "$1"
    printf '| figure | n | min | median | p95 | max | unit | goal (DESIGN.md) |\n'
    printf '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n'
}
