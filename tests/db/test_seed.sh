#!/usr/bin/env bash
# Database tests of the demo-data generator: proportions, completeness, every SLA state,
# the active event, refusal to seed twice, and the same data for the same N.
set -u
. "$TOP/tests/lib/tap.sh"

N=2000
DB=careline_t_seed_$$
DB2=careline_t_seed2_$$
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1; dropdb --if-exists "$DB2" >/dev/null 2>&1; }
trap cleanup EXIT

# The one place that knows how migrations and the seed are run.
migrate_db() { PGDATABASE=$1 "$CARELINE" migrate; }
seed_db() { PGDATABASE=$1 "$CARELINE" seed --customers "$2"; }
TEST_DB=$DB

createdb "$DB" && createdb "$DB2" || { not_ok "createdb"; tap_done; exit 1; }
check "migrate" migrate_db "$DB"
# The seed anchors its history on the day it runs (in the utility's zone).
# A run that crosses midnight cannot compare what was computed on two
# different days: those checks are skipped, never failed or faked.
day() { q "SELECT (now() AT TIME ZONE 'Europe/London')::date" "${1:-$DB}"; }
day_before=$(day)
check "seed $N customers" seed_db "$DB" "$N"
seed_day=$(day)
[ "$day_before" = "$seed_day" ] || seed_day=""   # the seed itself crossed midnight
same_day() { [ -n "$seed_day" ] && [ "$(day "${1:-$DB}")" = "$seed_day" ]; }

is "N customers" "$(q "SELECT count(*) FROM customer")" "$N"
is "every segment is present" "$(q "SELECT count(DISTINCT segment) FROM customer")" 8
is "segments roughly in proportion" "$(q "SELECT bool_and(CASE segment
        WHEN 'residential_single' THEN share BETWEEN 55 AND 69
        WHEN 'residential_multi'  THEN share BETWEEN 14 AND 22
        WHEN 'senior'             THEN share BETWEEN 6 AND 12
        WHEN 'small_business'     THEN share BETWEEN 4.5 AND 9.5
        WHEN 'commercial'         THEN share BETWEEN 1.2 AND 4
        ELSE share BETWEEN 0.05 AND 1.5 END)
      FROM (SELECT segment, 100.0 * count(*) / sum(count(*)) OVER () AS share FROM customer GROUP BY segment) s")" t
is "account numbers: 10 digits, valid check digit, unique" "$(q "SELECT count(*) FILTER (WHERE account_no !~ '^4[0-9]{9}$'
        OR (SELECT sum(substr(account_no, i, 1)::int * i) FROM generate_series(1, 9) i) % 10 <> substr(account_no, 10, 1)::int)
        || ' ' || (count(*) - count(DISTINCT account_no)) FROM customer")" "0 0"
is "UK phone numbers in E.164" "$(q "SELECT count(*) FROM customer WHERE phone_e164 !~ '^\+44(7[4-8][0-9]{8}|[12][0-9]{8,9})$'")" 0
is "vulnerable customers exist (2-8%)" "$(q "SELECT count(*) FILTER (WHERE vulnerability <> '{}') BETWEEN $N * 0.02 AND $N * 0.08 FROM customer")" t
is "non-digital customers exist" "$(q "SELECT count(*) > 0 FROM customer WHERE non_digital")" t
is "languages besides English" "$(q "SELECT count(DISTINCT language) >= 5 FROM customer")" t
is "every customer has a current premise" "$(q "SELECT count(*) FROM customer c WHERE NOT EXISTS
        (SELECT 1 FROM customer_premise cp WHERE cp.customer_id = c.id AND cp.end_date IS NULL)")" 0
is "key accounts have 5 to 50 premises" "$(q "SELECT bool_and(n BETWEEN 5 AND 50) FROM (SELECT count(*) n FROM customer c
        JOIN customer_premise cp ON cp.customer_id = c.id WHERE c.segment = 'key_account' GROUP BY c.id) x")" t
