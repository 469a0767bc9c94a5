#!/usr/bin/env bash
# test_event_actions.sh — declare, update and close in one call each (idempotent, version-checked, supervisors only), the reach preview, the event's complaints noted and resolved as one, guaranteed payments when supply came back late, and none under the compensation scheme 'none'.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/event_fixture.sh"
export TEST_DB=evact_$$
createdb -T "$MIGRATED_TEMPLATE" "$TEST_DB" || { not_ok "copy the migrated template"; tap_done; exit 1; }
agent=ea_agent_$$; super=ea_super_$$
trap 'dropdb --if-exists "$TEST_DB"; q "DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1; q "DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1' EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
as() { psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$1" -c "$2" 2>&1; }
event_fixture_load "$agent" "$super" || not_ok "load the fixture"

E=00000000-0000-4000-8000-0000000000e1
declare_sql="SELECT version || ' ' || created FROM critical_event_declare('$E', 'supply_interruption', 'Burst main', '',
    '{za}', '{\"LS6 3\"}', now() - interval '2 hours', now() + interval '3 hours', 'Read out', 'supply_interruption',
    '{\"area\": \"Alpha\"}', 'Careline: no water')"

# -- reach before declaring ------------------------------------------------------------------
reach() { as "$1" "SELECT string_agg(preferred_channel || '=' || customers || '/' || priority_services || '/' || vulnerable || '/' || non_digital, ' ' ORDER BY preferred_channel) FROM critical_event_reach($2)"; }
is "the preview counts by channel: zone A and sector LS6 3" "$(reach "$agent" "NULL, '{ZA}', '{\"LS6 3\"}'")" \
   "email=1/0/1/0 letter=1/0/1/1 phone=1/0/0/0 sms=1/1/0/0 web=1/0/0/0"
like "an unknown zone code is named" "$(reach "$agent" "NULL, '{ZA,ZQ}', '{}'")" 'no zone has the code "ZQ"'

# -- declare ---------------------------------------------------------------------------------
out=$(as "$agent" "$declare_sql")
like "an agent cannot declare" "$out" 'permission denied'
is "a supervisor declares: version 1, created" "$(as "$super" "$declare_sql")" "1 true"
is "the same declare again changes nothing" "$(as "$super" "$declare_sql")" "1 false"
is "one event, one revision" "$(q "SELECT count(*) FROM critical_event_revision WHERE event_id = '$E'")" 1
is "the revision has the zone and the sector (lower-case code accepted)" \
   "$(q "SELECT array_length(zones, 1) || ' ' || sectors::text FROM critical_event_revision WHERE event_id = '$E'")" '1 {"LS6 3"}'
is "the kind gives the complaint category" "$(q "SELECT c.code FROM critical_event e JOIN complaint_category c ON c.id = e.category_id WHERE e.id = '$E'")" supply.interruption
is "the banner's view finds it at zone A's customers and, by the sector, at customer 4" \
   "$(q "SELECT string_agg(DISTINCT customer_id::text, ' ' ORDER BY customer_id::text) FROM critical_event_customer WHERE event_id = '$E'")" "1 2 4 7 9"
is "who declared it is recorded" "$(q "SELECT s.login_role FROM critical_event e JOIN staff s ON s.id = e.declared_by WHERE e.id = '$E'")" "$super"
out=$(as "$super" "SELECT * FROM critical_event_declare(gen_random_uuid(), 'low_pressure', 'x', '', '{}', '{}', now(), NULL, 'r', '', '{}', 'm')")
like "an event with no area is refused" "$out" 'at least one zone or postcode sector'
out=$(as "$super" "SELECT * FROM critical_event_declare(gen_random_uuid(), 'low_pressure', 'x', '', '{ZA}', '{}', now(), now() - interval '1 hour', 'r', '', '{}', 'm')")
like "a restore before the start is refused in words" "$out" 'must be after the start'

# -- update ----------------------------------------------------------------------------------
R1=00000000-0000-4000-8000-0000000000a1
upd() { as "$super" "SELECT coalesce(critical_event_update('$E', $1, '$2', NULL, now() + interval '5 hours', NULL, NULL, NULL, 'Careline: later', '{ZB}', '{}')::text, 'stale')"; }
is "an update at the version seen: version 2" "$(upd 1 $R1)" 2
is "replayed, it returns the version it made" "$(upd 1 $R1)" 2
is "another update at the old version is stale" "$(upd 1 00000000-0000-4000-8000-0000000000a2)" stale
is "the zone added is in the new revision" "$(q "SELECT action || ' ' || array_length(zones, 1) || ' ' || customer_message FROM critical_event_revision WHERE event_id = '$E' AND version = 2")" "update 2 Careline: later"
is "the update is the supervisor's, by their login" \
   "$(q "SELECT s.login_role || ' ' || r.actor FROM critical_event_revision r JOIN staff s ON s.id = r.staff_id WHERE r.event_id = '$E' AND r.version = 2")" "$super $super"
