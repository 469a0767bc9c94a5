#!/usr/bin/env bash
# test_security.sh — `careline staff` login roles, row-level security as each group sees it, and the append-only audit trail (migration 016).
set -u
. "$TOP/tests/lib/tap.sh"

DB=careline_t_sec_$$
S=$$                      # roles are cluster wide: unique names per run
AGENT=s_agent_$S SUPER=s_super_$S FIELD=s_field_$S FIELD2=s_field2_$S ADMIN=s_admin_$S
NEW=s_new_$S NEW2=s_new2_$S
ROLES="$AGENT $SUPER $FIELD $FIELD2 $ADMIN $NEW $NEW2"
cleanup() {
    [ -n "${SLEEPER:-}" ] && kill "$SLEEPER" 2>/dev/null
    dropdb --if-exists "$DB" >/dev/null 2>&1
    for r in $ROLES; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
trap cleanup EXIT
export TEST_DB=$DB

as() { psql -X -q -v ON_ERROR_STOP=1 -At "dbname=$DB user=$1" -c "$2"; }
may() { local out; if out=$(as "$2" "$3" 2>&1); then ok "$1"; else not_ok "$1" "as $2: $3" "$out"; fi; }
may_not() {
    local out
    if out=$(as "$2" "$3" 2>&1); then not_ok "$1" "as $2 it succeeded: $3" "$out"
    else like "$1" "$out" "permission denied|append only|violates row-level|not allowed"; fi
}
# cl ROLE ARGS...: careline as that login role; output and exit status in $out and $rc.
cl() { local who=$1; shift; out=$(PGUSER=$who PGDATABASE=$DB "$CARELINE" "$@" 2>&1); rc=$?; }

createdb "$DB" || { not_ok "createdb $DB"; tap_done; exit 1; }
check "migrate" env PGDATABASE="$DB" "$CARELINE" migrate
q "CREATE ROLE $AGENT LOGIN IN ROLE careline_agent;
   CREATE ROLE $SUPER LOGIN IN ROLE careline_supervisor;
   CREATE ROLE $FIELD LOGIN IN ROLE careline_field;
   CREATE ROLE $FIELD2 LOGIN IN ROLE careline_field;
   CREATE ROLE $ADMIN LOGIN CREATEROLE IN ROLE careline_admin, pg_signal_backend;
   INSERT INTO staff (login_role, display_name, team, group_role) VALUES
     ('$AGENT', 'Test Agent', 'Billing', 'agent'), ('$SUPER', 'Test Supervisor', 'Billing', 'supervisor'),
     ('$FIELD', 'North Worker', 'North office', 'field'), ('$FIELD2', 'Officeless Worker', NULL, 'field'),
     ('$ADMIN', 'Test Admin', 'Systems', 'admin');
   INSERT INTO zone (code, name, region) VALUES ('ZN', 'North', 'wales'), ('ZS', 'South', 'wales');
   INSERT INTO office_zone (office, zone_id) SELECT 'North office', id FROM zone WHERE code = 'ZN';
   INSERT INTO office_zone (office, zone_id) SELECT 'South office', id FROM zone WHERE code = 'ZS';
   INSERT INTO customer (id, account_no, name, segment, vulnerability) VALUES
     (1, '5000000001', 'Nora North', 'residential_single', '{medical_water}'),
     (2, '5000000002', 'Sam South', 'residential_single', '{}');
   INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type) VALUES
     (1, 'PN', '1 North Road', 'Northam', 'NN1 1AA', (SELECT id FROM zone WHERE code = 'ZN'), 'house'),
     (2, 'PS', '2 South Road', 'Southam', 'SS1 1AA', (SELECT id FROM zone WHERE code = 'ZS'), 'house');
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES (1, 1, '2020-01-01'), (2, 2, '2020-01-01');
   INSERT INTO bill (customer_id, premise_id, period_start, period_end, issued_on, due_on, amount) VALUES
     (1, 1, '2025-01-01', '2025-06-30', '2025-07-01', '2025-07-29', 100),
     (2, 2, '2025-01-01', '2025-06-30', '2025-07-01', '2025-07-29', 200);
   INSERT INTO interaction (id, customer_id, channel, summary) VALUES
     ('00000000-0000-4000-8000-000000000101', 1, 'phone', 'north call'),
     ('00000000-0000-4000-8000-000000000102', 2, 'phone', 'south call');
   SELECT search_rebuild();" >/dev/null || { not_ok "fixture"; tap_done; exit 1; }

