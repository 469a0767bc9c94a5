#!/usr/bin/env bash
# test_figures.sh — every supervisor figure against a fixture with known answers (an empty period, a period with one complaint, a paused clock, a merged complaint, a repeat contact), the report CSV equal to the dashboard's load, the list behind each figure, and the commands' usage errors.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
DB=careline_figures_$$
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
createdb -T "$MIGRATED_TEMPLATE" "$DB" || { not_ok "copy of the migrated template"; tap_done; exit 1; }
export PGDATABASE=$DB TEST_DB=$DB
DRIVER=$(dirname "$CARELINE")/dbtests/figures

# Everything is placed relative to now(), and the period asked for is the
# last 30 days of the database's calendar, so the answers hold on any date.
check "fixture" psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO zone (code, name, region) VALUES ('FIG', 'Figures zone', 'england');
INSERT INTO staff (login_role, display_name, team, group_role) VALUES
    ('fig_amy', 'Amy Alpha', 'Alpha', 'agent'), ('fig_bob', 'Bob Beta', 'Beta', 'agent');
INSERT INTO customer (id, account_no, name, segment, phone_e164, email) VALUES
    (1, '4800000001', 'Cora Customer', 'residential_single', '+447700900001', 'cora@example.org'),
    (2, '4800000002', 'Dan Customer', 'residential_single', '+447700900002', 'dan@example.org'),
    (3, '4800000003', 'Eve Customer', 'residential_single', NULL, NULL),
    (4, '4800000004', 'Fay Customer', 'residential_single', NULL, NULL);
INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
SELECT i, 'FIG-' || i, i || ' Figure Street', 'Testbury', 'ZZ1 1ZZ', (SELECT id FROM zone), 'house'
  FROM generate_series(1, 4) i;
INSERT INTO customer_premise (customer_id, premise_id, start_date) SELECT i, i, date '2020-01-01' FROM generate_series(1, 4) i;
CREATE TEMP VIEW ids AS SELECT
    (SELECT id FROM staff WHERE login_role = 'fig_amy') AS amy, (SELECT id FROM staff WHERE login_role = 'fig_bob') AS bob,
    (SELECT id FROM complaint_category WHERE code = 'billing.high_bill') AS bill,
    (SELECT id FROM complaint_category WHERE code = 'supply.low_pressure') AS pressure,
    (SELECT id FROM root_cause WHERE code = 'process.estimation') AS estimation,
    (SELECT id FROM root_cause WHERE code = 'infrastructure_asset.main_burst') AS burst;
-- contacts: the call that raised K1, the repeat call after K1 was resolved, K2's call,
-- a web form, a call-back to Dan, and one older than the period; and an event
-- notification `careline notify` sent (outbound, no staff): a message, not a contact
INSERT INTO interaction (id, customer_id, channel, direction, staff_id, started_at, wrap_up_code)
SELECT v.id::uuid, v.cust, v.channel, v.dir, CASE v.who WHEN 'amy' THEN ids.amy WHEN 'bob' THEN ids.bob END,
       now() - v.ago::interval, v.wrap
  FROM ids, (VALUES
    ('00000000-0000-0000-0000-000000000001', 1, 'phone', 'inbound', 'amy', '10 days', 'complaint_logged'),
    ('00000000-0000-0000-0000-000000000002', 1, 'email', 'inbound', 'amy', '5 days', 'info_given'),
    ('00000000-0000-0000-0000-000000000003', 2, 'phone', 'inbound', 'amy', '20 days', 'complaint_logged'),
    ('00000000-0000-0000-0000-000000000004', 3, 'web', 'inbound', NULL, '3 days', NULL),
    ('00000000-0000-0000-0000-000000000005', 2, 'phone', 'outbound', 'bob', '1 day', 'callback_arranged'),
    ('00000000-0000-0000-0000-000000000006', 4, 'phone', 'inbound', 'bob', '40 days', 'info_given'),
    ('00000000-0000-0000-0000-000000000007', 3, 'email', 'outbound', NULL, '2 days', NULL)) v(id, cust, channel, dir, who, ago, wrap);