is "every premise has a meter" "$(q "SELECT count(*) FROM premise p WHERE NOT EXISTS (SELECT 1 FROM meter m WHERE m.premise_id = p.id)")" 0
is "zones: 40 to 60, England and Wales" "$(q "SELECT count(*) BETWEEN 40 AND 60 AND count(DISTINCT region) = 2 FROM zone")" t
is "every meter has 24 monthly reads" "$(q "SELECT count(*) FROM meter m WHERE (SELECT count(*) FROM meter_read r WHERE r.meter_id = m.id) <> 24")" 0
is "readings never go down" "$(q "SELECT count(*) FROM meter_read WHERE consumption_m3 < 0")" 0
is "read types: actual, estimated, smart, customer" "$(q "SELECT string_agg(DISTINCT read_type, ',' ORDER BY read_type) FROM meter_read")" \
   "actual,customer,estimated,smart"
is "smart meters report night flow" "$(q "SELECT count(*) > 0 FROM meter_read WHERE read_type = 'smart' AND night_flow_lph IS NOT NULL")" t
is "some meters show a leak (sustained night flow)" "$(q "SELECT count(*) > 0 FROM (SELECT meter_id FROM meter_read
        WHERE night_flow_lph >= 5 GROUP BY meter_id HAVING count(*) >= 2) x")" t
is "summer use is higher than winter use" "$(q "SELECT sum(consumption_m3) FILTER (WHERE extract(month FROM read_on) = 7)
        > sum(consumption_m3) FILTER (WHERE extract(month FROM read_on) = 1) FROM meter_read")" t

# History is anchored on the day the seed runs (in the utility's zone), whatever that day is.
if [ -n "$seed_day" ]; then
today="date '$seed_day'"
is "the last meter reads are from last month" "$(q "SELECT max(read_on) >= (date_trunc('month', $today) - interval '1 month')::date
        AND max(read_on) < date_trunc('month', $today)::date FROM meter_read")" t
is "bills fall due from today on" "$(q "SELECT count(*) > 0 FROM bill WHERE due_on >= $today AND due_on < $today + 62")" t
is "nothing was billed, paid, read or said after today" "$(q "SELECT (SELECT coalesce(max(issued_on) <= $today, true) FROM bill)
        AND (SELECT max(paid_on) <= $today FROM payment) AND (SELECT max(read_on) <= $today FROM meter_read)
        AND (SELECT max(started_at) <= now() FROM interaction)
        AND (SELECT max(ended_at) <= now() FROM critical_event)")" t
is "the history reaches back two years" "$(q "SELECT min(read_on) BETWEEN (date_trunc('month', $today) - interval '24 months')::date
        AND (date_trunc('month', $today) - interval '23 months')::date FROM meter_read")" t
else
    for what in "the last meter reads are from last month" "bills fall due from today on" \
                "nothing was billed, paid, read or said after today" "the history reaches back two years"; do
        skip "$what" "the seed ran across midnight"
    done
fi
is "bills, payments and arrangements exist" "$(q "SELECT (SELECT count(*) FROM bill) > $N AND (SELECT count(*) FROM payment) > $N
        AND (SELECT count(*) FROM payment_arrangement WHERE status = 'active') > 0")" t
is "bill statuses: paid, part paid, overdue, issued" "$(q "SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM bill")" \
   "issued,overdue,paid,part_paid"
is "some customers are in arrears (4-15%)" "$(q "SELECT count(*) FILTER (WHERE arrears > 0) BETWEEN $N * 0.04 AND $N * 0.15 FROM customer")" t

is "interactions on all 7 channels" "$(q "SELECT count(DISTINCT channel) FROM interaction")" 7
is "about 3 interactions per customer, phone the most" "$(q "SELECT count(*) BETWEEN $N * 2.5 AND $N * 4
        AND mode() WITHIN GROUP (ORDER BY channel) = 'phone' FROM interaction")" t