# -- careline staff: usage -------------------------------------------------------------------------
for args in "staff" "staff frob" "staff add" "staff add $NEW" "staff add $NEW --name X" \
            "staff add $NEW --name X --group boss" "staff add Bad-Name --name X --group agent" \
            "staff add pg_x --name X --group agent" "staff add careline_admin --name X --group admin" \
            "staff disable" "staff role $NEW" "staff list extra" "staff add $NEW --name X --group agent --pw s"; do
    # shellcheck disable=SC2086
    cl postgres $args
    is "careline $args: exit 2" "$rc" 2
done
cl postgres staff add "x\"; DROP TABLE customer; --" --name X --group agent
is "a login with quotes is refused before the database" "$rc" 2
like "and the usage says why" "$out" "not a login name.*Usage: careline staff add"
out=$(q "SELECT staff_add('a\"b', 'X', 'agent', NULL)" 2>&1)
like "the database refuses it too" "$out" 'invalid login name'

# -- careline staff: the administrator adds, changes, disables, enables ------------------------------
cl "$ADMIN" staff add "$NEW" --name "New Person" --group agent --team Billing
is "admin adds a staff member: exit 0" "$rc" 0
like "a new role" "$out" "$NEW: role created, group agent"
cl "$ADMIN" staff add "$NEW" --name "New Person" --group agent --team Billing
is "adding again: exit 0" "$rc" 0
like "the second time the role is only linked" "$out" "existing role linked"
is "one staff row, active, in the group" \
   "$(q "SELECT count(*) || ' ' || bool_and(active) || ' ' || min(group_role) || ' ' || min(team) FROM staff WHERE login_role = '$NEW'")" \
   "1 true agent Billing"
is "the role can log in and is in careline_agent" \
   "$(q "SELECT rolcanlogin AND pg_has_role('$NEW', 'careline_agent', 'MEMBER') FROM pg_roles WHERE rolname = '$NEW'")" t
is "the new login knows who it is" "$(as "$NEW" "SELECT display_name FROM staff WHERE id = current_staff_id()")" "New Person"
cl "$AGENT" staff add "$NEW2" --name "Sneaky" --group admin
is "an agent cannot add staff: exit 1" "$rc" 1
like "permission denied" "$out" "permission denied"
is "and no role was made" "$(q "SELECT count(*) FROM pg_roles WHERE rolname = '$NEW2'")" 0

cl "$ADMIN" staff role "$NEW" supervisor
is "role change: exit 0" "$rc" 0
is "now in careline_supervisor, no longer directly in careline_agent" \
   "$(q "SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
         JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = '$NEW'")" careline_supervisor
is "the staff row says supervisor" "$(q "SELECT group_role FROM staff WHERE login_role = '$NEW'")" supervisor
cl "$ADMIN" staff team "$NEW" Complaints
is "team change" "$rc $(q "SELECT team FROM staff WHERE login_role = '$NEW'")" "0 Complaints"
cl "$ADMIN" staff role nobody_$S agent
is "changing someone who is not staff: exit 1" "$rc" 1
like "says who" "$out" "no staff member with login"

# A session open under the role is ended by disable.
psql -X -q "dbname=$DB user=$NEW" -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
SLEEPER=$!
for _ in $(seq 50); do
    [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE usename = '$NEW'")" = 1 ] && break; sleep 0.1
done
cl "$ADMIN" staff disable "$NEW"
is "disable: exit 0" "$rc" 0
like "one session ended" "$out" "disabled, 1 session\(s\) ended"
wait "$SLEEPER" 2>/dev/null; SLEEPER=
is "no session left" "$(q "SELECT count(*) FROM pg_stat_activity WHERE usename = '$NEW'")" 0
is "the role cannot log in, the row is inactive" \
   "$(q "SELECT r.rolcanlogin || ' ' || s.active FROM pg_roles r JOIN staff s ON s.login_role = r.rolname WHERE r.rolname = '$NEW'")" \
   "false false"
out=$(as "$NEW" "SELECT 1" 2>&1)
like "logging in is refused" "$out" "not permitted to log in"
cl "$ADMIN" staff disable "$NEW"
is "disabling again is fine" "$rc" 0
cl "$ADMIN" staff list --csv
like "list shows the disabled member" "$out" "$NEW,New Person,Complaints,supervisor,false,false"
cl "$ADMIN" staff enable "$NEW"
is "enable: exit 0" "$rc" 0
is "the login works again" "$(as "$NEW" "SELECT current_staff_id() IS NOT NULL" 2>&1)" t
is "the disable was audited" "$(q "SELECT count(*) > 0 FROM audit_log WHERE action = 'staff.sessions_ended' AND entity_id = '$NEW' AND actor = '$ADMIN'")" t