q "UPDATE critical_event SET title = 'Burst main, Otley Road' WHERE id = '$E'" >/dev/null
is "a change by a login that is not staff names the login" \
   "$(q "SELECT coalesce(staff_id::text, 'none') || ' ' || (actor = session_user) FROM critical_event_revision WHERE event_id = '$E' AND version = 3")" "none true"
is "and the affected customers grew" "$(q "SELECT count(*) FROM critical_event_affected('$E')")" 7

# -- complaints linked to the event ------------------------------------------------------------
cat=$(q "SELECT id FROM complaint_category WHERE code = 'supply.interruption'")
for c in 1 2 3; do
    q "INSERT INTO complaint (customer_id, category_id, channel, description, critical_event_id) VALUES ($c, $cat, 'phone', 'No water', '$E')" >/dev/null
done
k2=$(q "SELECT id FROM complaint WHERE customer_id = 2"); k3=$(q "SELECT id FROM complaint WHERE customer_id = 3")
q "UPDATE complaint SET status = 'acknowledged' WHERE id = '$k2'; UPDATE complaint SET status = 'acknowledged' WHERE id = '$k3';
   UPDATE complaint SET status = 'waiting_customer' WHERE id = '$k3'" >/dev/null
N1=00000000-0000-4000-8000-0000000000b1
out=$(as "$agent" "SELECT critical_event_note_complaints('$E', '$N1', 'Crews on site')")
like "an agent cannot note them all" "$out" 'only a supervisor'
is "a supervisor notes all three" "$(as "$super" "SELECT critical_event_note_complaints('$E', '$N1', 'Crews on site')")" 3
is "the same request again adds nothing" "$(as "$super" "SELECT critical_event_note_complaints('$E', '$N1', 'Crews on site')")" 0
is "each complaint has the note once" "$(q "SELECT count(DISTINCT complaint_id) || ' ' || count(*) FROM complaint_history WHERE kind = 'note' AND note = 'Crews on site'")" "3 3"
like "resolving needs a summary" "$(as "$super" "SELECT critical_event_resolve_complaints('$E', '', ' ')")" 'summary is empty'
like "and a root cause" "$(as "$super" "SELECT critical_event_resolve_complaints('$E', '', 'Main repaired')")" 'choose the root cause'
like "an unknown root cause is named" "$(as "$super" "SELECT critical_event_resolve_complaints('$E', 'nonsense', 'Main repaired')")" 'no root cause has the code "nonsense"'
is "a supervisor resolves all three, whatever their status" \
   "$(as "$super" "SELECT critical_event_resolve_complaints('$E', 'infrastructure_asset.main_burst', 'Main repaired')")" 3
is "they are resolved with the cause and summary" \
   "$(q "SELECT string_agg(DISTINCT k.status || '/' || r.code || '/' || k.resolution_summary, ',') FROM complaint k JOIN root_cause r ON r.id = k.root_cause_id WHERE k.critical_event_id = '$E'")" \
   "resolved/infrastructure_asset.main_burst/Main repaired"
is "running it again resolves none" "$(as "$super" "SELECT critical_event_resolve_complaints('$E', 'infrastructure_asset.main_burst', 'Main repaired')")" 0

