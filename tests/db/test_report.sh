#!/usr/bin/env bash
# test_report.sh — careline report overdue: which deadlines are listed, most overdue first, --within and --team, payments owed, CSV quoting, sanitised table, exit codes.
. "$TOP/tests/lib/tap.sh"
row() { printf '%s\n' "$1" | grep -m1 -E -- "^$2[ ,]"; }   # row TEXT REF: the first line for REF
T=$(mktemp -d)
DB=careline_report_$$
EMPTY=careline_report_empty_$$
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1; dropdb --if-exists "$EMPTY" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
createdb -T "$SEEDED_TEMPLATE" "$DB" || { not_ok "copy of the seeded template"; tap_done; exit 1; }
export PGDATABASE=$DB TEST_DB=$DB

# ---- the seeded data: open complaints in every SLA state --------------------
out=$("$CARELINE" report overdue --within 0 --csv 2>"$T/err"); rc=$?
is "report overdue on the seeded data exits 0" "$rc" 0
is "and says nothing on stderr in CSV mode" "$(cat "$T/err")" ""
listed=$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | sort -u)
breached=$(q "SELECT reference FROM complaint_sla WHERE sla_state LIKE 'breached%' ORDER BY 1")
is "--within 0 lists exactly the complaints the complaint_sla view calls breached" "$listed" "$breached"
like "the seed has breached complaints to list" "$breached" "C-"
others=$(q "SELECT count(*) FROM complaint_sla WHERE sla_state IN ('on_time','paused','due_soon')")
is "the seed has on-time, paused and due-soon complaints too" "$([ "$others" -ge 3 ] && echo yes)" yes
out=$("$CARELINE" report overdue --csv); rc=$?
soon=$(q "SELECT reference FROM complaint_sla WHERE sla_state = 'due_soon' ORDER BY 1")
for ref in $soon; do
    like "a due-soon complaint ($ref) is listed with the default --within" "$(row "$out" "$ref")" "^$ref,.*,due_soon,"
done
for ref in $(q "SELECT reference FROM complaint_sla WHERE sla_state IN ('paused','on_time') ORDER BY 1"); do
    unlike "a paused or on-time complaint ($ref) is not listed" "$out" "$ref,"
done

# ---- complaints with known deadlines -------------------------------------------
# A zone in England (the GSS complaint standard applies: 40.00 from 2 July
# 2025, and 40.00 more when that payment is late), customers whose names
# test quoting and sanitising, a category with a comma and quotes.
check "fixtures load" psql -X -q -v ON_ERROR_STOP=1 -c "
INSERT INTO zone (code, name, region) VALUES ('RPT', 'Report zone', 'england');
INSERT INTO customer (id, account_no, name, segment) VALUES
    (870001, '4870000001', 'Comma, \"Quote\" Ltd', 'residential_single'),
    (870002, '4870000002', E'Evil\\x1b[2J\\x07Name', 'residential_single'),
    (870003, '4870000003', 'Plain Person', 'residential_single');
INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
SELECT 870000 + i, 'RPT-' || i, i || ' Deadline Row', 'Testbury', 'ZZ1 1ZZ', (SELECT id FROM zone WHERE code = 'RPT'), 'house'
  FROM generate_series(1, 3) i;
INSERT INTO customer_premise (customer_id, premise_id, start_date)
SELECT 870000 + i, 870000 + i, date '2020-01-01' FROM generate_series(1, 3) i;
INSERT INTO complaint_category (code, name) VALUES ('zz_report', 'Odd, \"quoted\" category');
INSERT INTO staff (login_role, display_name, team, group_role) VALUES ('rpt_owner', 'Owen Owner', 'ReportTeam', 'agent');"