# -- row-level security: field offices ---------------------------------------------------------------
is "field staff see the customers of their office's zones only" "$(as "$FIELD" "SELECT string_agg(name, ',' ORDER BY id) FROM customer")" "Nora North"
is "and their bills only" "$(as "$FIELD" "SELECT string_agg(amount::text, ',') FROM bill")" "100.00"
is "and their contacts only" "$(as "$FIELD" "SELECT string_agg(summary, ',') FROM interaction")" "north call"
is "a customer outside the office is not found by account number" "$(as "$FIELD" "SELECT count(*) FROM customer WHERE account_no = '5000000002'")" 0
is "field staff with no office see nobody" "$(as "$FIELD2" "SELECT count(*) FROM customer")" 0
cl "$FIELD" search South
like "careline search as field staff does not list the other office's customer" "$out" "0 customer"
cl "$FIELD" search North
like "but lists their own" "$out" "5000000001"
cl "$FIELD" view 5000000002
is "careline view of another office's customer fails" "$rc" 1
cl "$FIELD" view 5000000001
is "careline view of their own office's customer works" "$rc" 0
like "and shows it" "$out" "Nora North"
may "field staff record a visit" "$FIELD" "INSERT INTO interaction (customer_id, premise_id, channel, direction, staff_id, subject)
    VALUES (1, 1, 'field_visit', 'outbound', current_staff_id(), 'leak_investigation')"
is "field staff cannot change the other office's contacts (no row matches)" \
   "$(as "$FIELD" "UPDATE interaction SET summary = 'x' WHERE id = '00000000-0000-4000-8000-000000000102' RETURNING id")" ""
cl "$ADMIN" staff team "$FIELD" "South office"
is "moved to the south office they see the south" "$(as "$FIELD" "SELECT string_agg(name, ',' ORDER BY id) FROM customer")" "Sam South"
cl "$ADMIN" staff team "$FIELD" "North office"
is "field staff record a credit on the doorstep and see it back, even outside their office" \
   "$(as "$FIELD2" "INSERT INTO goodwill_credit (customer_id, amount, reason) VALUES (2, 5, 'doorstep') RETURNING status")" applied
is "but only their own" "$(as "$FIELD2" "SELECT string_agg(reason, ',') FROM goodwill_credit")" doorstep
may_not "field staff cannot add zones to their office" "$FIELD" "INSERT INTO office_zone (office, zone_id) SELECT 'North office', id FROM zone WHERE code = 'ZS'"

# -- desk roles see everyone -------------------------------------------------------------------------
is "agents see every customer" "$(as "$AGENT" "SELECT count(*) FROM customer")" 2
is "and every bill" "$(as "$AGENT" "SELECT count(*) FROM bill")" 2
is "supervisors too" "$(as "$SUPER" "SELECT count(*) FROM customer")" 2
like "an agent's lookup by account number still uses the index" \
   "$(as "$AGENT" "EXPLAIN SELECT id, name FROM customer WHERE account_no = '5000000002'")" "Index"
cl "$AGENT" view 5000000002
is "careline view works for agents" "$rc" 0

# -- staff records -----------------------------------------------------------------------------------
is "agents read staff names" "$(as "$AGENT" "SELECT display_name FROM staff WHERE login_role = '$SUPER'")" "Test Supervisor"
may_not "agents cannot read whether accounts are active" "$AGENT" "SELECT active FROM staff"
may_not "agents cannot read whole staff records" "$AGENT" "SELECT * FROM staff"
may_not "field staff cannot either" "$FIELD" "SELECT created_at FROM staff"
may "supervisors read whole staff records" "$SUPER" "SELECT * FROM staff"
may_not "agents cannot change staff" "$AGENT" "UPDATE staff SET team = 'x' WHERE login_role = '$AGENT'"

# -- the audit log -------------------------------------------------------------------------------------
may_not "agents cannot read the audit log" "$AGENT" "SELECT count(*) FROM audit_log"
may_not "field staff cannot read the audit log" "$FIELD" "SELECT count(*) FROM audit_log"
may "supervisors read it" "$SUPER" "SELECT count(*) FROM audit_log"
may "agents append in their own name" "$AGENT" "INSERT INTO audit_log (action, customer_id) VALUES ('customer.open', 1)"
may_not "but not in someone else's" "$AGENT" "INSERT INTO audit_log (actor, action, customer_id) VALUES ('$SUPER', 'customer.open', 1)"
may_not "supervisors cannot update it" "$SUPER" "UPDATE audit_log SET action = 'x'"
may_not "admins cannot delete from it" "$ADMIN" "DELETE FROM audit_log"
out=$(q "DELETE FROM audit_log" 2>&1)
like "not even the owner deletes" "$out" "append only"
out=$(q "TRUNCATE audit_log" 2>&1)
like "or truncates" "$out" "append only"
is "a supervisor sees who opened which customer" \
   "$(as "$SUPER" "SELECT actor FROM audit_log WHERE action = 'customer.open' AND customer_id = 1 ORDER BY id DESC LIMIT 1")" "$AGENT"