INSERT INTO satisfaction_survey (interaction_id, csat, nps, declined, at) VALUES
    ('00000000-0000-0000-0000-000000000001', 5, 10, false, now() - interval '10 days'),
    ('00000000-0000-0000-0000-000000000003', 2, 3, false, now() - interval '20 days'),
    ('00000000-0000-0000-0000-000000000005', NULL, NULL, true, now() - interval '1 day'),
    ('00000000-0000-0000-0000-000000000002', 4, 8, false, now() - interval '5 days'),
    ('00000000-0000-0000-0000-000000000006', 1, 0, false, now() - interval '40 days');
-- K1 resolved 7 days ago (reply late), the customer came back 2 days later: a repeat
INSERT INTO complaint (reference, customer_id, premise_id, category_id, root_cause_id, interaction_id, channel, status,
                       description, resolution_summary, owner_staff_id, team, opened_at, acknowledged_at,
                       first_response_at, resolved_at, ack_due_at, response_due_at, resolution_due_at)
SELECT 'F-K1', 1, 1, bill, estimation, '00000000-0000-0000-0000-000000000001', 'phone', 'resolved', 'x', 'fixed', amy,
       'Alpha', now() - interval '10 days', now() - interval '10 days' + interval '1 hour', now() - interval '8 days',
       now() - interval '7 days', now() - interval '9 days', now() - interval '9 days', now() - interval '5 days' FROM ids;
-- K2 closed 14 days ago (resolved late), nobody came back: resolved at first contact
INSERT INTO complaint (reference, customer_id, premise_id, category_id, root_cause_id, interaction_id, channel, status,
                       description, resolution_summary, owner_staff_id, team, opened_at, acknowledged_at,
                       first_response_at, resolved_at, closed_at, ack_due_at, response_due_at, resolution_due_at)
SELECT 'F-K2', 2, 2, bill, estimation, '00000000-0000-0000-0000-000000000003', 'phone', 'closed', 'x', 'fixed', amy,
       'Alpha', now() - interval '20 days', now() - interval '19 days 12 hours', now() - interval '16 days 12 hours',
       now() - interval '15 days', now() - interval '14 days', now() - interval '19 days', now() - interval '16 days',
       now() - interval '15 days 12 hours' FROM ids;
-- K3 waits on the customer since 2 days ago: its reply deadline (1 day ago) is paused
INSERT INTO complaint (reference, customer_id, premise_id, category_id, channel, status, status_reason, description,
                       owner_staff_id, team, opened_at, acknowledged_at, ack_due_at, response_due_at, resolution_due_at,
                       paused_since)
SELECT 'F-K3', 3, 3, pressure, 'web', 'waiting_customer', 'photos', 'x', bob, 'Beta', now() - interval '3 days',
       now() - interval '2 days 21 hours', now() - interval '2 days 12 hours', now() - interval '1 day',
       now() + interval '5 days', now() - interval '2 days' FROM ids;
-- K4 opened before the period, resolved in it (late), 2 days ago: the repeat window is still open
INSERT INTO complaint (reference, customer_id, premise_id, category_id, root_cause_id, channel, status, description,
                       resolution_summary, owner_staff_id, team, opened_at, acknowledged_at, first_response_at,
                       resolved_at, ack_due_at, response_due_at, resolution_due_at)
SELECT 'F-K4', 4, 4, pressure, burst, 'phone', 'resolved', 'x', 'fixed', bob, 'Beta', now() - interval '40 days',
       now() - interval '40 days', now() - interval '39 days', now() - interval '2 days', now() - interval '39 days',
       now() - interval '38 days', now() - interval '3 days' FROM ids;
-- K6 new since yesterday, unassigned, its acknowledgement 12 hours late
INSERT INTO complaint (reference, customer_id, premise_id, category_id, channel, status, description, team, opened_at,
                       ack_due_at, response_due_at, resolution_due_at)
SELECT 'F-K6', 2, 2, bill, 'phone', 'new', 'x', 'Alpha', now() - interval '1 day', now() - interval '12 hours',
       now() + interval '10 days', now() + interval '20 days' FROM ids;
-- K5, a duplicate merged into K1: not a complaint of its own anywhere
INSERT INTO complaint (reference, customer_id, category_id, channel, status, description, team, opened_at,
                       ack_due_at, merged_into)