# add REF CUSTOMER STATUS OPENED_AGO ACK_DUE ACK_AT RESP_DUE RESP_AT RES_DUE [PAUSED_SINCE] [TEAM]
# (times are SQL expressions; 'null' for none)
add() {
    local team=${11:-ReportTeam} paused=${10:-null}
    q "INSERT INTO complaint (reference, customer_id, premise_id, category_id, channel, status, description,
                            owner_staff_id, team, opened_at, ack_due_at, acknowledged_at, response_due_at,
                            first_response_at, resolution_due_at, paused_since, status_reason)
       VALUES ('$1', $2, $2, (SELECT id FROM complaint_category WHERE code = 'zz_report'), 'phone', '$3', 'test',
               (SELECT id FROM staff WHERE login_role = 'rpt_owner'), '$team', now() - interval '$4',
               $5, $6, $7, $8, $9, $paused, CASE WHEN '$3' = 'waiting_customer' THEN 'waiting' END)" >/dev/null ||
        not_ok "insert $1"
}
# limit5: now + 5 working hours on England's calendar, as the report computes it.
limit5="working_add_hours(now(), 5, 'england')"
add R-A1 870001 new '2 hours' "now() - interval '2 days'" null "now() + interval '30 days'" null "now() + interval '60 days'"
# R-B2 answered on its own deadline but after the GSS 10 working days
add R-B2 870002 investigating '25 days' "now() - interval '24 days'" "now() - interval '24 days'" \
    "now() - interval '4 days'" "now() - interval '5 days'" "now() - interval '1 hour'"
add R-C3 870003 acknowledged '25 days' "now() - interval '24 days'" "now() - interval '24 days'" \
    "now() - interval '3 days'" null "now() + interval '60 days'"
add R-D4 870003 acknowledged '1 hour' "now() - interval '50 minutes'" "now() - interval '55 minutes'" \
    "$limit5 - interval '1 minute'" null "now() + interval '60 days'"
add R-E5 870003 acknowledged '1 hour' "now() - interval '50 minutes'" "now() - interval '55 minutes'" \
    "$limit5 + interval '1 minute'" null "now() + interval '60 days'"
# waiting on the customer since yesterday: the resolution deadline passed
# before the wait (listed), the response deadline after it (paused, not listed)
add R-F6 870003 waiting_customer '10 days' "now() - interval '9 days'" "now() - interval '9 days'" \
    "now() - interval '1 hour'" null "now() - interval '47 hours'" "now() - interval '1 day'"
# late payment too: the GSS reply deadline passed more than 10 working days ago
add R-G7 870003 acknowledged '40 days' "now() - interval '39 days'" "now() - interval '39 days'" \
    "now() - interval '30 days'" null "now() + interval '60 days'"
# not listed: met deadlines only, a resolved one, another team's
add R-H8 870003 investigating '1 day' "now() - interval '20 hours'" "now() - interval '21 hours'" \
    "now() - interval '1 hour'" "now() - interval '2 hours'" "now() + interval '60 days'"
add R-I9 870003 acknowledged '1 day' "now() - interval '20 hours'" "now() - interval '21 hours'" \
    "now() - interval '3 days'" null "now() + interval '60 days'" null OtherTeam
check "a resolved complaint for the not-listed check" q "
    INSERT INTO complaint (reference, customer_id, category_id, channel, status, description, team, opened_at,
                           ack_due_at, resolution_due_at, root_cause_id, resolution_summary)
    VALUES ('R-J10', 870003, (SELECT id FROM complaint_category WHERE code = 'zz_report'), 'phone', 'resolved',
            'x', 'ReportTeam', now() - interval '5 days', now() - interval '4 days', now() - interval '1 day',
            (SELECT min(id) FROM root_cause), 'fixed')"
# R-C3's payment has been paid already: listed as paid, not owed.
check "a paid compensation row" q "
    INSERT INTO compensation_payment (complaint_id, response_standard_id, kind, amount, status, paid_at)
    SELECT c.id, s.id, 'base', 40, 'paid', now() - interval '1 day'
      FROM complaint c, response_standard s
     WHERE c.reference = 'R-C3' AND s.gss_code = 'GSS-COMPLAINT' AND s.region = 'england' AND s.effective_to IS NULL"

