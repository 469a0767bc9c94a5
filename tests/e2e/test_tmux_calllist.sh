#!/usr/bin/env bash
# test_tmux_calllist.sh — an agent works one call from the call list in a real terminal: priority first, opens the customer, records the outcome as an outbound contact; a second agent never gets the same call.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_calllist_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
a1=cl_a1_$$; a2=cl_a2_$$
S1= S2=
cleanup() {
    [ -n "$S1" ] && tmux -S "$S1" kill-server 2>/dev/null
    [ -n "$S2" ] && tmux -S "$S2" kill-server 2>/dev/null
    dropdb --if-exists "$PGDATABASE"
    q "DROP ROLE IF EXISTS $a1; DROP ROLE IF EXISTS $a2" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
q "CREATE ROLE $a1 LOGIN IN ROLE careline_agent; CREATE ROLE $a2 LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$a1', 'Cath Caller', 'agent'), ('$a2', 'Dan Dialler', 'agent')" >/dev/null

# A non-digital customer on the Priority Services Register in the event's zone: first on the list.
row=$(q "SELECT c.id || ' ' || p.zone_id FROM customer c JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL
          JOIN premise p ON p.id = cp.premise_id ORDER BY c.id LIMIT 1")
cust=${row% *}; zone=${row#* }
q "UPDATE customer SET non_digital = true, priority_services = true, name = 'Priya Firstcall', phone_e164 = '+441632960123' WHERE id = $cust" >/dev/null
q "BEGIN;
   INSERT INTO critical_event (kind, title, agent_message, customer_message)
   VALUES ('do_not_drink', 'Do not drink, zone $zone', 'Read the notice.', 'Do not drink tap water until we tell you it is safe. Bottled water at the town hall.');
   INSERT INTO critical_event_zone SELECT id, $zone FROM critical_event WHERE title = 'Do not drink, zone $zone';
   COMMIT;" >/dev/null
calls=$(q "SELECT count(*) FROM notify_call WHERE status = 'open'")
[ "$calls" -ge 2 ] && ok "the event put $calls customers on the call list" || not_ok "calls listed" "$calls"

tmux_start 80 24 env PGUSER=$a1 "$CARELINE"; S1=$TMUX_SOCK
wait_screen "agent: search" 'Search:'
tmux_keys C-t
wait_screen "the call list opens" "$calls calls to make, priority first"
wait_screen "the priority customer comes first" '^> PRIORITY +Priya Firstcall +\+441632960123 +no internet'
wait_screen "with the words to say" 'Say: Do not drink tap water until we tell you it is safe'
wait_screen "and the keys" 'Enter open +c record call'

tmux_start 80 24 env PGUSER=$a2 "$CARELINE"; S2=$TMUX_SOCK
wait_screen "second agent: search" 'Search:'
tmux_keys F7
wait_screen "second agent: the same list" '^> PRIORITY +Priya Firstcall'

TMUX_SOCK=$S1
tmux_keys Enter
wait_screen "Enter takes the call and opens the customer" 'Priya Firstcall +Acct'
is "the call is the first agent's" "$(q "SELECT s.login_role FROM notify_call k JOIN staff s ON s.id = k.taken_by WHERE k.customer_id = $cust")" "$a1"

TMUX_SOCK=$S2
wait_screen "second agent sees it taken" '^> PRIORITY +Priya Firstcall .*Cath Caller' 5
tmux_keys c
wait_screen "and cannot work it" 'Cath Caller is on this call: pick another'

TMUX_SOCK=$S1
tmux_keys q
wait_screen "back on the list, the call is mine" '^> PRIORITY +Priya Firstcall .* you'
tmux_keys c
wait_screen "asked how it went" 'How did the call go\?'
tmux_keys Tab
tmux_text "Has bottled water"
tmux_keys Enter
wait_screen "recorded" 'it has left the list'
wait_screen "the list moved on" "$((calls - 1)) calls to make"
is "the call is done as reached" "$(q "SELECT status || ' ' || outcome FROM notify_call WHERE customer_id = $cust")" "done reached"
is "an outbound phone contact by the agent" "$(q "SELECT i.channel || ' ' || i.direction || ' ' || s.login_role FROM interaction i JOIN staff s ON s.id = i.staff_id WHERE i.customer_id = $cust AND i.direction = 'outbound' AND i.channel = 'phone' AND i.summary LIKE 'Do not drink notice%'")" "phone outbound $a1"

TMUX_SOCK=$S2
wait_screen "the other agent's list drops it by itself" "$((calls - 1)) calls to make" 5
unlike "and no longer shows it" "$(tmux_screen)" 'Priya Firstcall'

TMUX_SOCK=$S1
tmux_keys Escape
wait_screen "Esc goes back to search" 'Search:'
tmux_text "Priya Firstcall"
wait_screen "found" '^> .*Priya Firstcall'
tmux_keys Enter 4
wait_screen "the customer's contacts show the call" '^> .* phone +Cath Call.* Told about.* Do not drink notice'

tap_done
