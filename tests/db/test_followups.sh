#!/usr/bin/env bash
# test_followups.sh — follow-ups: recorded before they fall due, and settled by the database when their complaint closes (cancelled with the reason and, for a supervisor's override, who overrode), whichever client closes it.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=followups_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
agent=fu_agent_$$; super=fu_super_$$
trap 'dropdb --if-exists "$TEST_DB"; q "DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1; q "DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1' EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$agent', 'Fay Agent', 'agent'), ('$super', 'Sid Supervisor', 'supervisor')" >/dev/null
as() { psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$1" -c "$2" 2>&1; }

cust=$(q "SELECT id FROM customer ORDER BY id LIMIT 1")
cat=$(q "SELECT id FROM complaint_category WHERE is_leaf ORDER BY id LIMIT 1")
cause=$(q "SELECT id FROM root_cause ORDER BY id LIMIT 1")
resolved() {   # resolved: a resolved complaint with one follow-up due in 5 days; prints "complaint follow-up"
    local k f
    k=$(q "INSERT INTO complaint (customer_id, category_id, channel, description) VALUES ($cust, $cat, 'phone', 'follow-up test') RETURNING id")
    for s in acknowledged investigating resolved; do
        q "UPDATE complaint SET status = '$s', root_cause_id = $cause, resolution_summary = 'Fixed' WHERE id = '$k'" >/dev/null
    done
    f=$(as "$agent" "INSERT INTO follow_up (id, complaint_id, customer_id, due_on, channel, what_to_confirm, owner_staff_id)
                     VALUES (gen_random_uuid(), '$k', $cust, current_date + 5, 'phone', 'It held', current_staff_id()) RETURNING id")
    echo "$k $f"
}

# -- recorded before it falls due, then the complaint closes normally --------------------------
read -r k1 f1 <<<"$(resolved)"
v=$(q "SELECT version FROM follow_up WHERE id = '$f1'")
out=$(as "$agent" "UPDATE follow_up SET status = 'done', customer_confirmed = true, outcome = 'Called early: all well', done_at = now()
                   WHERE id = '$f1' AND version = $v AND status = 'open' RETURNING status")
is "a follow-up not yet due is recorded now" "$out" done
out=$(as "$agent" "SELECT complaint_change('$k1', version, 'closed', '', 0, '', NULL, false) IS NOT NULL FROM complaint WHERE id = '$k1'")
is "then the agent closes the complaint" "$out" t
is "and the recorded follow-up stays done, as recorded" "$(q "SELECT status || ' ' || outcome FROM follow_up WHERE id = '$f1'")" "done Called early: all well"

# -- a supervisor closes over the open follow-up: it is cancelled, naming them -----------------
read -r k2 f2 <<<"$(resolved)"
out=$(as "$agent" "SELECT complaint_change('$k2', version, 'closed', '', 0, '', NULL, true) FROM complaint WHERE id = '$k2'")
like "an agent cannot close over it" "$out" 'only a supervisor'
is "the follow-up is still open after the agent's try" "$(q "SELECT status FROM follow_up WHERE id = '$f2'")" open
out=$(as "$super" "UPDATE complaint SET status = 'closed', follow_up_override = true WHERE id = '$k2' RETURNING status")
is "a supervisor closes over it, by any client (a plain UPDATE)" "$out" closed
is "the open follow-up is cancelled by the database" "$(q "SELECT status FROM follow_up WHERE id = '$f2'")" cancelled
like "with the reason, naming the supervisor who overrode" "$(q "SELECT cancel_reason FROM follow_up WHERE id = '$f2'")" 'override by Sid Supervisor'
is "and who it was, as a staff member" "$(q "SELECT s.login_role FROM follow_up f JOIN staff s ON s.id = f.cancelled_by WHERE f.id = '$f2'")" "$super"
is "no open follow-up is left on a closed complaint" "$(q "SELECT count(*) FROM follow_up f JOIN complaint k ON k.id = f.complaint_id WHERE k.status = 'closed' AND f.status = 'open' AND k.id IN ('$k1', '$k2')")" 0
is "the due list no longer has it" "$(q "SELECT count(*) FROM follow_up WHERE id = '$f2' AND status = 'open'")" 0
is "the history says so once" "$(q "SELECT count(*) FROM complaint_history WHERE complaint_id = '$k2' AND kind = 'follow_up' AND details ->> 'cancelled' = '1'")" 1

# -- merged into another complaint: cancelled with that reason --------------------------------
read -r k3 f3 <<<"$(resolved)"
q "UPDATE complaint SET status = 'investigating' WHERE id = '$k3'" >/dev/null
other=$(q "SELECT reference FROM complaint WHERE id <> '$k3' AND status NOT IN ('resolved','closed') ORDER BY opened_at DESC LIMIT 1")
out=$(as "$agent" "SELECT complaint_change('$k3', version, NULL, 'duplicate', 0, '', '$other', false) FROM complaint WHERE id = '$k3'")
like "an agent cannot merge" "$out" 'only a supervisor may merge'
out=$(as "$super" "SELECT complaint_change('$k3', version, NULL, 'duplicate', 0, '', '$other', false) IS NOT NULL FROM complaint WHERE id = '$k3'")
is "a supervisor merges it" "$out" t
is "its follow-up is cancelled, saying where it went" "$(q "SELECT status || ': ' || cancel_reason FROM follow_up WHERE id = '$f3'")" "cancelled: Complaint merged into $other"

# -- nothing new hangs off a closed complaint --------------------------------------------------
out=$(as "$agent" "INSERT INTO follow_up (complaint_id, customer_id, due_on, channel, what_to_confirm) VALUES ('$k2', $cust, current_date + 1, 'phone', 'late')")
like "a follow-up cannot be booked on a closed complaint" "$out" 'is closed: reopen it first'
out=$(as "$agent" "INSERT INTO goodwill_credit (complaint_id, customer_id, amount, reason) VALUES ('$k2', $cust, 5, 'late')")
like "nor a credit" "$out" 'is closed: reopen it first'
out=$(as "$agent" "SELECT complaint_change('$k2', version, 'investigating', 'reopened', 0, '', NULL, false) IS NOT NULL FROM complaint WHERE id = '$k2'")
is "reopened, it takes them again" "$out" t
out=$(as "$agent" "INSERT INTO follow_up (complaint_id, customer_id, due_on, channel, what_to_confirm) VALUES ('$k2', $cust, current_date + 1, 'phone', 'again') RETURNING status")
is "a new follow-up after reopening" "$out" open
is "the cancelled one stays cancelled" "$(q "SELECT status FROM follow_up WHERE id = '$f2'")" cancelled

# -- a stale close is refused, not applied twice -----------------------------------------------
read -r k4 f4 <<<"$(resolved)"
v=$(q "SELECT version FROM complaint WHERE id = '$k4'")
q "UPDATE complaint SET severity = 'high' WHERE id = '$k4'" >/dev/null
out=$(as "$super" "SELECT coalesce(complaint_change('$k4', $v, 'closed', '', 0, '', NULL, true)::text, 'stale')")
is "a close at an old version is refused as stale" "$out" stale
is "and settles nothing" "$(q "SELECT status FROM follow_up WHERE id = '$f4'")" open

tap_done
