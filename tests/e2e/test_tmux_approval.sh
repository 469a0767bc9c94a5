#!/usr/bin/env bash
# test_tmux_approval.sh — an agent's credit above their authority waits; a supervisor in another terminal approves it live; the agent sees the decision without restarting.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_approval_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
agent=ap_agent_$$; super=ap_super_$$
S1= S2=
cleanup() {
    [ -n "$S1" ] && tmux -S "$S1" kill-server 2>/dev/null
    [ -n "$S2" ] && tmux -S "$S2" kill-server 2>/dev/null
    dropdb --if-exists "$PGDATABASE"
    q "DROP ROLE IF EXISTS $agent; DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$agent', 'Amy Agent', 'agent'), ('$super', 'Sam Supervisor', 'supervisor')" >/dev/null
limit=$(q "SELECT per_credit::int FROM authority_limit WHERE group_role = 'agent'")
over=$((limit + 30))
row=$(q "SELECT c.account_no || ' ' || k.reference FROM complaint k JOIN customer c ON c.id = k.customer_id
          WHERE k.status = 'new' AND k.merged_into IS NULL
            AND (SELECT count(*) FROM complaint k2 WHERE k2.customer_id = c.id AND k2.merged_into IS NULL) = 1
          ORDER BY k.opened_at DESC LIMIT 1")
acct=${row% *}; ref=${row#* }

tmux_start 80 24 env PGUSER=$agent "$CARELINE"; S1=$TMUX_SOCK
wait_screen "agent: search" 'Search:'
tmux_text "$acct"
wait_screen "agent: found" "^> $acct"
tmux_keys Enter 5
wait_screen "agent: complaints" "$ref"
tmux_keys Enter
wait_screen "agent: the complaint" "^ $ref "
tmux_keys g
wait_screen "agent: asked for the amount" 'Amount \(GBP\)'
tmux_text "20"
tmux_keys Enter
wait_screen "agent: a credit within the limit is applied at once" 'Credit applied to the account at once'
tmux_keys g
wait_screen "agent: asked again" 'Amount \(GBP\)'
tmux_text "$over"
tmux_keys Enter
wait_screen "agent: above the limit it goes to a supervisor" 'Above your authority: sent to a supervisor'
is "the database holds it as pending" "$(q "SELECT status FROM goodwill_credit g JOIN staff s ON s.id = g.requested_by WHERE s.login_role = '$agent' AND amount = $over")" pending

tmux_start 80 24 env PGUSER=$super "$CARELINE"; S2=$TMUX_SOCK
wait_screen "supervisor: search" 'Search:'
tmux_keys C-r
wait_screen "supervisor: the approvals queue lists the credit" "Amy Agent .*$over\\.00"
# Put the agent's credit first: it is the newest, so go to the last row.
tmux_keys End
wait_screen "supervisor: selected" "^> .*Amy Agent"
tmux_keys y
wait_screen "supervisor: asked for a note" 'Approve the credit'
tmux_text "Fair, given the delay"
tmux_keys Enter
wait_screen "supervisor: approved" 'Credit approved'

TMUX_SOCK=$S1
wait_screen "agent: sees the approval without restarting" 'approved your goodwill credit' 5
is "the credit is approved in the database" "$(q "SELECT status FROM goodwill_credit g JOIN staff s ON s.id = g.requested_by WHERE s.login_role = '$agent' AND amount = $over")" approved
is "both credits are in the complaint's history" "$(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id WHERE k.reference = '$ref' AND h.kind = 'credit'")" 3

# Follow-up booked from the complaint, then recorded from the follow-ups screen.
tmux_keys f
wait_screen "agent: follow-up plans offered" 'Book a follow-up'
tmux_text "Credit shows on the next bill"
tmux_keys Enter
wait_screen "agent: booked" 'Follow-up booked'
q "UPDATE follow_up SET due_on = current_date WHERE what_to_confirm = 'Credit shows on the next bill'" >/dev/null
tmux_keys q q Escape
wait_screen "agent: back at search" 'Search:'
tmux_keys C-o
wait_screen "agent: the follow-ups screen opens" 'Follow-ups due'
# It went to the complaint's owner: show everyone's.
tmux_keys a
wait_screen "agent: the follow-up is due" 'Credit shows on'
# Due today: after the overdue ones.
for _ in $(seq 40); do tmux_screen | grep -q '^> .*Credit shows on' && break; tmux_keys Down; sleep 0.05; done
wait_screen "agent: it is selected" '^> .*Credit shows on'
tmux_keys d
wait_screen "agent: asked the outcome" 'Record the follow-up'
tmux_text "Customer saw the credit"
tmux_keys Enter
wait_screen "agent: recorded" 'Follow-up recorded'
is "the follow-up is done and confirmed" "$(q "SELECT status || ' ' || customer_confirmed FROM follow_up WHERE what_to_confirm = 'Credit shows on the next bill'")" "done true"

tap_done
