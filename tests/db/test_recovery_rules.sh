#!/usr/bin/env bash
# test_recovery_rules.sh — rules the database enforces for service recovery: authority limits, credits on the account, compensation owed once, no closing over an open follow-up.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=recovery_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
agent=r_agent_$$; super=r_super_$$
trap 'dropdb --if-exists "$TEST_DB"; q "DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1; q "DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1' EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$agent', 'Test Agent', 'agent'), ('$super', 'Test Supervisor', 'supervisor')" >/dev/null
as() { psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$1" -c "$2" 2>&1; }

cust=$(q "SELECT id FROM customer c WHERE arrears = 0 AND NOT EXISTS (SELECT 1 FROM goodwill_credit g WHERE g.customer_id = c.id) ORDER BY id LIMIT 1")
bal=$(q "SELECT balance FROM customer WHERE id = $cust")
limit=$(q "SELECT per_credit FROM authority_limit WHERE group_role = 'agent'")

s1=$(as "$agent" "INSERT INTO goodwill_credit (customer_id, amount, reason) VALUES ($cust, 20, 'sorry') RETURNING status")
is "a credit within the agent's limit is applied at once" "$s1" applied
is "and comes off the customer's balance" "$(q "SELECT balance FROM customer WHERE id = $cust")" "$(q "SELECT $bal - 20")"
s2=$(as "$agent" "INSERT INTO goodwill_credit (customer_id, amount, reason, status) VALUES ($cust, $limit + 1, 'big', 'applied') RETURNING status || ' ' || id")
is "an over-limit credit inserted directly as an agent (even asking for 'applied') is made pending" "${s2% *}" pending
big=${s2#* }
is "a pending credit does not touch the balance" "$(q "SELECT balance FROM customer WHERE id = $cust")" "$(q "SELECT $bal - 20")"
out=$(as "$agent" "UPDATE goodwill_credit SET status = 'approved' WHERE id = '$big'")
like "an agent cannot approve it" "$out" 'permission denied|authority|own credit'
out=$(as "$super" "UPDATE goodwill_credit SET status = 'approved', decision_note = 'ok' WHERE id = '$big' RETURNING status")
is "a supervisor approves it" "$out" approved
is "then it comes off the balance" "$(q "SELECT balance FROM customer WHERE id = $cust")" "$(q "SELECT $bal - 20 - ($limit + 1)")"
out=$(as "$super" "UPDATE goodwill_credit SET status = 'rejected' WHERE id = '$big'")
like "a decided credit cannot be decided again" "$out" 'already approved'
# The daily limit: credits that each fit but together do not.
per_day=$(q "SELECT per_day FROM authority_limit WHERE group_role = 'agent'")
n=$(q "SELECT ceil($per_day / $limit)::int + 1")
for _ in $(seq "$n"); do as "$agent" "INSERT INTO goodwill_credit (customer_id, amount, reason) VALUES ($cust, $limit, 'daily')" >/dev/null; done
is "past the daily limit, credits wait for approval" \
   "$(q "SELECT count(*) > 0 FROM goodwill_credit WHERE reason = 'daily' AND status = 'pending'")" t
is "and the applied ones stay within it" \
   "$(q "SELECT coalesce(sum(amount), 0) <= $per_day FROM goodwill_credit g JOIN staff s ON s.id = g.requested_by WHERE s.login_role = '$agent' AND g.status = 'applied'")" t

# Compensation: a complaint past a deadline with a guaranteed payment.
cat=$(q "SELECT c.id FROM complaint_category c JOIN response_standard s ON s.category_id = c.id OR s.category_id = c.parent_id
          WHERE c.is_leaf AND s.compensation_amount IS NOT NULL AND s.first_response_days IS NOT NULL LIMIT 1")
k=$(q "INSERT INTO complaint (customer_id, category_id, channel, description, opened_at)
       VALUES ($cust, $cat, 'phone', 'late reply', now() - interval '60 days') RETURNING id")
# Run the breach check twice at the same moment.
T=$(mktemp -d)
( q "SELECT complaint_compensation_check('$k')" >"$T/a" ) & ( q "SELECT complaint_compensation_check('$k')" >"$T/b" ) & wait
rm -rf "$T"
q "SELECT complaint_compensation_check('$k')" >/dev/null
is "compensation is owed once per missed deadline, even checked twice at once" \
   "$(q "SELECT count(*) = count(DISTINCT kind) AND count(*) > 0 FROM compensation_payment WHERE complaint_id = '$k'")" t
is "with the rule that caused it" "$(q "SELECT bool_and(response_standard_id IS NOT NULL AND amount > 0 AND status = 'owed') FROM compensation_payment WHERE complaint_id = '$k'")" t
is "and a history row" "$(q "SELECT count(*) > 0 FROM complaint_history WHERE complaint_id = '$k' AND kind = 'compensation'")" t

# Closing over an open follow-up.
q "UPDATE complaint SET status = 'acknowledged' WHERE id = '$k';
   UPDATE complaint SET status = 'investigating' WHERE id = '$k';
   UPDATE complaint SET status = 'resolved', root_cause_id = (SELECT id FROM root_cause WHERE code = 'process'),
                        resolution_summary = 'Replied' WHERE id = '$k';
   INSERT INTO follow_up (complaint_id, customer_id, due_on, channel, what_to_confirm)
   VALUES ('$k', $cust, current_date + 3, 'phone', 'Reply received and understood')" >/dev/null
out=$(as "$agent" "UPDATE complaint SET status = 'closed' WHERE id = '$k'")
like "closing with an open follow-up is refused" "$out" 'open follow-up'
out=$(as "$agent" "UPDATE complaint SET status = 'closed', follow_up_override = true WHERE id = '$k'")
like "an agent cannot override it" "$out" 'only a supervisor'
out=$(as "$super" "UPDATE complaint SET status = 'closed', follow_up_override = true WHERE id = '$k' RETURNING status")
is "a supervisor can, with the override" "$out" closed
is "and the override is in the history" "$(q "SELECT count(*) FROM complaint_history WHERE complaint_id = '$k' AND kind = 'follow_up' AND note LIKE '%override%'")" 1

tap_done
