#!/usr/bin/env bash
# Database tests of the group roles: what agents, supervisors, field staff and admins may and
# may not do, authority limits on goodwill credits, and the audit trail of who did what.
set -u
. "$TOP/tests/lib/tap.sh"

DB=careline_t_roles_$$
S=$$                     # roles are cluster wide: unique names per run
AGENT=t_agent_$S AGENT2=t_agent2_$S SUPER=t_super_$S FIELD=t_field_$S ADMIN=t_admin_$S
ROLES="$AGENT $AGENT2 $SUPER $FIELD $ADMIN"
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1
    for r in $ROLES; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
trap cleanup EXIT

# The one place that knows how migrations are applied.
migrate_db() { PGDATABASE=$1 "$CARELINE" migrate; }
TEST_DB=$DB
# as ROLE SQL: run SQL as a login role, print the result.
as() { psql -X -q -v ON_ERROR_STOP=1 -At "dbname=$DB user=$1" -c "$2"; }
# may NAME ROLE SQL / may_not NAME ROLE SQL
may() { local out; if out=$(as "$2" "$3" 2>&1); then ok "$1"; else not_ok "$1" "as $2: $3" "$out"; fi; }
may_not() {
    local out
    if out=$(as "$2" "$3" 2>&1); then not_ok "$1" "as $2 it succeeded: $3" "$out"
    else like "$1" "$out" "permission denied|append only|violates row-level|not allowed"; fi
}

createdb "$DB" || { not_ok "createdb $DB"; tap_done; exit 1; }
check "migrate" migrate_db "$DB"
q "CREATE ROLE $AGENT LOGIN IN ROLE careline_agent;
   CREATE ROLE $AGENT2 LOGIN IN ROLE careline_agent;
   CREATE ROLE $SUPER LOGIN IN ROLE careline_supervisor;
   CREATE ROLE $FIELD LOGIN IN ROLE careline_field;
   CREATE ROLE $ADMIN LOGIN IN ROLE careline_admin;
   INSERT INTO staff (login_role, display_name, team, group_role) VALUES
     ('$AGENT', 'Test Agent', 'Billing', 'agent'), ('$AGENT2', 'Other Agent', 'Billing', 'agent'),
     ('$SUPER', 'Test Supervisor', 'Billing', 'supervisor'), ('$FIELD', 'Test Field', 'Field', 'field'),
     ('$ADMIN', 'Test Admin', 'Systems', 'admin');
   INSERT INTO zone (code, name, region) VALUES ('TZ1', 'Test zone', 'wales');
   INSERT INTO customer (id, account_no, name, segment, phone_e164) VALUES (1, '4000000001', 'Ann Test', 'residential_single', '+447700900123');
   INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
        VALUES (1, 'P1', '1 Test Road', 'Testham', 'TE1 1ST', (SELECT id FROM zone WHERE code = 'TZ1'), 'house');
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES (1, 1, date '2020-01-01');
   INSERT INTO meter (id, premise_id, serial, meter_type) VALUES (1, 1, 'KM00000001', 'dumb');" >/dev/null \
   || { not_ok "fixture"; tap_done; exit 1; }

is "current_staff_id() knows the agent" "$(as "$AGENT" "SELECT display_name FROM staff WHERE id = current_staff_id()")" "Test Agent"

# -- agents ------------------------------------------------------------------------------------
may "agent reads customers" "$AGENT" "SELECT name FROM customer WHERE id = 1"
may "agent records an interaction" "$AGENT" "INSERT INTO interaction (id, customer_id, channel, staff_id, subject, summary)
    VALUES ('00000000-0000-4000-8000-000000000001', 1, 'phone', current_staff_id(), 'billing_query', 'test')"
may "a replayed interaction is not duplicated" "$AGENT" "INSERT INTO interaction (id, customer_id, channel)
    VALUES ('00000000-0000-4000-8000-000000000001', 1, 'phone') ON CONFLICT (id) DO NOTHING"