csv=$("$CARELINE" report overdue --team ReportTeam --within 5 --csv); rc=$?
is "report overdue --team --within --csv exits 0" "$rc" 0
printf '%s\n' "$csv" >"$T/csv"
is "CSV header" "$(head -1 "$T/csv")" \
    "reference,account_no,customer,category,status,owner,team,deadline,due_at,seconds_left,state,payment_owed,payment_unrecorded"
is "rows: one per deadline past or near, most overdue first" "$(tail -n +2 "$T/csv" | cut -d, -f1 | tr '\n' ' ')" \
    "R-G7 R-C3 R-A1 R-F6 R-B2 R-D4 "
secs=$(tail -n +2 "$T/csv" | awk -F, '{ print $(NF-3) }')
is "seconds_left never decreases down the list" "$(printf '%s\n' "$secs" | sort -n | tr '\n' ' ')" \
    "$(printf '%s\n' "$secs" | tr '\n' ' ')"
like "quoted per RFC 4180: customer and category with a comma and quotes" "$csv" \
    'R-A1,4870000001,"Comma, ""Quote"" Ltd","Odd, ""quoted"" category",new,Owen Owner,ReportTeam,acknowledge,'
like "the acknowledgement is 2 days overdue, breached" "$(row "$csv" "R-A1")" '^R-A1,.*,acknowledge,[0-9T:+-]+,-1728[0-9][0-9],breached,'
like "R-D4 (response due 1 minute before 5 working hours from now) is due soon" "$(row "$csv" "R-D4")" "^R-D4,.*,first_response,[^,]*,[0-9]+,due_soon,,"
unlike "R-E5 (1 minute after) is not listed" "$csv" "R-E5"
like "a deadline that passed before the customer was waited on is listed" "$(row "$csv" "R-F6")" "^R-F6,.*,resolution,[^,]*,-[0-9]+,breached,"
unlike "the one that passed during the wait is not (clock stopped)" "$(grep '^R-F6,' "$T/csv")" "first_response"
unlike "met deadlines, resolved complaints and other teams are not listed" "$csv" "R-H8|R-I9|R-J10|R-E5"
like "GSS reply missed, nothing recorded: 40.00 owed, 40.00 to record" "$(row "$csv" "R-B2")" "^R-B2,.*,40\.00,40\.00$"
like "missed and its payment late too: 80.00 owed" "$(row "$csv" "R-G7")" "^R-G7,.*,80\.00,80\.00$"
like "already paid: nothing owed, nothing to record" "$(row "$csv" "R-C3")" "^R-C3,.*,breached,,$"
like "GSS deadline not reached yet (opened 2 hours ago): nothing owed" "$(row "$csv" "R-A1")" "^R-A1,.*,breached,,$"
like "due_at is ISO 8601 with the offset" "$(row "$csv" "R-A1")" "^R-A1,.*,acknowledge,20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9][+-][01][0-9]:[0-5][0-9],"
like "the escape sequence is kept verbatim in CSV (data for tools)" "$csv" $'R-B2,4870000002,Evil\x1b\\[2J\x07Name,'

# A base payment recorded by the database's own check (kind = the deadline's
# name) counts as recorded too: only the late extra is left to record.
check "complaint_compensation_check() records R-G7's payment" q "
    SELECT complaint_compensation_check(id) FROM complaint WHERE reference = 'R-G7'"
like "then R-G7 owes 80.00 of which 40.00 is not recorded" \
    "$(row "$("$CARELINE" report overdue --team ReportTeam --csv)" R-G7)" "^R-G7,.*,80\.00,40\.00$"

out=$("$CARELINE" report overdue --team ReportTeam --within 5 2>"$T/err"); rc=$?
is "table exits 0" "$rc" 0
like "table header" "$(printf '%s\n' "$out" | head -1)" "^REFERENCE +ACCOUNT +CUSTOMER +CATEGORY +STATUS +OWNER +DEADLINE +DUE +TIME LEFT +PAYMENT$"
if printf '%s' "$out" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then
    not_ok "no control character reaches the terminal" "$(printf '%s' "$out" | cat -v | grep Evil)"
