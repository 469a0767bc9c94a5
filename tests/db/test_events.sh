#!/usr/bin/env bash
# test_events.sh — the critical-event schema contract: who an event affects (zones, postcode sectors, current links only, once each), one version and one revision per declare/update/close, and who may write events.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/event_fixture.sh"
export TEST_DB=events_$$
createdb -T "$MIGRATED_TEMPLATE" "$TEST_DB" || { not_ok "copy the migrated template"; tap_done; exit 1; }
agent=ev_agent_$$; super=ev_super_$$
trap 'dropdb --if-exists "$TEST_DB"; q "DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1; q "DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1' EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
as() { psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$1" -c "$2" 2>&1; }

event_fixture_load "$agent" "$super" || not_ok "load the fixture"

za=$(q "SELECT id FROM zone WHERE code = 'ZA'"); zb=$(q "SELECT id FROM zone WHERE code = 'ZB'")
aff() { q "SELECT string_agg(customer_id || ':' || premise_id || ':' || preferred_channel || ':' || priority_services::int
                            || vulnerable::int || non_digital::int, ' ' ORDER BY customer_id) FROM critical_event_affected('$1')"; }

# -- a zone event ---------------------------------------------------------------------------
e1=$(as "$super" "INSERT INTO critical_event (kind, title, agent_message, declared_by, customer_message)
                  VALUES ('supply_interruption', 'Burst main', 'Read this out', current_staff_id(), 'No water') RETURNING id")
like "a supervisor declares an event" "$e1" '^[0-9a-f-]{36}$'
as "$super" "INSERT INTO critical_event_zone (event_id, zone_id) VALUES ('$e1', $za)" >/dev/null
is "zone A affects its current customers once each, occupiers too" "$(aff "$e1")" \
   "1:11:sms:100 2:12:letter:011 7:16:email:010 9:11:web:000"
is "a zone added in a later transaction is an update: version 2" \
   "$(q "SELECT version FROM critical_event WHERE id = '$e1'")" 2
is "so it has two revisions: declare and update" \
   "$(q "SELECT string_agg(version || action, ' ' ORDER BY version) FROM critical_event_revision WHERE event_id = '$e1'")" "1declare 2update"
is "the update's revision has the zone" "$(q "SELECT zones = ARRAY[$za] FROM critical_event_revision WHERE event_id = '$e1' AND version = 2")" t

# -- declared in one transaction: one version, one revision with the final zones and sectors --
e2v=$(psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$super" <<SQL 2>&1
BEGIN;
INSERT INTO critical_event (id, kind, title, agent_message, customer_message)
VALUES ('00000000-0000-4000-8000-000000000002', 'boil_water', 'Boil notice', 'Boil it', 'Boil water');
INSERT INTO critical_event_zone (event_id, zone_id) VALUES ('00000000-0000-4000-8000-000000000002', $zb);
INSERT INTO critical_event_sector (event_id, sector) VALUES ('00000000-0000-4000-8000-000000000002', 'LS6 2');
UPDATE critical_event SET customer_message = 'Boil water (final)' WHERE id = '00000000-0000-4000-8000-000000000002';
COMMIT;
SELECT version FROM critical_event WHERE id = '00000000-0000-4000-8000-000000000002';
SQL
)
e2=00000000-0000-4000-8000-000000000002
is "a declare in one transaction: its own zone and sector do not bump it; its update does, once" "$e2v" 2
is "one revision for that transaction, of its final version" \
   "$(q "SELECT count(*) || ' ' || max(version) || ' ' || min(action) || ' ' || min(customer_message) FROM critical_event_revision WHERE event_id = '$e2'")" \
   "1 2 declare Boil water (final)"
is "the revision lists the zone and the sector as committed" \
   "$(q "SELECT zones = ARRAY[$zb] AND sectors = '{\"LS6 2\"}' FROM critical_event_revision WHERE event_id = '$e2'")" t

# Sector-only event.
e3=$(q "INSERT INTO critical_event (kind, title, agent_message) VALUES ('low_pressure', 'Sector', 'x') RETURNING id")
q "INSERT INTO critical_event_sector (event_id, sector) VALUES ('$e3', 'LS6 2')" >/dev/null
is "sector LS6 2 affects LS6 2AB and LS6 2ZZ, not LS6 3AB nor LS62 1AB" "$(aff "$e3")" "1:11:sms:100 3:13:email:000 9:11:web:000"
is "zone B plus sector LS6 2 is their union" "$(aff "$e2")" \
   "1:11:sms:100 3:13:email:000 4:14:phone:000 5:15:sms:000 9:11:web:000"
# What a country's sectors look like is the region's pattern (the forms and careline event check it,
# tests/unit/test_region.c); the database holds every country's shape: capitals, digits, single spaces.
out=$(q "INSERT INTO critical_event_sector (event_id, sector) VALUES ('$e3', 'LS6  2')" 2>&1)
like "a sector with two spaces is refused" "$out" 'critical_event_sector_sector_check'
out=$(q "INSERT INTO critical_event_sector (event_id, sector) VALUES ('$e3', 'ls6 2')" 2>&1)
like "so is a lower-case one" "$out" 'critical_event_sector_sector_check'

# -- update and close: one version each, revision actions follow ------------------------------
v=$(q "SELECT version FROM critical_event WHERE id = '$e1'")
out=$(as "$super" "UPDATE critical_event SET estimated_restore_at = now() + interval '2 hours', customer_message = 'Later'
                   WHERE id = '$e1' AND version = $v RETURNING version")
is "an update bumps the version by one" "$out" $((v + 1))
out=$(as "$super" "UPDATE critical_event SET customer_message = 'Stale' WHERE id = '$e1' AND version = $v RETURNING version")
is "an update at the old version changes nothing" "$out" ""
out=$(as "$super" "UPDATE critical_event SET status = 'ended', ended_at = now() WHERE id = '$e1' AND version = $((v + 1)) RETURNING version")
is "a close bumps it again" "$out" $((v + 2))
is "revisions: declare, update, update, close" \
   "$(q "SELECT string_agg(action, ' ' ORDER BY version) FROM critical_event_revision WHERE event_id = '$e1'")" "declare update update close"
is "the close names the supervisor" \
   "$(q "SELECT s.login_role FROM critical_event_revision r JOIN staff s ON s.id = r.staff_id WHERE r.event_id = '$e1' AND r.action = 'close'")" "$super"
as "$super" "DELETE FROM critical_event_sector WHERE event_id = '$e3'" >/dev/null
is "removing a sector is an update too" "$(q "SELECT max(version) || max(action) FROM critical_event_revision WHERE event_id = '$e3'")" "3update"

# -- rules -----------------------------------------------------------------------------------
out=$(as "$agent" "INSERT INTO critical_event (kind, title, agent_message) VALUES ('low_pressure', 'Agent', 'x')")
like "an agent cannot declare an event" "$out" 'permission denied'
out=$(as "$agent" "INSERT INTO critical_event_sector (event_id, sector) VALUES ('$e3', 'LS6 3')")
like "nor add a sector" "$out" 'permission denied'
out=$(as "$agent" "SELECT count(*) FROM critical_event_affected('$e2')")
is "an agent reads the affected customers" "$out" 5
out=$(q "UPDATE critical_event SET estimated_restore_at = started_at - interval '1 hour' WHERE id = '$e3'" 2>&1)
like "a restore before the start is refused" "$out" 'critical_event_restore_after_start'
out=$(as "$super" "UPDATE critical_event_template SET body = 'x' WHERE code = 'boil_water'")
like "templates are the administrators' policy" "$out" 'permission denied'
is "every kind has a template while it lasts and one for when it is over" \
   "$(q "SELECT count(DISTINCT kind) FILTER (WHERE stage = 'active') || ' ' || count(DISTINCT kind) FILTER (WHERE stage = 'closed') FROM critical_event_template")" "7 7"


# -- search flags an event by postcode sector alone, as the banner does ------------------------
q "UPDATE critical_event SET status = 'ended', ended_at = greatest(now(), started_at) WHERE status = 'active'" >/dev/null
flags() { PGDATABASE=$TEST_DB PGUSER=$agent "$CARELINE" search --csv 0000000002 2>&1 | sed -n 2p; }
out=$(flags)
like "search finds customer 2 by account" "$out" '^0000000002,'
unlike "no active event: no EVENT flag" "$out" 'EVENT'
e4=$(q "INSERT INTO critical_event (kind, title, agent_message) VALUES ('low_pressure', 'Sector LS7 1', 'x') RETURNING id")
q "INSERT INTO critical_event_sector (event_id, sector) VALUES ('$e4', 'LS7 1')" >/dev/null
like "an event on customer 2's postcode sector alone (no zone) flags them in search" "$(flags)" 'EVENT'

tap_done
