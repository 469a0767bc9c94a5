#!/usr/bin/env bash
# test_script_runner.sh — every shipped recovery script's main path in the scripted mode: the right script fits, placeholders are filled, the run and its answers are recorded, credits and follow-ups are made; from intake, the end key goes back to the complaint.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_runner_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$PGDATABASE"; q "DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state
agent=run_agent_$$
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$agent', 'Riley Runner', 'agent')" >/dev/null
out=$("$CARELINE" scripts load "$TOP"/conf/scripts/*.conf 2>&1); rc=$?
is "the shipped scripts load" "$rc" 0

# walk CODE CATEGORY EVENT: a fresh complaint of CATEGORY for a customer in
# (EVENT=yes) or out of an event zone, then its script's main path.
walk() {
    local code=$1 cat=$2 event=$3
    local zone_test="NOT IN"
    [ "$event" = yes ] && zone_test="IN"
    local acct
    acct=$(q "SELECT c.account_no FROM customer c JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL
               JOIN premise p ON p.id = cp.premise_id
              WHERE p.zone_id $zone_test (SELECT z.zone_id FROM critical_event_zone z JOIN critical_event e ON e.id = z.event_id AND e.status = 'active')
                AND c.segment IN ('residential_single', 'residential_multi') AND cardinality(c.vulnerability) = 0
                AND NOT c.priority_services AND c.language = 'en'
                AND NOT EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id)
              ORDER BY c.id LIMIT 1 OFFSET $((RANDOM % 20))")
    local id
    id=$(q "INSERT INTO complaint (customer_id, category_id, channel, description)
            SELECT id, (SELECT id FROM complaint_category WHERE code = '$cat'), 'phone', 'runner test $code'
              FROM customer WHERE account_no = '$acct' RETURNING id")
    {
        printf ':type %s\nEnter\n5\nEnter\ns\n:dump\n' "$acct"
        # Digits answer with the first option (the main path); typed into a
        # free-text answer or an amount they are an answer too; Enter goes on.
        for _ in $(seq 45); do printf ':type 1\nEnter\n'; done
        printf ':dump\n'
    } >"$T/$code.keys"
    PGUSER=$agent "$CARELINE" --script "$T/$code.keys" >"$T/$code.out" 2>"$T/$code.err"
    is "$code: the script runs" "$?" 0
    is "$code: the script that fits is $code" \
       "$(q "SELECT s.code FROM complaint_script_run r JOIN recovery_script s ON s.id = r.script_id WHERE r.complaint_id = '$id'")" "$code"
    if grep -q '{[a-z_]*}' "$T/$code.out"; then
        not_ok "$code: no placeholder is left unfilled" "$(grep -n '{[a-z_]*}' "$T/$code.out" | head -3)"
    else
        ok "$code: no placeholder is left unfilled"
    fi
    is "$code: the run finished, completed" \
       "$(q "SELECT outcome FROM complaint_script_run WHERE complaint_id = '$id'")" completed
    is "$code: every answer recorded once, ending with the end step" \
       "$(q "SELECT count(*) = count(DISTINCT a.step_id) AND bool_or(st.kind = 'end') FROM script_answer a
              JOIN complaint_script_run r ON r.id = a.run_id JOIN script_step st ON st.id = a.step_id
             WHERE r.complaint_id = '$id'")" t
    is "$code: the run is in the complaint's history" \
       "$(q "SELECT count(*) > 0 FROM complaint_history WHERE complaint_id = '$id' AND kind = 'script'")" t
    echo "$id" >"$T/$code.id"
}

walk high_bill billing.high_bill no
walk estimated_bill billing.estimated_bill no
walk no_water_event supply.interruption yes
walk no_water supply.interruption no
walk low_pressure supply.low_pressure no
walk discoloured_water quality.discoloured no
walk taste_odour quality.taste_odour no
walk sewer_flooding wastewater.flooding_internal no
walk missed_appointment service.missed_appointment no
walk staff_conduct service.staff_conduct no
walk general other.general no

# The high-bill path offers a credit within the agent's limit and books a follow-up.
hb=$(cat "$T/high_bill.id")
is "high bill: the credit was applied, within the agent's authority" \
   "$(q "SELECT string_agg(status, ',') FROM goodwill_credit WHERE complaint_id = '$hb'")" applied
is "high bill: a follow-up was booked" "$(q "SELECT count(*) FROM follow_up WHERE complaint_id = '$hb'")" 1
like "high bill: the customer's name and the agent's name were read out" "$(cat "$T/high_bill.out")" 'Riley Runner'

# From intake straight into the script; at its end "Esc goes back to the
# complaint" must land on the new complaint, not on the customer view.
acct=$(q "SELECT c.account_no FROM customer c
           WHERE c.segment = 'residential_single' AND cardinality(c.vulnerability) = 0 AND NOT c.priority_services
             AND c.language = 'en' AND NOT EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id)
           ORDER BY c.id DESC LIMIT 1")
text="Bill doubled this quarter (end key $$)"
# high_bill: say, say, estimated, lower, rebill, credit (the suggested 25.00
# accepted), no payment help, follow-up, end; then Esc.
printf ':type %s\nEnter\nn\n:type high bill\nEnter\n:type %s\nC-x\n' "$acct" "$text" >"$T/endkey.keys"
printf 'Enter\nEnter\n1\n1\nEnter\nEnter\nEnter\n2\nEnter\nEnter\n:dump\nEsc\n:dump\n' >>"$T/endkey.keys"
PGUSER=$agent "$CARELINE" --script "$T/endkey.keys" >"$T/endkey.out" 2>"$T/endkey.err"
is "end key: the script runs" "$?" 0
awk -v base="$T/endkey" 'BEGIN {n = 1} /^--$/ {n++; next} {print > (base "." n)}' "$T/endkey.out"
ref=$(q "SELECT reference FROM complaint WHERE description = '$text'")
like "end key: the script reached its end, which says where Esc goes" "$(cat "$T/endkey.1")" \
     "The script is finished\\. Esc goes back to the complaint\\."
like "end key: Esc lands on the complaint screen" "$(cat "$T/endkey.2")" "Careline — Complaint"
like "end key: the new complaint, with its reference" "$(cat "$T/endkey.2")" "$ref +Billing and charges / High bill"
like "end key: showing the run in its history (read again on return)" "$(cat "$T/endkey.2")" "script +Recovery script"
is "end key: the credit step made its credit" \
   "$(q "SELECT string_agg(g.amount || ' ' || g.status, ',') FROM goodwill_credit g JOIN complaint k ON k.id = g.complaint_id
         WHERE k.description = '$text'")" "25.00 applied"

tap_done
