#!/usr/bin/env bash
# test_tmux_unmatched.sh — the unmatched 311 requests in a real terminal: an import leaves an intersection and two flats at one address for an agent, who opens the screen from search, finds each premise by typing and links it with one key (the complaint opens on the customer), sets one aside with a reason, and sees a second agent's stale link refused; at 80x24, without colour and on a vt100.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/nyc311.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_unmatched_$$
export XDG_STATE_HOME=$T/state
a1=um_a1_$$
cleanup() {
    tmux_stop
    dropdb --if-exists "$PGDATABASE"
    q "DROP ROLE IF EXISTS $a1" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
nyc311_db "$PGDATABASE" || { not_ok "the New York fixture"; tap_done; exit 1; }
q "CREATE ROLE $a1 LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$a1', 'Una Matcher', 'agent')" >/dev/null
{
    echo "$NYC311_HEADER"
    nyc311_row 61000001 '01/16/2024 07:15:00 PM' '' DEP Sewer 'Street Flooding (SJ)' 10036 '' Open '' 'WEST 45 STREET' '8 AVENUE'
    nyc311_row 61000002 '01/17/2024 08:00:00 AM' '' DEP 'Water System' 'Low Water Pressure - WLWP' 11201 '200 CLINTON STREET' Open ''
    nyc311_row 61000003 '01/18/2024 08:00:00 AM' '' DEP 'Water System' 'Hydrant Running (WC3)' 10001 '99 NOWHERE STREET' Open ''
} > "$T/extract.csv"
"$CARELINE" import nyc311 "$T/extract.csv" >/dev/null 2>&1
is "the import leaves three for an agent" "$(q "SELECT count(*) FROM service_request WHERE complaint_id IS NULL")" 3

tmux_start 80 24 env TERM=xterm PGUSER=$a1 "$CARELINE"
wait_screen "agent: search" 'Search:'
tmux_keys F3
wait_screen "F3 opens the unmatched requests" 'Unmatched 311 requests'
wait_screen "how many wait" '3 requests wait for a premise, newest first'
wait_screen "newest first, selected" '^> 2024-01-18 08:00 61000003'
wait_screen "why it waits" 'Why: 99 Nowhere Street, 10001 matched, but no customer has ever held it'
wait_screen "the key for the rest, from the key map" 'C-o shows everything the city sent'
wait_screen "the status line" 'C-d set aside +C-o details +Tab next +Esc back'

# The flats: the address is searched at once; the agent picks the second flat and links it.
tmux_keys Up
tmux_keys Down
wait_screen "the flats' request" '^> 2024-01-17 08:00 61000002'
wait_screen "why: two premises" 'Why: 2 premises have this address: pick the one meant'
wait_screen "its address searched already" 'Find the premise: 200 CLINTON STREET'
wait_screen "both flats found" '2 premises; C-x links the request to the one highlighted'
wait_screen "the first flat" '200 Clinton Street, Apt 1, Brooklyn +11201 +Tom Walsh'
tmux_keys Tab
tmux_keys Down
wait_screen "the second flat highlighted" '^> 200 Clinton Street, Apt 2, Brooklyn +11201 +Ana Silva'
tmux_keys Enter
wait_screen "one key links it: the complaint opens" 'Complaint C-[0-9]{4}-[0-9]{6} opened: NYC 311 61000002 linked'
wait_screen "and the request leaves the list" '2 requests wait for a premise'
is "the complaint is Ana Silva's at the second flat, from 311" \
   "$(q "SELECT customer_id || ' ' || premise_id || ' ' || channel || ' ' || external_ref FROM complaint WHERE external_ref = '61000002'")" \
   "9900005 9900105 311 61000002"
is "linked by the agent" "$(q "SELECT match_kind || ' ' || (SELECT display_name FROM staff WHERE id = linked_by) FROM service_request WHERE external_id = '61000002'")" \
   "agent Una Matcher"

# The intersection: searched by its ZIP, or by typing.
tmux_keys Tab
tmux_keys End
wait_screen "the intersection" '^> 2024-01-16 19:15 61000001'
wait_screen "why: an intersection" 'Why: an intersection \(WEST 45 STREET and 8 AVENUE\)'
wait_screen "searched by its ZIP" 'Find the premise: 10036'
tmux_keys C-u
tmux_text "123 w 45 st"
wait_screen "typing finds the premise (45 is 45th, W and ST left out)" '^> 123 West 45th Street, New York +10036 +Maria Gonzalez'
tmux_keys C-x
wait_screen "C-x links it" 'Complaint C-[0-9]{4}-[0-9]{6} opened: NYC 311 61000001 linked'
wait_screen "one left" '1 request waits for a premise'

# The hydrant nobody holds: set aside with why; Esc on the question keeps it.
tmux_keys C-d
wait_screen "set aside asks why" 'Set the request aside'
tmux_keys Escape
wait_screen "Esc keeps it" '1 request waits for a premise'
tmux_keys C-d
wait_screen "asked again" 'Set the request aside'
tmux_text "Hydrant on the street, no customer"
tmux_keys Enter
wait_screen "set aside" 'NYC 311 61000003 set aside'
wait_screen "nothing left" 'No 311 request waits for a premise'
is "the reason kept with the request" "$(q "SELECT dismiss_reason FROM service_request WHERE external_id = '61000003'")" \
   "Hydrant on the street, no customer"

# A stale link: the request changed under the screen.
q "UPDATE service_request SET dismissed_at = NULL, dismiss_reason = NULL, dismissed_by = NULL WHERE external_id = '61000003'" >/dev/null
tmux_keys C-r
wait_screen "reloaded: it is back" '1 request waits for a premise'
q "UPDATE service_request SET match_note = 'changed elsewhere' WHERE external_id = '61000003'" >/dev/null
tmux_keys C-u
tmux_text "350 5th"
wait_screen "a premise to link to" '^> 350 5th Avenue, New York'
tmux_keys C-x
wait_screen "the stale link is refused" 'Someone else changed the request first; the list is fresh now'
is "and nothing was opened" "$(q "SELECT count(*) FROM complaint WHERE external_ref = '61000003'")" 0
tmux_keys C-o
wait_screen "C-o shows everything the city sent" 'Agency: DEP - Agency'
tmux_keys q
wait_screen "back to the list" 'Unmatched 311 requests'
# A stale set-aside keeps the reason typed.
q "UPDATE service_request SET match_note = 'changed again' WHERE external_id = '61000003'" >/dev/null
tmux_keys C-d
wait_screen "set aside asks why" 'Set the request aside'
tmux_text "Reason kept"
tmux_keys Enter
wait_screen "the stale set-aside is refused, the reason kept" 'Someone else changed it first; C-d again: your reason is kept'
tmux_keys C-d
wait_screen "asked again with the reason typed" 'Reason kept'
tmux_keys Enter
wait_screen "set aside now" 'NYC 311 61000003 set aside'
is "with the reason typed once" "$(q "SELECT dismiss_reason FROM service_request WHERE external_id = '61000003'")" "Reason kept"
tmux_keys Escape
wait_screen "Esc goes back to search" 'Search:'
tmux_stop

# A plain vt100 without colour: every key above has a control-key form.
tmux_start 80 24 env TERM=vt100 NO_COLOR=1 PGUSER=$a1 "$CARELINE"
wait_screen "vt100: search" 'Search:'
tmux_keys C-x
wait_screen "vt100: C-x opens the unmatched requests" 'No 311 request waits for a premise'
tmux_resize 60 16
wait_screen "narrow and short: still drawn" 'No 311 request waits'
tmux_resize 80 24
tmux_keys Escape
wait_screen "vt100: back" 'Search:'
tmux_keys C-c
wait_quit "quits cleanly"
tap_done
