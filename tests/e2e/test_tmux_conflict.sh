#!/usr/bin/env bash
# test_tmux_conflict.sh — two agents in two terminals change the same complaint: the second save is refused with what changed, never a silent overwrite.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_conflict_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
S1= S2=
cleanup() {
    [ -n "$S1" ] && tmux -S "$S1" kill-server 2>/dev/null
    [ -n "$S2" ] && tmux -S "$S2" kill-server 2>/dev/null
    dropdb --if-exists "$PGDATABASE"; rm -rf "$T"
}
trap cleanup EXIT

# A new complaint, alone on its customer so it is the first row of panel 5.
row=$(q "SELECT c.account_no || ' ' || k.reference FROM complaint k JOIN customer c ON c.id = k.customer_id
          WHERE k.status = 'new' AND k.merged_into IS NULL
            AND (SELECT count(*) FROM complaint k2 WHERE k2.customer_id = c.id AND k2.merged_into IS NULL) = 1
          ORDER BY k.opened_at DESC LIMIT 1")
acct=${row% *}; ref=${row#* }
[ -n "$ref" ] || not_ok "the seed has a new complaint"

open_it() {   # open_it LABEL: in the current tmux, open the complaint
    tmux_text "$acct"
    wait_screen "$1: found" "^> $acct"
    tmux_keys Enter
    wait_screen "$1: customer" "Acct $acct"
    tmux_keys 5
    wait_screen "$1: complaints panel" "$ref"
    tmux_keys Enter
    wait_screen "$1: the complaint" "^ $ref "
    wait_screen "$1: status new" 'Status: new'
}

tmux_start 80 24 "$CARELINE"; S1=$TMUX_SOCK
wait_screen "agent 1: search" 'Search:'
open_it "agent 1"
tmux_start 80 24 "$CARELINE"; S2=$TMUX_SOCK
wait_screen "agent 2: search" 'Search:'
open_it "agent 2"

TMUX_SOCK=$S1
tmux_keys a
wait_screen "agent 1 acknowledges" 'Status: acknowledged'
TMUX_SOCK=$S2
tmux_keys w
wait_screen "agent 2 is asked the reason to wait" 'What are we waiting for'
tmux_text "Photos of the meter"
tmux_keys Enter
wait_screen "agent 2's change is refused, not written over agent 1's" 'Not saved: someone else changed this complaint'
wait_screen "agent 2 now sees agent 1's change" 'Status: acknowledged'
is "the database kept agent 1's change" "$(q "SELECT status FROM complaint WHERE reference = '$ref'")" acknowledged
is "and nothing of agent 2's" "$(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id WHERE k.reference = '$ref' AND h.to_status = 'waiting_customer'")" 0
tmux_keys w
wait_screen "agent 2 can try again on what is there now" 'What are we waiting for'
tmux_text "Photos of the meter"
tmux_keys Enter
wait_screen "and then it is saved" 'Status: waiting_customer'

tap_done
