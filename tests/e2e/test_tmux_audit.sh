#!/usr/bin/env bash
# test_tmux_audit.sh — the audit screen in a real terminal: an agent is refused by the database and told so plainly; a supervisor answers "who looked at this vulnerable customer last week" in a few keys, reads an entry whole, follows a person, picks staff by name, pages a long list, at 80x24 in colour and on a vt100 without colour.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_audit_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
agent=au_agent_$$ super=au_super_$$
cleanup() {
    tmux_stop
    dropdb --if-exists "$PGDATABASE"
    q "DROP ROLE IF EXISTS $agent; DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, team, group_role) VALUES
     ('$agent', 'Amy Auditee', 'Billing', 'agent'), ('$super', 'Sam Checker', 'Billing', 'supervisor')" >/dev/null
row=$(q "SELECT c.id || ' ' || c.account_no FROM customer c WHERE c.vulnerable
          AND EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id AND k.merged_into IS NULL) ORDER BY c.id LIMIT 1")
cid=${row% *} acct=${row#* }

# -- the agent opens the customer, then tries the audit ----------------------------------------
tmux_start 80 24 env PGUSER=$agent "$CARELINE"
wait_screen "agent: search" 'Search:'
tmux_text "$acct"
wait_screen "agent: found" "^> $acct"
tmux_keys Enter
wait_screen "agent: the customer view shows the needs" 'VULNERABLE'
tmux_keys w
wait_screen "agent: the audit screen opens for this customer" "Who has seen"
wait_screen "agent: the database's refusal in plain words" "for supervisors and administrators: the database refused it"
unlike "agent: no entry is shown" "$(tmux_screen)" "opened the customer view"
tmux_keys Escape
wait_screen "agent: Esc goes back to the customer" 'VULNERABLE'
tmux_keys 5 Enter
wait_screen "agent: a complaint of theirs opens" 'Acknowledge'
tmux_keys q
wait_screen "agent: back on the customer" 'VULNERABLE'
tmux_keys q C-p
wait_screen "agent: the whole log from search is refused too" "database refused it"
tmux_stop
is "the agent's open and needs read are in the log" \
   "$(q "SELECT string_agg(action, ',' ORDER BY action) FROM audit_log WHERE actor = '$agent' AND customer_id = $cid")" \
   "complaint.open,customer.open,customer.vulnerability"

# -- the supervisor: who looked at this vulnerable customer last week? ----------------------------
tmux_start 80 24 env PGUSER=$super "$CARELINE"
wait_screen "supervisor: search" 'Search:'
tmux_text "$acct"
wait_screen "supervisor: found" "^> $acct"
tmux_keys Enter
wait_screen "supervisor: the customer view" 'VULNERABLE'
tmux_keys w
wait_screen "supervisor: who has seen the customer, last 7 days by default" "The last 7 days, everything"
wait_screen "supervisor: the agent is named as having read the needs" "Amy Auditee 2 opens, READ VULNERABILITY DETAILS"
wait_screen "supervisor: the list marks the read in words" "Amy Auditee +READ VULNERABILITY DETAILS"
tmux_keys v
wait_screen "supervisor: vulnerability reads only" "vulnerability reads only: [0-9]+ entr"
unlike "supervisor: opens are hidden then" "$(tmux_screen)" "opened the customer view"
tmux_keys v t
wait_screen "supervisor: today" "Today, everything"
tmux_keys End
wait_screen "supervisor: the agent's entry selected" "^> .*Amy Auditee"
wait_screen "supervisor: the selected entry in full below the list" "Amy Auditee \\($agent\\)"
tmux_keys Enter
wait_screen "supervisor: the entry's page" "When: "
wait_screen "supervisor: says who and which customer" "Customer:  .*account $acct"
tmux_keys Escape p
wait_screen "supervisor: what the agent opened and changed" "What Amy Auditee \\($agent\\) opened and changed"
wait_screen "supervisor: totals for the person" "1 customer opened, 1 read of vulnerability details"
tmux_keys Escape Escape
wait_screen "supervisor: Esc backs out to the customer view" 'VULNERABLE'

# -- staff picked by name from the whole log ------------------------------------------------------
tmux_keys q C-p
wait_screen "supervisor: everyone's entries" "Everyone's entries"
tmux_keys s
wait_screen "supervisor: the staff picker" "Name or login:"
tmux_text "auditee"
wait_screen "supervisor: the agent found by part of the name" "1 staff member"
tmux_keys Enter
wait_screen "supervisor: the agent's entries" "What Amy Auditee"
tmux_keys Escape Escape Escape
wait_screen "supervisor: back at search" 'Search:'

# -- a long list pages as the supervisor moves down ----------------------------------------------
q "INSERT INTO audit_log (at, actor, action, customer_id, entity, entity_id)
   SELECT now() - make_interval(mins => g), '$agent', 'customer.open', $cid, 'customer', '$cid'
     FROM generate_series(1, 250) g" >/dev/null
tmux_text "$acct"
wait_screen "supervisor: found again" "^> $acct"
tmux_keys Enter
wait_screen "supervisor: the customer view again" 'VULNERABLE'
tmux_keys w
wait_screen "supervisor: the count of the whole period" "25[0-9] entries \\(100 loaded, more as you move down\\)"
for _ in 1 2 3 4; do tmux_keys End; sleep 0.3; done
wait_screen "supervisor: every entry loaded by moving down" "everything: 25[0-9] entries\\. "
tmux_stop

# -- vt100, no colour, no UTF-8: the marks are words -----------------------------------------------
tmux_start 80 24 env PGUSER=$super TERM=vt100 NO_COLOR=1 LANG=C LC_ALL=C "$CARELINE"
wait_screen "vt100: search" 'Search:'
tmux_keys C-p
wait_screen "vt100: the whole log" "Everyone's entries"
tmux_keys v
wait_screen "vt100: vulnerability reads in words" "READ VULNERABILITY DETAILS"
screen=$(tmux_screen)
unlike "vt100: nothing outside ASCII drawn" "$screen" $'[\x80-\xff]'
tmux_keys F1
wait_screen "vt100: the help lists the audit keys" "period-week|7 days"
tmux_stop

tap_done
