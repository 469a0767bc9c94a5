#!/usr/bin/env bash
# test_tmux_dashboard.sh — a supervisor at 80x24 opens the dashboard, picks the days, sees a new complaint counted within seconds without a key, drills into a figure and opens the complaint behind it, records an improvement action against a root cause; again on a vt100 without colour or UTF-8.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_dashboard_$$ TEST_DB=e2e_dashboard_$$
export XDG_STATE_HOME=$T/state
super=dash_super_$$
cleanup() {
    tmux_stop
    dropdb --if-exists "$PGDATABASE" >/dev/null 2>&1
    q "DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
createdb -T "$MIGRATED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the migrated template"; tap_done; exit 1; }
q "CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
check "fixture" psql -X -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO staff (login_role, display_name, team, group_role) VALUES ('$super', 'Sam Supervisor', 'Alpha', 'supervisor');
INSERT INTO zone (code, name, region) VALUES ('DSH', 'Dashboard zone', 'england');
INSERT INTO customer (id, account_no, name, segment) VALUES
    (1, '4810000001', 'Cora Dashcustomer', 'residential_single'), (2, '4810000002', 'Dan Dashcustomer', 'residential_single');
INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
SELECT i, 'DSH-' || i, i || ' Chart Street', 'Testbury', 'ZZ1 1ZZ', (SELECT id FROM zone), 'house' FROM generate_series(1, 2) i;
INSERT INTO customer_premise (customer_id, premise_id, start_date) SELECT i, i, date '2020-01-01' FROM generate_series(1, 2) i;
INSERT INTO interaction (customer_id, channel, staff_id, started_at, wrap_up_code)
SELECT 1 + i % 2, (ARRAY['phone','email','phone'])[i], (SELECT id FROM staff), now() - i * interval '1 day', 'info_given'
  FROM generate_series(1, 3) i;
INSERT INTO complaint (reference, customer_id, premise_id, category_id, root_cause_id, channel, status, description,
                       resolution_summary, team, opened_at, acknowledged_at, first_response_at, resolved_at)