is "one interaction stored" "$(q "SELECT count(*) FROM interaction")" 1
may "agent takes a complaint" "$AGENT" "INSERT INTO complaint (id, customer_id, premise_id, category_id, channel, description)
    VALUES ('00000000-0000-4000-8000-0000000000c1', 1, 1, (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'), 'phone', 'High bill')"
is "the complaint records who created it" "$(q "SELECT s.login_role FROM complaint c JOIN staff s ON s.id = c.created_by")" "$AGENT"
may "agent works a complaint" "$AGENT" "UPDATE complaint SET status = 'acknowledged', owner_staff_id = current_staff_id() WHERE reference IS NOT NULL"
may "agent adds a note" "$AGENT" "INSERT INTO complaint_history (complaint_id, staff_id, kind, note)
    VALUES ('00000000-0000-4000-8000-0000000000c1', current_staff_id(), 'note', 'Called back')"
may_not "agent cannot move due dates" "$AGENT" "UPDATE complaint SET resolution_due_at = now() + interval '1 year'"
may "agent updates contact details" "$AGENT" "UPDATE customer SET phone_e164 = '+447700900456', email = 'ann@example.org' WHERE id = 1"
may_not "agent cannot change the balance" "$AGENT" "UPDATE customer SET balance = 0 WHERE id = 1"
may_not "agent cannot change the segment" "$AGENT" "UPDATE customer SET segment = 'senior' WHERE id = 1"
may_not "agent cannot delete customers" "$AGENT" "DELETE FROM customer WHERE id = 1"
may "agent writes to the audit log" "$AGENT" "INSERT INTO audit_log (action, customer_id, entity, entity_id) VALUES ('open', 1, 'customer', '1')"
may_not "agent cannot update the audit log" "$AGENT" "UPDATE audit_log SET action = 'x'"
may_not "agent cannot delete from the audit log" "$AGENT" "DELETE FROM audit_log"
may_not "agent cannot read the audit log" "$AGENT" "SELECT count(*) FROM audit_log"
may_not "agent cannot manage categories" "$AGENT" "INSERT INTO complaint_category (code, name) VALUES ('x', 'X')"
may_not "agent cannot change standards" "$AGENT" "UPDATE response_standard SET compensation_amount = 0"
may_not "agent cannot declare critical events" "$AGENT" "INSERT INTO critical_event (kind, title, agent_message) VALUES ('boil_water', 'x', 'y')"
may_not "agent cannot change authority limits" "$AGENT" "UPDATE authority_limit SET per_credit = 1000"
may "agent books a follow-up" "$AGENT" "INSERT INTO follow_up (customer_id, complaint_id, due_on, channel, what_to_confirm, owner_staff_id)
    VALUES (1, '00000000-0000-4000-8000-0000000000c1', current_date + 3, 'phone', 'Bill right', current_staff_id())"
may "agent records a survey" "$AGENT" "INSERT INTO satisfaction_survey (interaction_id, csat, nps) VALUES ('00000000-0000-4000-8000-000000000001', 5, 9)"

# Authority limits decide applied or pending.
may "agent credits within authority" "$AGENT" "INSERT INTO goodwill_credit (id, customer_id, amount, reason)
    VALUES ('00000000-0000-4000-8000-0000000000a1', 1, 30, 'Apology')"
is "a credit within the limit is applied" "$(q "SELECT status FROM goodwill_credit WHERE id = '00000000-0000-4000-8000-0000000000a1'")" applied
may "agent asks for a large credit" "$AGENT" "INSERT INTO goodwill_credit (id, customer_id, amount, reason, status)
    VALUES ('00000000-0000-4000-8000-0000000000a2', 1, 300, 'Flooding', 'applied')"
is "a credit above the limit waits for approval" "$(q "SELECT status FROM goodwill_credit WHERE id = '00000000-0000-4000-8000-0000000000a2'")" pending
may "agent asks for more credits the same day" "$AGENT" "INSERT INTO goodwill_credit (id, customer_id, amount, reason)
    VALUES ('00000000-0000-4000-8000-0000000000a3', 1, 50, 'a'), ('00000000-0000-4000-8000-0000000000a4', 1, 50, 'b'),
           ('00000000-0000-4000-8000-0000000000a5', 1, 50, 'c'), ('00000000-0000-4000-8000-0000000000a6', 1, 50, 'd')"
is "the daily limit sends the excess for approval" \
   "$(q "SELECT string_agg(status, ',' ORDER BY id) FROM goodwill_credit WHERE id::text LIKE '%a3' OR id::text LIKE '%a4' OR id::text LIKE '%a5' OR id::text LIKE '%a6'")" \
   "applied,applied,applied,pending"
may_not "agent cannot approve credits" "$AGENT2" "UPDATE goodwill_credit SET status = 'approved' WHERE id = '00000000-0000-4000-8000-0000000000a2'"

# -- supervisors ---------------------------------------------------------------------------------
may "supervisor approves a pending credit" "$SUPER" "UPDATE goodwill_credit SET status = 'approved' WHERE id = '00000000-0000-4000-8000-0000000000a2'"
is "the approval records who and when" "$(q "SELECT s.login_role || ' ' || (g.decided_at IS NOT NULL) FROM goodwill_credit g
        JOIN staff s ON s.id = g.decided_by WHERE g.id = '00000000-0000-4000-8000-0000000000a2'")" "$SUPER true"
out=$(as "$SUPER" "UPDATE goodwill_credit SET status = 'rejected' WHERE id = '00000000-0000-4000-8000-0000000000a2'" 2>&1)
like "a decided credit cannot be decided again" "$out" "already approved"
may "supervisor declares a critical event" "$SUPER" "INSERT INTO critical_event (id, kind, title, agent_message, declared_by)
    VALUES ('00000000-0000-4000-8000-0000000000e1', 'supply_interruption', 'Burst main', 'We are fixing it', current_staff_id());
    INSERT INTO critical_event_zone (event_id, zone_id) SELECT '00000000-0000-4000-8000-0000000000e1', id FROM zone"
may "supervisor ends it" "$SUPER" "UPDATE critical_event SET status = 'ended', ended_at = now() WHERE id = '00000000-0000-4000-8000-0000000000e1'"
may "supervisor reads the audit log" "$SUPER" "SELECT count(*) FROM audit_log"
may "supervisor does what agents do" "$SUPER" "INSERT INTO interaction (customer_id, channel) VALUES (1, 'phone')"
may_not "supervisor cannot manage categories" "$SUPER" "UPDATE complaint_category SET name = 'x' WHERE code = 'billing'"
may_not "supervisor cannot delete customers" "$SUPER" "DELETE FROM customer WHERE id = 1"

# -- field staff -----------------------------------------------------------------------------------
may "field records a meter read" "$FIELD" "INSERT INTO meter_read (meter_id, read_on, reading, read_type) VALUES (1, current_date, 123.4, 'actual')"
may "field records a visit" "$FIELD" "INSERT INTO interaction (customer_id, premise_id, channel, direction, staff_id, subject)
    VALUES (1, 1, 'field_visit', 'outbound', current_staff_id(), 'leak_investigation')"
may "field reads customers" "$FIELD" "SELECT count(*) FROM customer"
may_not "field cannot take complaints" "$FIELD" "INSERT INTO complaint (customer_id, category_id, channel, description)
    VALUES (1, (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'), 'field_visit', 'x')"
may_not "field cannot edit customers" "$FIELD" "UPDATE customer SET email = 'x@example.org' WHERE id = 1"
may_not "field cannot declare critical events" "$FIELD" "INSERT INTO critical_event (kind, title, agent_message) VALUES ('boil_water', 'x', 'y')"

# -- admins ------------------------------------------------------------------------------------------
may "admin adds a category" "$ADMIN" "INSERT INTO complaint_category (parent_id, code, name)
    SELECT id, 'billing.test', 'Test' FROM complaint_category WHERE code = 'billing'"
may "admin changes a standard" "$ADMIN" "INSERT INTO response_standard (region, effective_from, first_response_days, compensation_amount, gss_code, description)
    VALUES ('wales', date '2030-01-01', 10, 40, 'GSS-COMPLAINT', 'future')"
may "admin changes authority limits" "$ADMIN" "UPDATE authority_limit SET per_credit = 60 WHERE group_role = 'agent'"
may "admin loads a script" "$ADMIN" "INSERT INTO recovery_script (code, name, source) VALUES ('t', 'T', 'step a say hello')"
may "admin manages staff rows" "$ADMIN" "UPDATE staff SET team = 'Complaints' WHERE login_role = '$AGENT2'"
may_not "admin cannot delete customers" "$ADMIN" "DELETE FROM customer WHERE id = 1"
may_not "nobody rewrites the audit log" "$ADMIN" "DELETE FROM audit_log"

# -- the audit trail says who did it ------------------------------------------------------------------
is "the agent's edit is audited under their name" \
   "$(q "SELECT actor FROM audit_log WHERE entity = 'customer' AND action = 'update' ORDER BY id LIMIT 1")" "$AGENT"
is "the supervisor's approval is audited" \
   "$(q "SELECT count(*) FROM audit_log WHERE entity = 'goodwill_credit' AND action = 'update' AND actor = '$SUPER'")" 1

dropdb "$DB" >/dev/null 2>&1
tap_done