# -- close and guaranteed payments ---------------------------------------------------------------
# Started 40 hours ago: over the 12-hour standard, one further whole 24 hours.
q "UPDATE critical_event SET started_at = now() - interval '40 hours' WHERE id = '$E'" >/dev/null
v=$(q "SELECT version FROM critical_event WHERE id = '$E'")
C1=00000000-0000-4000-8000-0000000000c1
close_sql() { echo "SELECT coalesce(version::text, 'stale') || ' ' || payments || ' ' || owed FROM critical_event_close('$E', $1, '$2', ${3:-NULL}, 'supply_interruption.restored', NULL, 'Careline: back', 'infrastructure_asset.main_burst')"; }
like "a restore time in the future is refused" "$(as "$super" "$(close_sql "$v" $C1 "now() + interval '2 hours'")")" 'in the future'
like "so is one before the start" "$(as "$super" "$(close_sql "$v" $C1 "now() - interval '3 days'")")" 'before the start'
is "a stale close is refused" "$(as "$super" "$(close_sql $((v - 1)) $C1)")" "stale 0 0"
# Zone A (england, before/after 2 July 2025 depending on the day) and zone B (wales).
b3=$(q "SELECT balance FROM customer WHERE id = 3"); b4=$(q "SELECT balance FROM customer WHERE id = 4")
got=$(as "$super" "$(close_sql "$v" $C1)")
like "a supervisor closes it: payments owed to the 7 affected customers" "$got" "^$((v + 1)) 7 [0-9]+\\.[0-9]{2}$"
is "closing again with the same request returns the same" "$(as "$super" "$(close_sql "$v" $C1)")" "$got"
is "one close revision" "$(q "SELECT count(*) FROM critical_event_revision WHERE event_id = '$E' AND action = 'close'")" 1
exp=$(q "SELECT string_agg(c.customer_id || ':' || c.further_periods || ':' || c.amount, ' ' ORDER BY c.customer_id) FROM event_compensation c WHERE c.event_id = '$E' AND c.customer_id IN (3, 4)")
is "Wales business: 50 plus 25 for the further 24 h; household: 20 plus 10" "$exp" "3:1:75.00 4:1:30.00"
eng=$(q "SELECT count(*) FROM event_compensation c JOIN response_standard s ON s.id = c.response_standard_id WHERE c.event_id = '$E' AND s.region = 'england'")
is "England's customers are paid under England's standard in force that day" "$eng" 4
is "every payment is credited as the event closes" \
   "$(q "SELECT count(*) FILTER (WHERE status = 'paid' AND paid_at IS NOT NULL) || '/' || count(*) FROM event_compensation WHERE event_id = '$E'")" "7/7"
is "and each customer's balance goes down by their payment (75.00 and 30.00)" \
   "$(q "SELECT (SELECT balance FROM customer WHERE id = 3) = $b3 - 75.00 AND (SELECT balance FROM customer WHERE id = 4) = $b4 - 30.00")" t
out=$(as "$super" "SELECT critical_event_settle('$E')")
is "settling again pays nobody twice" "$out" 0
out=$(as "$super" "SELECT coalesce(critical_event_update('$E', $((v + 1)), gen_random_uuid(), 'x', NULL, NULL, NULL, NULL, NULL, '{}', '{}')::text, 'stale')")
like "an ended event is not updated" "$out" 'has ended'

# A short event owes nothing.
S=00000000-0000-4000-8000-0000000000e2
as "$super" "SELECT * FROM critical_event_declare('$S', 'supply_interruption', 'Short', '', '{ZA}', '{}', now() - interval '3 hours', NULL, 'r', '', '{}', 'm')" >/dev/null
is "an interruption of 3 hours owes nothing" "$(as "$super" "SELECT payments FROM critical_event_close('$S', 1, gen_random_uuid(), NULL, '', NULL, '', '')")" 0

# The region's compensation scheme: a utility's own restore standard (no
# gss_code) pays under 'own'; under 'none' an event's close pays nobody.
q "INSERT INTO response_standard (category_id, effective_from, restore_hours, period_hours, compensation_amount,
                                  compensation_per_period, description)
   VALUES ((SELECT category_id FROM critical_event_kind WHERE kind = 'supply_interruption'), '2000-01-01', 12, 24, 30, 15,
           'Our own promise: supply back within 12 hours')" >/dev/null
long_event() {   # long_event ID: a 40-hour interruption in zone A, closed; prints its payments
    as "$super" "SELECT * FROM critical_event_declare('$1', 'supply_interruption', 'Long', '', '{ZA}', '{}', now() - interval '40 hours', NULL, 'r', '', '{}', 'm')" >/dev/null
    as "$super" "SELECT payments FROM critical_event_close('$1', 1, gen_random_uuid(), NULL, '', NULL, '', '')"
}
q "UPDATE utility_region SET compensation_scheme = 'own'" >/dev/null
O=00000000-0000-4000-8000-0000000000e3
is "scheme 'own': the utility's own standard pays the 4 customers of zone A" "$(long_event $O)" 4
is "30 plus 15 for the further 24 hours each" "$(q "SELECT string_agg(DISTINCT amount::text, ',') FROM event_compensation WHERE event_id = '$O'")" 45.00
q "UPDATE utility_region SET compensation_scheme = 'none'" >/dev/null
N0=00000000-0000-4000-8000-0000000000e4
b0=$(q "SELECT sum(balance) FROM customer")
is "scheme 'none': closing a 40-hour interruption pays nobody" "$(long_event $N0)" 0
is "no payment row is made" "$(q "SELECT count(*) FROM event_compensation WHERE event_id = '$N0'")" 0
is "and no balance moves" "$(q "SELECT sum(balance) FROM customer")" "$b0"
is "settling it again pays nobody either" "$(as "$super" "SELECT critical_event_settle('$N0')")" 0

tap_done
