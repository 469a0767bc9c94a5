#!/usr/bin/env bash
# test_script_queue.sh — the queue screen in the scripted mode (also run on the sanitizer build): order and words, filters through the picker, take, assign, escalate, My work, opening a complaint, a tiny terminal, untrusted text, and what an agent is and is not offered.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/fixtures.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_squeue_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
sup=sq_sup_$$; ag=sq_ag_$$
trap 'dropdb --if-exists "$PGDATABASE"; for r in $sup $ag; do q "DROP ROLE IF EXISTS $r" postgres >/dev/null 2>&1; done; rm -rf "$T"' EXIT
q "CREATE ROLE $sup LOGIN IN ROLE careline_supervisor; CREATE ROLE $ag LOGIN IN ROLE careline_agent" postgres >/dev/null
fixtures_load || not_ok "load fixtures"
q "INSERT INTO staff (login_role, display_name, team, group_role) VALUES ('$sup', 'Sue Super', 'Script desk', 'supervisor'),
   ('$ag', 'Al Agent', 'Script desk', 'agent')" >/dev/null
# Three complaints of the desk: one breached, one at risk (an untrusted name), one on time.
q "INSERT INTO complaint (reference, customer_id, category_id, channel, description, team, severity, opened_at,
                         ack_due_at, resolution_due_at)
   SELECT r, c, (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'), 'phone', 'script queue', 'Script desk',
          'medium', now() - interval '10 hours', CASE WHEN r = 'SQ-1' THEN now() - interval '2 hours' END,
          now() + d * interval '1 hour'
     FROM (VALUES ('SQ-1', 990001, 48), ('SQ-2', 990004, 1), ('SQ-3', 990002, 30)) v(r, c, d)" >/dev/null

run() {   # run NAME USER [SIZE] < KEYS: the screens the key script dumps, in $T/NAME.out
    cat >"$T/$1.keys"
    PGUSER=$2 "$CARELINE" --script "$T/$1.keys" --size "${3:-24x80}" >"$T/$1.out" 2>"$T/$1.err" ||
        not_ok "$1: the script ran" "$(cat "$T/$1.err")"
}
screen() { awk -v n="$2" '$0 == "--" { i++; next } i == n - 1' "$T/$1.out"; }   # screen NAME N: the Nth dump

run sup "$sup" <<'KEYS'
C-y
:dump
f
Enter
:type every
Enter
:dump
F
:dump
t
:dump
Down
a
:type al agent script desk
Enter
:dump
e
:type The customer is vulnerable
Enter
:dump
m
:dump
m
Enter
:dump
Escape
:resize 12 40
:dump
:resize 24 80
Escape
:dump
KEYS
s=$(screen sup 1)
like "the queue opens on its key" "$s" 'Team queue \(Script desk, and complaints with no team\): 3 open, 1 BREACHED, 1'
like "most urgent first, in words" "$s" 'BREACHED .*SQ-1 .*AT RISK .*SQ-2 .*on time .*SQ-3'
like "the untrusted name is drawn harmless" "$s" 'Evil\^\[\[2J'
unlike "with no escape sequence" "$s" $'\x1b'
like "the status line offers what a supervisor may do" "$s" 't take +a assign +e escalate'
like "every team through the filter picker" "$(screen sup 2)" 'Queue: [0-9]+ open.*Filters: team any'
like "F removes the filters" "$(screen sup 3)" 'No filters: f filters'
like "t takes the complaint" "$(screen sup 4)" 'SQ-1 is yours now'
like "it shows as the supervisor's" "$(screen sup 4)" 'SQ-1 .*Sue Super'
like "a assigns through the picker" "$(screen sup 5)" 'SQ-2 assigned to Al Agent'
like "e escalates with a reason" "$(screen sup 6)" 'SQ-2 escalated to high'
is "the reason is in the history" "$(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id
     WHERE k.reference = 'SQ-2' AND h.note = 'Escalated from medium to high: The customer is vulnerable'")" 1
like "m shows My work" "$(screen sup 7)" 'My work: 1 open.*SQ-1'
like "Enter opens the complaint screen" "$(screen sup 8)" 'SQ-1 +Billing and charges / High bill'
like "a tiny terminal still draws the queue" "$(screen sup 9)" 'SQ-1'
like "Esc goes back to the search" "$(screen sup 10)" 'Search:'

run agent "$ag" <<'KEYS'
C-y
:dump
a
:dump
t
:dump
m
:dump
Escape
Escape
:type 4999999991
Enter
C-y
:dump
KEYS
like "an agent opens the team queue from search" "$(screen agent 1)" 'Team queue \(Script desk'
unlike "and is not offered assign" "$(screen agent 1)" 'a assign'
like "on a complaint someone owns: escalate, not take" "$(screen agent 1)" 'Enter open +e escalate'
like "a says why not" "$(screen agent 2)" 'Only a supervisor assigns complaints'
like "t on someone else's says why not" "$(screen agent 3)" "SQ-1 is Sue Super's: only a supervisor reassigns it"
like "the agent's My work holds what was assigned to them" "$(screen agent 4)" 'My work: 1 open.*SQ-2'
like "from another screen the team queue key is for supervisors" "$(screen agent 5)" 'Agents open the team queue from search'
tap_done