is "staffed contacts have wrap-up codes" "$(q "SELECT count(*) FROM interaction WHERE channel = 'phone' AND wrap_up_code IS NULL")" 0
is "staff: 60 agents (+ demo), 8 supervisors, 10 field, 2 admins" \
   "$(q "SELECT string_agg(group_role || '=' || n, ' ' ORDER BY group_role) FROM (SELECT group_role, count(*) n FROM staff GROUP BY 1) s")" \
   "admin=2 agent=61 field=10 supervisor=8"
is "the demo login has a staff row" "$(q "SELECT group_role FROM staff WHERE login_role = 'careline_demo'")" agent

# SLA states of open complaints, defined on the due columns (the same rules as complaint_sla).
sla_sql="SELECT string_agg(DISTINCT state, ',' ORDER BY state) FROM (SELECT CASE
        WHEN status = 'waiting_customer' THEN 'paused'
        WHEN resolution_due_at < now() THEN 'breached_resolution'
        WHEN acknowledged_at IS NULL AND ack_due_at < now() THEN 'breached_ack'
        WHEN first_response_at IS NULL AND response_due_at < now() THEN 'breached_response'
        WHEN least(CASE WHEN acknowledged_at IS NULL THEN ack_due_at END,
                   CASE WHEN first_response_at IS NULL THEN response_due_at END,
                   resolution_due_at) < working_add_days(now(), 1) THEN 'due_soon'
        ELSE 'on_time' END AS state
      FROM complaint WHERE status NOT IN ('resolved', 'closed')) s"
all_states="breached_ack,breached_resolution,breached_response,due_soon,on_time,paused"
is "open complaints in every SLA state" "$(q "$sla_sql")" "$all_states"
is "the complaint_sla view agrees" "$(q "SELECT string_agg(DISTINCT sla_state, ',' ORDER BY sla_state) FROM complaint_sla")" "$all_states"
is "about 2% of customers complained" "$(q "SELECT count(DISTINCT customer_id) BETWEEN $N * 0.012 AND $N * 0.03 FROM complaint")" t
is "open and closed complaints" "$(q "SELECT count(*) FILTER (WHERE status = 'closed') > 0 AND count(*) FILTER (WHERE status = 'resolved') > 0 FROM complaint")" t
is "resolved and closed complaints have root causes" "$(q "SELECT count(*) FROM complaint WHERE status IN ('resolved','closed')
        AND (root_cause_id IS NULL OR resolution_summary IS NULL)")" 0
is "every complaint has a history" "$(q "SELECT count(*) FROM complaint c WHERE NOT EXISTS
        (SELECT 1 FROM complaint_history h WHERE h.complaint_id = c.id AND h.kind = 'created')")" 0
is "paused complaints have paused_since" "$(q "SELECT count(*) FROM complaint WHERE status = 'waiting_customer' AND paused_since IS NULL")" 0
is "late replies owe statutory payments" "$(q "SELECT count(*) > 0 FROM compensation_payment")" t
is "credits pending approval exist" "$(q "SELECT count(*) > 0 FROM goodwill_credit WHERE status = 'pending'")" t
is "open follow-ups exist" "$(q "SELECT count(*) > 0 FROM follow_up WHERE status = 'open'")" t

is "exactly one active critical event" "$(q "SELECT count(*) FROM critical_event WHERE status = 'active'")" 1
is "the active event restores in the future" "$(q "SELECT estimated_restore_at > now() AND agent_message <> '' FROM critical_event WHERE status = 'active'")" t
is "the active event's zone has customers" "$(q "SELECT count(DISTINCT cp.customer_id) > 0 FROM critical_event e
        JOIN critical_event_zone z ON z.event_id = e.id JOIN premise p ON p.zone_id = z.zone_id
        JOIN customer_premise cp ON cp.premise_id = p.id WHERE e.status = 'active'")" t
is "ended events in the history" "$(q "SELECT count(*) >= 2 FROM critical_event WHERE status = 'ended'")" t
is "recovery scripts with steps" "$(q "SELECT count(DISTINCT s.code) >= 3 FROM recovery_script s JOIN script_step t ON t.script_id = s.id WHERE s.active")" t
is "secondary indexes are back after the seed" "$(q "SELECT count(*) FROM pg_indexes WHERE indexname IN
        ('customer_name_trgm_idx','customer_phone_nsn_trgm_idx','premise_address_trgm_idx','meter_read_meter_day_key','bill_customer_idx')")" 5