VALUES ('E-DASH-1', 1, 1, (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'),
        (SELECT id FROM root_cause WHERE code = 'system_it.billing'), 'phone', 'resolved', 'x', 'fixed', 'Alpha',
        now() - interval '5 days', now() - interval '5 days', now() - interval '4 days', now() - interval '3 days'),
       ('E-DASH-2', 2, 2, (SELECT id FROM complaint_category WHERE code = 'supply.low_pressure'), NULL, 'phone', 'new',
        'y', NULL, 'Alpha', now() - interval '2 days', NULL, NULL, NULL);
SQL
first=$(q "SELECT careline_today() - 30")
today=$(q "SELECT careline_today()")

# ---- xterm, colour, UTF-8 -------------------------------------------------------------
tmux_start 80 24 env TERM=xterm-256color PGUSER=$super "$CARELINE"
wait_screen "search screen" 'Search:'
tmux_keys C-g
wait_screen "C-g opens the dashboard, this month, live" 'Dashboard.*' 
wait_screen "its status line names the keys in effect" 'Enter open .*\[ earlier  \] later'
tmux_keys d
wait_screen "d asks for the days" 'Figures for which days'
tmux_keys C-u
tmux_text "$first $today"
tmux_keys Enter
wait_screen "the chosen days are shown" "$(date -d "$first" '+%-d %b') - $(date -d "$today" '+%-d %b %Y')"
wait_screen "contacts: 3" '^[> ] Contacts +3 '
wait_screen "complaints opened: 2" '^[> ] Complaints opened +2 '
wait_screen "a bar in UTF-8" 'phone +2 █'
# Live: a complaint saved anywhere is counted without a key.
start=$EPOCHREALTIME
q "INSERT INTO complaint (reference, customer_id, category_id, channel, description, team)
   VALUES ('E-DASH-3', 2, (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'), 'web', 'z', 'Alpha')" >/dev/null
wait_screen "a new complaint is counted live, without a key" '^[> ] Complaints opened +3 ' 5
took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "# live update seen after ${took}s"
# Drill into "Complaints opened", then into one complaint.
tmux_keys Down
wait_screen "the second figure is selected" '^> Complaints opened'
wait_screen "the selected figure whole under the list" 'Complaints opened: 3; .* per 10,000 connections'
tmux_keys Enter
wait_screen "Enter lists the complaints behind the figure" 'Complaints opened'
wait_screen "all three, newest first" '3, newest first'
wait_screen "with their references" 'E-DASH-1'
tmux_keys End
wait_screen "the oldest selected" '^> .*E-DASH-1'
tmux_keys Enter
wait_screen "Enter opens the complaint" '^ E-DASH-1 '
tmux_keys Escape
wait_screen "Esc back to the list" '3, newest first'
tmux_keys Escape
wait_screen "Esc back to the dashboard" '^> Complaints opened'
# The root-cause Pareto: record what was changed.
for _ in $(seq 12); do tmux_screen | grep -q '^> Billing system error' && break; tmux_keys Tab; sleep 0.2; done
wait_screen "the root cause line" '^> Billing system error +1 '
tmux_keys i
wait_screen "i opens its improvement actions" 'Root cause: Billing system error'
wait_screen "none yet, and the key that records one" 'Nothing recorded yet: a'
tmux_keys a
wait_screen "a opens the form" 'A new improvement action: Billing system error'
tmux_text "Rang 07700 900123 to check"
tmux_keys C-x
wait_screen "a phone number is refused beside the field, in words" 'Not saved: .*published as written'
like "saying why, whole (wrapped, not cut)" "$(tmux_screen | tr -s ' \n' ' ')" 'must not contain a phone number\.'
wait_screen "and the text is kept" 'Rang 07700 900123 to check'
tmux_keys C-u
tmux_text "Tariff table fixed for moves of home"
tmux_keys C-x
wait_screen "saved" 'Improvement action recorded'
wait_screen "listed with today's date" "$today Tariff table fixed for moves of home"
is "in the database, recorded by the supervisor" \
    "$(q "SELECT what_changed || '|' || s.display_name FROM improvement_action a JOIN staff s ON s.id = a.recorded_by")" \
    "Tariff table fixed for moves of home|Sam Supervisor"
tmux_keys Escape
wait_screen "back on the dashboard, the Pareto counts the change" 'Billing system error: 1; .*1 change made' 5
tmux_keys Escape
wait_screen "Esc backs out to search" 'Search:'
tmux_stop

# ---- vt100, no colour, no UTF-8 ----------------------------------------------------------
tmux_start 80 24 env TERM=vt100 LANG=C LC_ALL=C NO_COLOR=1 PGUSER=$super "$CARELINE"
wait_screen "vt100: search screen" 'Search:'
tmux_keys F4
wait_screen "vt100: F4 opens the dashboard" 'Dashboard'
tmux_keys d C-u
tmux_text "$first $today"
tmux_keys Enter
wait_screen "vt100: figures" '^[> ] Complaints opened +3 '
wait_screen "vt100: ASCII bars" 'phone +2 #+'
if tmux_screen | LC_ALL=C grep -q $'[\x80-\xff]'; then not_ok "vt100: nothing but ASCII on screen" "$(tmux_screen)"; else ok "vt100: nothing but ASCII on screen"; fi
tmux_keys Tab
wait_screen "vt100: Tab jumps to the next group" '^> phone '
tmux_keys Enter
wait_screen "vt100: Enter lists the contacts behind it" 'Contacts: phone'
wait_screen "vt100: the customers, the selected one whole underneath" 'Dan Dashcustomer'
tmux_keys Enter
wait_screen "vt100: a contact opens its customer" 'Dashcustomer.*Acct 481000000'
tmux_keys Escape
wait_screen "vt100: back to the list" 'Contacts: phone'
tmux_keys Escape Escape
wait_screen "vt100: Esc, Esc: back to search" 'Search:'
tmux_stop

tap_done