# Every change is recorded before and after.
may "an agent corrects a contact" "$AGENT" "UPDATE interaction SET summary = 'north call, billing' WHERE id = '00000000-0000-4000-8000-000000000101'"
is "the change is in the audit log with before and after" \
   "$(q "SELECT actor || ' ' || (details -> 'changed' -> 'summary' ->> 0) || ' -> ' || (details -> 'changed' -> 'summary' ->> 1)
         FROM audit_log WHERE entity = 'interaction' AND action = 'update' ORDER BY id DESC LIMIT 1")" \
   "$AGENT north call -> north call, billing"
may "an agent updates a customer" "$AGENT" "UPDATE customer SET email = 'nora@example.org' WHERE id = 1"
is "with the customer's id" "$(q "SELECT count(*) FROM audit_log WHERE entity = 'customer' AND customer_id = 1 AND details -> 'changed' ? 'email'")" 1

# -- subject access request ----------------------------------------------------------------------------
for args in "customer" "customer frob" "customer export" "customer export 12" "customer export 5000000001 --xml" \
            "customer export 5000000001 --json --text" "customer export 5000000001 5000000002"; do
    # shellcheck disable=SC2086
    cl "$SUPER" $args
    is "careline $args: exit 2" "$rc" 2
done
q "UPDATE customer SET name = E'Nora \\x1b[2J North' WHERE id = 1" >/dev/null
cl "$SUPER" customer export 5000000001 --json
is "a supervisor exports a customer as JSON: exit 0" "$rc" 0
json=$out
got=$(printf '%s\n' "SELECT (j -> 'customer' ->> 'account_no') || ' ' || jsonb_array_length(j -> 'bills') || ' '
        || (j -> 'bills' -> 0 ->> 'amount') || ' ' || jsonb_array_length(j -> 'contacts') || ' '
        || (j -> 'premises' -> 0 -> 'premise' ->> 'postcode') || ' ' || (j -> 'customer' ->> 'vulnerability')
        FROM (SELECT :'doc'::jsonb AS j) x;" | psql -X -q -At -v doc="$json" -d "$DB" 2>&1)
is "it holds the customer, bills, contacts, premises and needs" "$got" "5000000001 1 100.00 2 NN1 1AA [\"medical_water\"]"
unlike "JSON carries no raw escape character" "$json" $'\x1b'
is "the export is audited" "$(q "SELECT count(*) FROM audit_log WHERE action = 'customer.export' AND customer_id = 1 AND actor = '$SUPER'")" 1
cl "$SUPER" customer export 5000000001 --text
is "as text: exit 0" "$rc" 0
like "readable lines" "$out" "account_no: 5000000001"
like "nested parts indented" "$out" "bills:.*  #1.*    amount: 100.00"
unlike "text carries no raw escape character" "$out" $'\x1b'
cl "$AGENT" customer export 5000000001
is "an agent cannot export: exit 1" "$rc" 1
like "permission denied" "$out" "permission denied"
cl "$SUPER" customer export 5999999999
is "an unknown account: exit 1" "$rc" 1
like "says so" "$out" "no customer with account number 5999999999"

# -- credits and approvals by role, as before ---------------------------------------------------------
is "an agent's small credit is applied" "$(as "$AGENT" "INSERT INTO goodwill_credit (customer_id, amount, reason) VALUES (2, 10, 'sorry') RETURNING status")" applied
over=$(q "SELECT per_credit + 1 FROM authority_limit WHERE group_role = 'agent'")
big=$(as "$AGENT" "INSERT INTO goodwill_credit (customer_id, amount, reason) VALUES (2, $over, 'flood') RETURNING id")
may_not "an agent cannot approve" "$AGENT" "UPDATE goodwill_credit SET status = 'approved' WHERE id = '$big'"
is "a supervisor approves" "$(as "$SUPER" "UPDATE goodwill_credit SET status = 'approved' WHERE id = '$big' RETURNING status")" approved
is "field staff do not see credits of the other office" "$(as "$FIELD" "SELECT count(*) FROM goodwill_credit")" 0

# A customer who moves into the north office's area becomes theirs, and the move is audited.
q "UPDATE customer_premise SET end_date = '2024-01-01' WHERE customer_id = 2 AND premise_id = 2;
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES (2, 1, '2024-01-02')" >/dev/null
is "changed links between customers and premises are audited, before and after" \
   "$(q "SELECT (details -> 'changed' -> 'end_date' ->> 0) IS NULL AND (details -> 'changed' -> 'end_date' ->> 1) = '2024-01-01'
         FROM audit_log WHERE entity = 'customer_premise' AND action = 'update' AND customer_id = 2")" t
is "and the north office now sees that customer" "$(as "$FIELD" "SELECT count(*) FROM customer WHERE id = 2")" 1

tap_done