else ok "no control character reaches the terminal"; fi
like "the escape is shown as text" "$out" 'Evil\^\[\[2J\^GName'
like "a row: reference, account, cut name, category, status, owner, deadline, due, late, payment" "$out" \
    "R-A1 +4870000001 +Comma, \"Quote\" Ltd +Odd, \"quoted\" category +new +Owen Owner +acknowledge +20[0-9-]+ [0-9:]+ +late 2d 00h +-"
like "payment owed, late payment included" "$(row "$out" R-G7)" "^R-G7 .*late .* 80\.00 owed$"
like "payment paid" "$(row "$out" "R-C3")" "^R-C3 .* 40\.00 paid"
like "time left for a near deadline" "$(row "$out" "R-D4")" "^R-D4 .*first response +[0-9-]+ [0-9:]+ +left [0-9]"
like "a summary on stderr" "$(cat "$T/err")" "^6 deadline\(s\): 5 overdue, 1 due within 5 working hours"
width=$(printf '%s\n' "$out" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
is "long names are cut to the column (lines stay under 180 columns)" "$([ "$width" -lt 180 ] && echo yes)" yes

out=$("$CARELINE" report overdue --team ReportTeam --within 0 --csv | tail -n +2 | cut -d, -f1 | tr '\n' ' '); rc=$?
is "--within 0: only what is overdue" "$out" "$(tail -n +2 "$T/csv" | grep -v due_soon | cut -d, -f1 | tr '\n' ' ')"
out=$("$CARELINE" report overdue --team=ReportTeam --within=2000 --csv | tail -n +2 | cut -d, -f1)
like "a wide --within lists R-E5 too" "$out" "R-E5"
is "and R-A1's far response and resolution deadlines" "$(printf '%s\n' "$out" | grep -c R-A1)" 3
out=$("$CARELINE" report overdue --team NoSuchTeam 2>&1); rc=$?
is "nothing to list: exit 0" "$rc" 0
like "header only, and the count" "$out" "^REFERENCE.*PAYMENT
0 deadline\(s\)"
out=$("$CARELINE" report overdue --team NoSuchTeam --csv); rc=$?
is "nothing to list in CSV: the header alone" "$out" \
    "reference,account_no,customer,category,status,owner,team,deadline,due_at,seconds_left,state,payment_owed,payment_unrecorded"

# ---- usage errors exit 2, database errors 1 -----------------------------------------
for args in "report" "report bogus" "report overdue --within" "report overdue --within -1" "report overdue --within abc" \
            "report overdue --within 1e9" "report overdue --within 4x" "report overdue --team" "report overdue --team=" \
            "report overdue --frob" "report overdue extra" "report overdue --hours 2" "report due" \
            "report due --hours 1" "report due --from x --hours 1" "report due --from 2026-02-30 --hours 1" \
            "report due --from - --hours 1 --days 2" "report due --from - --days 1.5" "report due --from - --days" \
            "report due --from - --csv --days 1"; do
    out=$(PGHOST=/nonexistent "$CARELINE" $args 2>&1 </dev/null); rc=$?
    is "careline $args: exit 2 (before connecting)" "$rc" 2
done
out=$("$CARELINE" report overdue --within abc 2>&1)
like "the message names the option and the value" "$out" "careline report: --within wants working hours.*'abc'.*Try 'careline --help'"
createdb "$EMPTY"
out=$(PGDATABASE=$EMPTY "$CARELINE" report overdue 2>&1); rc=$?
is "a database without the schema: exit 1" "$rc" 1
like "with the server's reason" "$out" "careline report overdue: .*(does not exist)"
out=$(PGDATABASE=$EMPTY "$CARELINE" report due --from '2026-11-23 10:00' --hours 1 2>&1); rc=$?
is "report due without the schema: exit 1" "$rc" 1

tap_done
