#!/usr/bin/env bash
# Database tests of the schema: migrations apply, re-apply and roll back cleanly; the rules the
# database itself enforces (append-only audit log, complaint life cycle, SLA clock, NOTIFY).
set -u
. "$TOP/tests/lib/tap.sh"

DB=careline_t_schema_$$
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/careline-t-schema.XXXXXX")
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1; rm -rf "$TMPD"; }
trap cleanup EXIT

# The one place that knows how migrations are applied.
migrate_db() { PGDATABASE=$1 "$CARELINE" migrate; }
# fails NAME SQL REGEX: the statement must be refused with a message matching REGEX.
fails() {
    local out
    if out=$(psql -X -q -v ON_ERROR_STOP=1 -At -d "$DB" -c "$2" 2>&1); then
        not_ok "$1" "statement succeeded: $2" "$out"
    else
        like "$1" "$out" "$3"
    fi
}
TEST_DB=$DB

createdb "$DB" || { not_ok "createdb $DB"; tap_done; exit 1; }

# -- migrations --------------------------------------------------------------------------
check "migrations apply to an empty database" migrate_db "$DB"
nfiles=$(ls "$TOP"/db/migrations/*.sql | wc -l)
before=$(q "SELECT count(*) || ' ' || string_agg(version || '@' || applied_at, ',' ORDER BY version) FROM schema_migrations")
is "every migration file is recorded" "${before%% *}" "$nfiles"
check "re-applying the migrations succeeds" migrate_db "$DB"
after=$(q "SELECT count(*) || ' ' || string_agg(version || '@' || applied_at, ',' ORDER BY version) FROM schema_migrations")
is "re-applying changes nothing in schema_migrations" "$after" "$before"
is "pg_trgm is installed" "$(q "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")" 1
is "group roles exist" "$(q "SELECT count(*) FROM pg_roles WHERE rolname IN
    ('careline_agent','careline_supervisor','careline_field','careline_admin') AND NOT rolcanlogin")" 4
for t in staff zone customer premise customer_premise meter meter_read bill payment payment_arrangement \
         interaction wrap_up_code complaint_category response_standard holiday working_hours root_cause \
         complaint complaint_history recovery_script script_step complaint_script_run script_answer \
         authority_limit goodwill_credit compensation_payment follow_up satisfaction_survey critical_event \
         critical_event_zone programme programme_enrolment kb_article audit_log; do
    [ "$(q "SELECT to_regclass('public.$t') IS NOT NULL")" = t ] || missing="${missing:-} $t"
done
is "every table of the product exists" "${missing:-none}" "none"
is "default categories: a tree with leaves" \
   "$(q "SELECT count(*) FILTER (WHERE parent_id IS NULL) >= 10 AND count(*) FILTER (WHERE is_leaf) >= 30 FROM complaint_category")" t
is "GSS standards for England and Wales" \
   "$(q "SELECT count(DISTINCT region) FROM response_standard WHERE gss_code = 'GSS-COMPLAINT'")" 2
is "England complaint payment is 40 from 2 July 2025" \
   "$(q "SELECT compensation_amount FROM response_standard WHERE gss_code = 'GSS-COMPLAINT' AND region = 'england'
          AND effective_from <= date '2025-08-01' AND (effective_to IS NULL OR effective_to > date '2025-08-01')")" 40.00
is "England complaint payment was 20 before" \
   "$(q "SELECT compensation_amount FROM response_standard WHERE gss_code = 'GSS-COMPLAINT' AND region = 'england'
          AND effective_from <= date '2025-01-01' AND (effective_to IS NULL OR effective_to > date '2025-01-01')")" 20.00

# A failing migration is rolled back whole and the error names the file.
mkdir -p "$TMPD/mig"
cp "$TOP"/db/migrations/*.sql "$TMPD/mig/"
cat >"$TMPD/mig/999_broken.sql" <<'SQL'
-- deliberately broken: the first statement must not survive the second one failing
CREATE TABLE t_should_vanish (id integer);
INSERT INTO t_should_vanish VALUES (1);
SELECT 1 / 0;
SQL
if out=$(PGDATABASE=$DB CARELINE_MIGRATIONS_DIR="$TMPD/mig" "$CARELINE" migrate 2>&1); then
    not_ok "a broken migration makes migrate fail" "$out"
else
    ok "a broken migration makes migrate fail"
fi
like "the error names the broken file" "$out" "999_broken"
is "the broken file's earlier statements left nothing" "$(q "SELECT to_regclass('public.t_should_vanish') IS NULL")" t
is "the broken file is not recorded" "$(q "SELECT count(*) FROM schema_migrations WHERE version LIKE '999%'")" 0
after2=$(q "SELECT count(*) || ' ' || string_agg(version || '@' || applied_at, ',' ORDER BY version) FROM schema_migrations")
is "the good migrations are untouched" "$after2" "$before"

# -- a small fixture -------------------------------------------------------------------------
q "INSERT INTO zone (code, name, region) VALUES ('TZ1', 'Test zone', 'england');
   INSERT INTO customer (id, account_no, name, segment, phone_e164) VALUES (1, '4000000001', 'Ann Test', 'residential_single', '+447700900123');
   INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
        VALUES (1, 'P1', '1 Test Road', 'Testham', 'TE1 1ST', (SELECT id FROM zone WHERE code = 'TZ1'), 'house');
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES (1, 1, date '2020-01-01');" >/dev/null
is "phone_nsn is derived from phone_e164" "$(q "SELECT phone_nsn FROM customer WHERE id = 1")" 7700900123
is "postcode_nospace is derived" "$(q "SELECT postcode_nospace FROM premise WHERE id = 1")" TE11ST
fails "a malformed postcode is refused" \
    "INSERT INTO premise (premise_ref, address_line1, town, postcode, zone_id, premise_type) VALUES ('P2','x','y','te1 1st',1,'house')" \
    "check constraint"
fails "an unknown segment is refused" \
    "INSERT INTO customer (account_no, name, segment) VALUES ('4000000002', 'X', 'alien')" "check constraint"
is "customer_type is derived from the segment" "$(q "SELECT customer_type FROM customer WHERE id = 1")" household

# optimistic locking: every update bumps version; the balance cache does not
q "UPDATE customer SET email = 'ann@example.org' WHERE id = 1" >/dev/null
is "an edit bumps the customer's version" "$(q "SELECT version FROM customer WHERE id = 1")" 2
q "INSERT INTO bill (customer_id, premise_id, period_start, period_end, issued_on, due_on, amount)
   VALUES (1, 1, date '2026-01-01', date '2026-03-31', date '2026-04-02', date '2026-04-30', 120.50);
   INSERT INTO payment (customer_id, paid_on, amount, method) VALUES (1, date '2026-04-20', 20.50, 'card')" >/dev/null
is "bills and payments keep the balance cache" "$(q "SELECT balance || ' ' || arrears FROM customer WHERE id = 1")" "100.00 100.00"
is "the balance cache does not bump the version" "$(q "SELECT version FROM customer WHERE id = 1")" 2

# -- audit log ------------------------------------------------------------------------------
q "INSERT INTO audit_log (action, customer_id, entity, entity_id) VALUES ('open', 1, 'customer', '1')" >/dev/null
fails "audit_log refuses UPDATE, even for its owner" "UPDATE audit_log SET action = 'x'" "append only"
fails "audit_log refuses DELETE, even for its owner" "DELETE FROM audit_log" "append only"
fails "audit_log refuses TRUNCATE" "TRUNCATE audit_log" "append only"
is "changes to customers are audited" \
   "$(q "SELECT count(*) FROM audit_log WHERE entity = 'customer' AND action = 'update' AND details->'changed' ? 'email'")" 1

# -- complaints -------------------------------------------------------------------------------
cat_id=$(q "SELECT id FROM complaint_category WHERE code = 'billing.high_bill'")
cid=$(q "INSERT INTO complaint (customer_id, premise_id, category_id, channel, description, opened_at)
         VALUES (1, 1, $cat_id, 'phone', 'Bill too high', timestamptz '2026-11-20 16:00 Europe/London') RETURNING id")
like "a complaint gets a reference from the sequence" "$(q "SELECT reference FROM complaint WHERE id = '$cid'")" '^C-[0-9]{4}-[0-9]{6}$'
is "due times come from the standards and the working calendar" \
   "$(q "SELECT to_char(ack_due_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') || ' ' ||
            to_char(response_due_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') FROM complaint WHERE id = '$cid'")" \
   "2026-11-24 12:00 2026-12-04 18:00"
fails "complaints are filed against leaf categories" \
    "INSERT INTO complaint (customer_id, category_id, channel, description) VALUES (1, (SELECT id FROM complaint_category WHERE code = 'billing'), 'phone', 'x')" \
    "leaf"
fails "new -> resolved is refused" "UPDATE complaint SET status = 'resolved' WHERE id = '$cid'" "cannot go from new to resolved"
fails "new -> waiting_customer is refused" "UPDATE complaint SET status = 'waiting_customer' WHERE id = '$cid'" "cannot go from new"
check "new -> acknowledged" q "UPDATE complaint SET status = 'acknowledged' WHERE id = '$cid'"
is "acknowledging stamps acknowledged_at" "$(q "SELECT acknowledged_at IS NOT NULL FROM complaint WHERE id = '$cid'")" t
check "acknowledged -> investigating" q "UPDATE complaint SET status = 'investigating' WHERE id = '$cid'"
check "investigating -> waiting_customer" q "UPDATE complaint SET status = 'waiting_customer' WHERE id = '$cid'"
is "waiting on the customer pauses the clock" "$(q "SELECT paused_since IS NOT NULL FROM complaint WHERE id = '$cid'")" t
q "UPDATE complaint SET paused_since = paused_since - interval '2 hours' WHERE id = '$cid'" >/dev/null
due_before=$(q "SELECT extract(epoch FROM resolution_due_at)::bigint FROM complaint WHERE id = '$cid'")
check "waiting_customer -> investigating" q "UPDATE complaint SET status = 'investigating' WHERE id = '$cid'"
due_after=$(q "SELECT extract(epoch FROM resolution_due_at)::bigint FROM complaint WHERE id = '$cid'")
moved=$((due_after - due_before))
if [ "$moved" -ge 7200 ] && [ "$moved" -lt 7260 ]; then ok "resuming moves the deadline on by the pause"; \
else not_ok "resuming moves the deadline on by the pause" "moved by $moved s"; fi
is "the pause is added up" "$(q "SELECT paused_seconds >= 7200 AND paused_since IS NULL FROM complaint WHERE id = '$cid'")" t
fails "resolving without a root cause is refused" \
    "UPDATE complaint SET status = 'resolved', resolution_summary = 'Fixed' WHERE id = '$cid'" "complaint_resolution_needs_cause"
fails "resolving without a summary is refused" \
    "UPDATE complaint SET status = 'resolved', root_cause_id = (SELECT id FROM root_cause WHERE code = 'process') WHERE id = '$cid'" \
    "complaint_resolution_needs_cause"
check "resolving with root cause and summary" q "UPDATE complaint SET status = 'resolved', resolution_summary = 'Rebilled',
      root_cause_id = (SELECT id FROM root_cause WHERE code = 'process') WHERE id = '$cid'"
check "resolved -> closed" q "UPDATE complaint SET status = 'closed' WHERE id = '$cid'"
fails "closed -> new is refused" "UPDATE complaint SET status = 'new' WHERE id = '$cid'" "cannot go from closed to new"
check "closed -> investigating (reopen)" q "UPDATE complaint SET status = 'investigating' WHERE id = '$cid'"
is "reopening clears resolved_at and closed_at" \
   "$(q "SELECT resolved_at IS NULL AND closed_at IS NULL FROM complaint WHERE id = '$cid'")" t
is "status changes are written to the history" \
   "$(q "SELECT string_agg(coalesce(from_status, '') || '>' || to_status, ' ' ORDER BY at, to_status)
          FROM complaint_history WHERE complaint_id = '$cid' AND kind IN ('created', 'status')")" \
   ">new new>acknowledged acknowledged>investigating investigating>waiting_customer waiting_customer>investigating investigating>resolved resolved>closed closed>investigating"
is "every update bumps the complaint's version" "$(q "SELECT version FROM complaint WHERE id = '$cid'")" 9
is "the SLA view lists the open complaint" "$(q "SELECT count(*) FROM complaint_sla WHERE id = '$cid'")" 1

# -- working calendar ---------------------------------------------------------------------------
is "working days skip weekends and bank holidays" \
   "$(q "SELECT to_char(working_add_days(timestamptz '2026-12-23 10:00 Europe/London', 2, 'england') AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI')")" \
   "2026-12-29 18:00"
is "working hours carry over to the next working day" \
   "$(q "SELECT to_char(working_add_hours(timestamptz '2026-11-20 17:00 Europe/London', 3, 'england') AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI')")" \
   "2026-11-23 10:00"

# -- critical events notify open terminals ------------------------------------------------------
out=$(psql -X -q -d "$DB" 2>&1 <<'SQL'
LISTEN careline_event;
INSERT INTO critical_event (kind, title, agent_message) VALUES ('boil_water', 'Test notice', 'Boil your water');
SELECT 1;
SQL
)
like "inserting a critical event sends NOTIFY careline_event" "$out" 'notification "careline_event" with payload "[0-9a-f-]{36}"'
fails "an ended event needs an end time" "UPDATE critical_event SET status = 'ended'" "check constraint"

dropdb "$DB" >/dev/null 2>&1
tap_done