SELECT 'F-K5', 1, bill, 'phone', 'closed', 'x', 'Alpha', now() - interval '5 days', now() - interval '4 days',
       (SELECT id FROM complaint WHERE reference = 'F-K1') FROM ids;
-- guaranteed payments: one paid in the period, one owed, one cancelled, one paid long ago
INSERT INTO compensation_payment (complaint_id, response_standard_id, kind, amount, status, created_at, paid_at)
SELECT k.id, s.id, v.kind, 40, v.status, now() - v.made::interval, now() - v.paid::interval
  FROM (VALUES ('F-K2', 'first_response', 'paid', '15 days', '14 days'),
               ('F-K1', 'first_response', 'owed', '6 days', NULL),
               ('F-K6', 'acknowledgement', 'cancelled', '1 hour', NULL),
               ('F-K4', 'first_response', 'paid', '60 days', '50 days')) v(ref, kind, status, made, paid)
  JOIN complaint k ON k.reference = v.ref
  JOIN response_standard s ON s.gss_code = 'GSS-COMPLAINT' AND s.region = 'england' AND s.effective_to IS NULL;
-- and an event's payment for a late restore, credited 3 days ago (029): no complaint, no team
INSERT INTO critical_event (id, kind, title, agent_message, status, started_at, ended_at)
VALUES ('00000000-0000-4000-8000-00000000ee01', 'supply_interruption', 'Burst main', 'x', 'ended',
        now() - interval '4 days', now() - interval '3 days');
INSERT INTO event_compensation (event_id, customer_id, response_standard_id, customer_type, hours, further_periods,
                                amount, status, created_at, paid_at)
SELECT '00000000-0000-4000-8000-00000000ee01', 3, s.id, 'household', 24, 0, 20, 'paid',
       now() - interval '3 days', now() - interval '3 days'
  FROM response_standard s WHERE s.gss_code = 'GSS-SUPPLY-RESTORE' ORDER BY s.id LIMIT 1;
-- follow-ups: one 3 days overdue, one due tomorrow, one done
INSERT INTO follow_up (complaint_id, customer_id, due_on, channel, what_to_confirm, owner_staff_id, team, status)
SELECT k.id, k.customer_id, careline_today() + v.days, 'phone', v.what, ids.amy, NULL, v.status
  FROM ids, (VALUES ('F-K1', -3, 'Bill corrected', 'open'), ('F-K3', 1, 'Pressure back', 'open'),
                    ('F-K1', -5, 'Called back', 'done')) v(ref, days, what, status)
  JOIN complaint k ON k.reference = v.ref;
SQL
# process.estimation had one action 3 days ago, one two years ago
q "INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on)
   SELECT gen_random_uuid(), id, v.what, careline_today() - v.ago FROM root_cause,
          (VALUES ('Smart reads replace estimates', 3), ('Old change', 700)) v(what, ago)
    WHERE code = 'process.estimation'" >/dev/null || not_ok "improvement actions"

today=$(q "SELECT careline_today()")
first=$(q "SELECT careline_today() - 30")
range=(--from "$first" --to "$today")
csv() { "$CARELINE" report "$@" --csv; }
row() { printf '%s\n' "$1" | grep -m1 -E "^$2,"; }

# ---- each figure with its known answer ---------------------------------------------
out=$(csv categories "${range[@]}"); rc=$?
is "categories exits 0" "$rc" 0
is "CSV header" "$(printf '%s\n' "$out" | head -1)" "category,opened,resolved,closed"
is "billing: K1, K2, K6 opened; K1, K2 resolved; K2 closed (K5 merged: not counted)" \
    "$(row "$out" 'Billing and charges')" "Billing and charges,3,2,1"
is "water supply: K3 opened; K4 resolved (opened before the period)" "$(row "$out" 'Water supply')" "Water supply,1,1,0"
is "every top-level category listed, with zeros" "$(row "$out" 'Metering')" "Metering,0,0,0"
is "the total row" "$(row "$out" All)" "All,4,3,1"

out=$(csv fcr "${range[@]}")
is "FCR: K1 came back (repeat), K2 did not, K4 resolved 2 days ago (window open)" "$(row "$out" All)" "All,3,1,1,1,50.0"