is "foreign keys are back after the seed" "$(q "SELECT count(*) FROM pg_constraint WHERE conname IN
        ('meter_read_meter_id_fkey','bill_customer_id_fkey','interaction_customer_id_fkey')")" 3
is "triggers are enabled again" "$(q "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'")" 0

# Seeding twice is refused and changes nothing.
counts="SELECT (SELECT count(*) FROM customer) || ' ' || (SELECT count(*) FROM interaction) || ' ' || (SELECT count(*) FROM staff)"
before=$(q "$counts")
if out=$(seed_db "$DB" "$N" 2>&1); then
    not_ok "seeding a database with customers fails" "$out"
else
    ok "seeding a database with customers fails"
fi
like "it says why" "$out" "already has customers"
is "nothing was duplicated" "$(q "$counts")" "$before"

# The same N gives the same data.
check "migrate a second database" migrate_db "$DB2"
day2=$(day "$DB2")
check "seed it with the same N" seed_db "$DB2" "$N"
[ "$(day "$DB2")" = "$day2" ] && [ "$day2" = "$seed_day" ] || seed_day=""   # seeded on another day
digest='SELECT md5(string_agg(t, E'"'"'\n'"'"' ORDER BY id)) FROM (SELECT id, c::text AS t FROM customer c) x'
digest2="SELECT md5(string_agg(concat_ws('|', meter_id, read_on, reading, read_type, night_flow_lph), ',' ORDER BY id)) FROM meter_read"
digest3="SELECT md5(string_agg(concat_ws('|', customer_id, issued_on, amount, status), ',' ORDER BY id)) FROM bill"
if same_day; then
    d1=$(q "$digest" "$DB"); d2=$(q "$digest" "$DB2")
    is "same customers for the same N" "$d1" "$d2"
    is "same meter reads for the same N" "$(q "$digest2" "$DB")" "$(q "$digest2" "$DB2")"
    is "same bills for the same N" "$(q "$digest3" "$DB")" "$(q "$digest3" "$DB2")"
else
    for what in customers "meter reads" bills; do skip "same $what for the same N" "the run crossed midnight"; done
fi

# (after the comparison: these change customer rows)
if ! same_day; then
    skip "the balance cache agrees with refresh_customer_balance() everywhere" "the run crossed midnight: arrears moved on"
else is "the balance cache agrees with refresh_customer_balance() everywhere" "$(q "CREATE TEMP TABLE snap AS SELECT id, balance, arrears FROM customer;
        SELECT count(refresh_customer_balance(id)) FROM customer;
        SELECT count(*) FROM customer c JOIN snap s USING (id) WHERE (c.balance, c.arrears) IS DISTINCT FROM (s.balance, s.arrears)" | tail -n 1)" 0
fi
is "balance = bills - payments where there are no credits or compensation" "$(q "SELECT count(*) FROM customer c WHERE balance <>
        coalesce((SELECT sum(amount) FROM bill b WHERE b.customer_id = c.id AND b.status <> 'cancelled'), 0)
      - coalesce((SELECT sum(amount) FROM payment p WHERE p.customer_id = c.id), 0)
        AND NOT EXISTS (SELECT 1 FROM goodwill_credit g WHERE g.customer_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM compensation_payment cp JOIN complaint k ON k.id = cp.complaint_id WHERE k.customer_id = c.id)")" 0
is "new rows get ids after the seeded ones" "$(q "INSERT INTO payment (customer_id, paid_on, amount, method)
        VALUES (1, current_date, 1, 'card') RETURNING id > (SELECT max(id) FROM payment WHERE paid_on < current_date)")" t

dropdb "$DB" >/dev/null 2>&1
dropdb "$DB2" >/dev/null 2>&1
tap_done
