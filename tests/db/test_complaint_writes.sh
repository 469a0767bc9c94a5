#!/usr/bin/env bash
# test_complaint_writes.sh — writes made at terminals: a replayed insert gives one row, a stale version is refused, as an agent role.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=writes_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
role=w_agent_$$
trap 'dropdb --if-exists "$TEST_DB"; q "DROP ROLE IF EXISTS $role" postgres >/dev/null 2>&1' EXIT
q "CREATE ROLE $role LOGIN IN ROLE careline_agent" postgres >/dev/null
as_agent() { psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$role" -c "$1" 2>&1; }

id=$(q "SELECT gen_random_uuid()")
cat=$(q "SELECT id FROM complaint_category WHERE code = 'billing.high_bill'")
insert="WITH ins AS (INSERT INTO complaint (id, customer_id, category_id, channel, severity, description)
         VALUES ('$id', 1, $cat, 'phone', 'medium', 'Replayed insert') ON CONFLICT (id) DO NOTHING RETURNING reference)
         SELECT reference FROM ins UNION ALL SELECT reference FROM complaint WHERE id = '$id' LIMIT 1"
r1=$(as_agent "$insert")
r2=$(as_agent "$insert")
like "an agent can take a complaint" "$r1" '^C-[0-9]{4}-[0-9]+$'
is "the same insert replayed answers with the same complaint" "$r2" "$r1"
is "and leaves exactly one row" "$(q "SELECT count(*) FROM complaint WHERE id = '$id'")" 1
is "with one 'created' history row" "$(q "SELECT count(*) FROM complaint_history WHERE complaint_id = '$id' AND kind = 'created'")" 1

v=$(q "SELECT version FROM complaint WHERE id = '$id'")
upd() { as_agent "UPDATE complaint SET status = '$1' WHERE id = '$id' AND version = $2 RETURNING version"; }
first=$(upd acknowledged "$v")
is "an update on the version seen succeeds and bumps it" "$first" "$((v + 1))"
stale=$(upd investigating "$v")
is "an update on a stale version changes nothing" "$stale" ""
is "the first change stands" "$(q "SELECT status FROM complaint WHERE id = '$id'")" acknowledged

nid=$(q "SELECT gen_random_uuid()")
note="INSERT INTO complaint_history (id, complaint_id, kind, note) VALUES ('$nid', '$id', 'note', 'Rang back') ON CONFLICT (id) DO NOTHING"
as_agent "$note" >/dev/null; as_agent "$note" >/dev/null
is "a replayed note is kept once" "$(q "SELECT count(*) FROM complaint_history WHERE id = '$nid'")" 1
out=$(as_agent "DELETE FROM complaint_history WHERE id = '$nid'")
like "an agent cannot delete history" "$out" 'permission denied'

tap_done