out=$(csv root-causes "${range[@]}")
is "root causes: header" "$(printf '%s\n' "$out" | head -1)" "root_cause,parent,resolved,share_pct,cumulative_pct,actions"
is "Pareto: estimation first (2 of 3), with its one action in the period" "$(printf '%s\n' "$out" | sed -n 2p)" \
    "Estimated reading policy,Process,2,66.7,66.7,1"
is "then the burst main, cumulative 100 %" "$(printf '%s\n' "$out" | sed -n 3p)" \
    "Burst main,Infrastructure / asset,1,33.3,100.0,0"

out=$(csv sla "${range[@]}")
is "SLA header" "$(printf '%s\n' "$out" | head -1)" \
    "category,due,on_time,late,paused,pending,met_pct,acknowledge_pct,first_response_pct,resolution_pct"
is "billing: 4 on time, 3 late (K1 reply, K2 resolution, K6 acknowledgement)" \
    "$(row "$out" 'Billing and charges')" "Billing and charges,7,4,3,0,0,57.1,66.7,50.0,50.0"
is "water supply: K3 acknowledged on time, its reply paused; K4 resolved late" \
    "$(row "$out" 'Water supply')" "Water supply,3,1,1,1,0,50.0,100.0,,0.0"
is "SLA total: 5 of 9 decided deadlines met" "$(row "$out" All)" "All,10,5,4,1,0,55.6,75.0,50.0,33.3"
out=$(csv sla --by team "${range[@]}")
is "by team: Alpha" "$(row "$out" Alpha)" "Alpha,7,4,3,0,0,57.1,66.7,50.0,50.0"
is "by team: Beta" "$(row "$out" Beta)" "Beta,3,1,1,1,0,50.0,100.0,,0.0"
out=$(csv agents "${range[@]}")
amy=$(q "SELECT id FROM staff WHERE login_role = 'fig_amy'")
is "agents: Amy owns K1 and K2" "$(row "$out" 'Amy Alpha')" "Amy Alpha,$amy,Alpha,6,4,2,0,0,66.7"
is "agents: K6 is nobody's" "$(row "$out" '\(unassigned\)')" "(unassigned),,,1,0,1,0,0,0.0"

out=$(csv csat-nps "${range[@]}")
is "CSAT: three answers in the period (5, 2, 4), one declined" \
    "$(printf '%s\n' "$out" | grep -E '^(csat_answers|csat_mean|csat_4_5_pct|declined),' | tr '\n' ' ')" \
    "csat_answers,3 csat_mean,3.67 csat_4_5_pct,66.7 declined,1 "
is "NPS: one promoter, one passive, one detractor: 0" \
    "$(printf '%s\n' "$out" | grep -E '^(promoters|passives|detractors|nps),' | tr '\n' ' ')" \
    "promoters,1 passives,1 detractors,1 nps,+0 "

out=$(csv compensation "${range[@]}")
is "payments: 40.00 and an event's 20.00 paid in the period, 40.00 owed (cancelled and old ones left out)" \
    "$(row "$out" All)" "All,2,60.00,1,40.00"

out=$(csv per-10k "${range[@]}")
is "per 10,000 connections: 4 complaints over 4 premises" "$(row "$out" All)" "All,4,4,10000.00"

# ---- the same figures as the dashboard loads them ----------------------------------
drv=$("$DRIVER" "$first" "$today")
# The driver's checks, renumbered into ours.
while IFS= read -r l; do
    case $l in "ok "*) ok "dashboard: ${l#* - }" ;; "not ok "*) not_ok "dashboard: ${l#* - }" ;; esac
