#!/usr/bin/env bash
# test_pgbouncer_load.sh — the load driver (tests/bench/load.c: the whole day's mix through Careline's db/ layer) for a few seconds straight to PostgreSQL and through a real PgBouncer 1.18 in transaction mode with a default ini, each terminal its own login: every write checked at the end, nothing lost or doubled, no deadlock.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/pgtmp.sh"
. "$TOP/tests/lib/pgbouncer.sh"
T=$(mktemp -d)
chmod 755 "$T"
export PGDATABASE=e2e_pgbload_$$
trap 'pgbouncer_stop; dropdb --if-exists --force "$PGDATABASE"; rm -rf "$T"' EXIT
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
load=$(dirname "$CARELINE")/bench/load
[ -x "$load" ] || { not_ok "the load driver is built ($load)"; tap_done; exit 1; }
# Staff who log in as themselves (roles are the cluster's: keep them for the next run).
roles=()
for i in 1 2 3 4 5 6; do roles+=("careline_load_a$i"); done
roles+=(careline_load_s1 careline_load_s2)
for r in "${roles[@]}"; do
    g=agent; case $r in *_s*) g=supervisor ;; esac
    q "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$r') THEN CREATE ROLE $r LOGIN IN ROLE careline_$g; END IF; END\$\$" >/dev/null
    q "INSERT INTO staff (login_role, display_name, team, group_role) VALUES ('$r', '$r', 'bench', '$g') ON CONFLICT (login_role) DO NOTHING" >/dev/null
done
run() {   # run LABEL [ENV...]: a short run; its output kept
    local label=$1; shift
    env PGUSER=postgres "$@" TMPDIR="$T" "$load" -a 6 -s 2 -t 4 -k 150 -p 300 -u 'careline_load_a%d' -U 'careline_load_s%d' \
        -l "$label" -m "$T/load.md" >"$T/$label.out" 2>&1
}
run direct
is "direct: the driver ends well" "$?" 0
PGB_POOL_SIZE=2 pgbouncer_start "$T/pgb" "${roles[@]}" || { not_ok "start PgBouncer"; tap_done; exit 1; }
run pooled PGHOST="$PGB_SOCK" PGPORT="$PGB_PORT"
is "through PgBouncer: the driver ends well" "$?" 0
for label in direct pooled; do
    out=$(cat "$T/$label.out")
    like "$label: every terminal connected" "$out" '8 of 8 terminals connected'
    like "$label: contacts, complaints, credits and script runs were taken" "$out" \
        'contacts: [1-9][0-9]* acknowledged.*complaints: [1-9][0-9]* acknowledged.*recovery script runs: [1-9]'
    like "$label: supervisors decided and reassigned" "$out" 'credits decided by supervisors: [1-9].*complaints reassigned: [1-9]'
    unlike "$label: the check found nothing wrong" "$out" 'PROBLEM|MISSING|DUPLICATE'
    like "$label: no deadlock" "$out" 'deadlocks during the run \(pg_stat_database\): 0: ok'
    unlike "$label: no action failed" "$out" '^error \('
done
like "the figures are written as Markdown" "$(cat "$T/load.md")" '\| every agent action \|'
tap_done