done <<<"$drv"
summary=$(printf '%s\n' "$drv" | grep '^summary ')
val() { printf '%s\n' "$summary" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
is "dashboard contacts: 5 in the period (the event notification is not one)" "$(val contacts)" 5
is "dashboard = report: opened, resolved, closed" "$(val opened),$(val resolved),$(val closed)" \
    "$(row "$(csv categories "${range[@]}")" All | cut -d, -f2-4)"
is "dashboard = report: deadlines met %" "$(val met)" "$(row "$(csv sla "${range[@]}")" All | cut -d, -f7)"
is "dashboard = report: FCR %" "$(val fcr_pct)" "$(row "$(csv fcr "${range[@]}")" All | cut -d, -f6)"
is "dashboard = report: per 10k" "$(val per_10k)" "$(row "$(csv per-10k "${range[@]}")" All | cut -d, -f4)"
is "dashboard = report: NPS" "+$(val nps)" "$(row "$(csv csat-nps "${range[@]}")" nps | cut -d, -f2)"
is "dashboard: one follow-up overdue, by 3 days" "$(val followups),$(val oldest)" "1,3"

# ---- an empty period, a period with one complaint, a team ----------------------------
out=$(csv categories --from 2001-01-01 --to 2001-01-31)
is "an empty period: every total zero" "$(row "$out" All)" "All,0,0,0"
is "an empty period: nothing measured, no percentage" "$(row "$(csv sla --month 2001-01)" All)" "All,0,0,0,0,0,,,,"
is "an empty period: no Pareto rows" "$(csv root-causes --month 2001-01 | wc -l | tr -d ' ')" 1
is "an empty period: no NPS" "$(row "$(csv csat-nps --month 2001-01)" nps)" "nps,"
is "an empty period in a table shows '-' for what was not measured" \
    "$("$CARELINE" report sla --month 2001-01 2>/dev/null | tail -1 | tr -s ' ')" "All 0 0 0 0 0 - - - -"
day=$(q "SELECT (opened_at AT TIME ZONE careline_timezone())::date FROM complaint WHERE reference = 'F-K6'")
is "a day with one complaint (K6)" "$(row "$(csv categories --from "$day" --to "$day")" All)" "All,1,0,0"
is "--team Alpha: Alpha's complaints only" "$(row "$(csv categories "${range[@]}" --team Alpha)" All)" "All,3,2,1"
is "--team Beta: Beta's deadlines only" "$(row "$(csv sla "${range[@]}" --team Beta)" All)" "All,3,1,1,1,0,50.0,100.0,,0.0"
is "--team: contacts of the team's agents (Bob: one call-back, declined survey)" \
    "$(row "$(csv csat-nps "${range[@]}" --team Beta)" declined)" "declined,1"

# ---- tables for people ------------------------------------------------------------------
out=$("$CARELINE" report categories "${range[@]}" 2>"$T/err"); rc=$?
is "a table exits 0" "$rc" 0
like "aligned columns, numbers on the right" "$out" "CATEGORY +OPENED +RESOLVED +CLOSED.*Billing and charges +3 +2 +1"
like "the period on stderr" "$(cat "$T/err")" "^[0-9]+ [A-Z][a-z]{2} .*: $first to $today"

# ---- usage errors exit 2 before connecting, database errors 1 ------------------------------
for args in "report sla --from 2026-02-30" "report sla --to yesterday" "report sla --from 2026-11-10 --to 2026-11-01" \
            "report sla --month 2026-13" "report sla --month 2026-11 --from 2026-11-01" "report per-10k --team Alpha" \
            "report categories --by team" "report sla --by agent" "report sla --format html" \
            "report feedback --from 2026-11-01" "report feedback --format table" "report fcr --team" \
            "report root-causes extra" "report csat-nps --from" "report sla --from 2000-01-01 --to 2020-01-01"; do
    out=$(PGHOST=/nonexistent "$CARELINE" $args 2>&1 </dev/null); rc=$?
    is "careline $args: exit 2" "$rc" 2
done
out=$("$CARELINE" report sla --from 2026-02-30 2>&1)
like "the message names the option and the value" "$out" "careline report: --from wants a date YYYY-MM-DD, not '2026-02-30'"
out=$("$CARELINE" report per-10k --team Alpha 2>&1)
like "--team on a company-wide report says why" "$out" "per-10k counts the whole company"
future=$(q "SELECT careline_today() + 10")
out=$("$CARELINE" report sla --from "$future" 2>&1); rc=$?
is "--from after today without --to: exit 2" "$rc" 2
like "saying why" "$out" "the last day is before the first"
out=$(PGDATABASE=postgres "$CARELINE" report sla 2>&1); rc=$?
is "a database without the schema: exit 1" "$rc" 1
like "with the server's reason" "$out" "careline report sla: .*careline_today"

tap_done
