#!/usr/bin/env bash
# test_tmux_conflict_kept.sh — a stale change refused at 80x24 keeps what the agent typed, says in full who changed what (field: before -> after, by whom, when), and one key applies it again; a refusal reads as a sentence and keeps the text; an agent is not offered what only a supervisor may do.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_kept_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
a1=kept_one_$$; a2=kept_two_$$
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
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$a1', 'Ada Early', 'agent'), ('$a2', 'Bob Later', 'agent')" >/dev/null

# A new complaint, alone on its customer so it is the first row of panel 5.
row=$(q "SELECT c.account_no || ' ' || k.reference FROM complaint k JOIN customer c ON c.id = k.customer_id
          WHERE k.status = 'new' AND k.merged_into IS NULL
            AND (SELECT count(*) FROM complaint k2 WHERE k2.customer_id = c.id AND k2.merged_into IS NULL) = 1
          ORDER BY k.opened_at DESC LIMIT 1")
acct=${row% *}; ref=${row#* }
[ -n "$ref" ] || not_ok "the seed has a new complaint"
reason="Photos of the meter, both dials, before Friday"

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

tmux_start 80 24 env PGUSER=$a1 "$CARELINE"; S1=$TMUX_SOCK
wait_screen "Ada: search" 'Search:'
open_it "Ada"
# Only what can succeed is offered: on a new complaint, acknowledge, not resolve or wait.
line=$(tmux_screen | tail -1)
like "Ada: acknowledge is offered on a new complaint" "$line" 'a acknowledge'
unlike "Ada: resolve and wait are not" "$line" 'v resolve|w wait'
unlike "Ada: merging is not offered to an agent" "$line" 'm merge'
tmux_start 80 24 env PGUSER=$a2 "$CARELINE"; S2=$TMUX_SOCK
wait_screen "Bob: search" 'Search:'
open_it "Bob"

TMUX_SOCK=$S1
tmux_keys a
wait_screen "Ada acknowledges" 'Status: acknowledged'
TMUX_SOCK=$S2
# Bob's screen still says new: his change goes to the database, which refuses it as stale.
tmux_keys w
wait_screen "Bob is asked the reason" 'What are we waiting for'
tmux_text "$reason"
tmux_keys Enter
wait_screen "Bob's change is refused, not written over Ada's" 'Not saved: someone else changed this complaint'
wait_screen "it says what changed, from what to what, by whom and when" \
    'Status: new -> acknowledged, by Ada Early at [0-9]{2} [A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2}'
wait_screen "Bob's text is kept, in full" 'Photos of the meter, both dials,'
wait_screen "and the end of it" 'before Friday"'
wait_screen "the status line offers to apply it again" '^ R apply again'
wait_screen "the message names the key" 'R applies it to the complaint as it is now'
is "nothing of Bob's was written" "$(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id WHERE k.reference = '$ref' AND h.to_status = 'waiting_customer'")" 0
tmux_keys R
wait_screen "one key applies it to the complaint as it is now" 'Status: waiting_customer'
is "saved with Bob's own words" "$(q "SELECT status || ': ' || status_reason FROM complaint WHERE reference = '$ref'")" "waiting_customer: $reason"
is "by Bob, once" "$(q "SELECT count(*) FROM complaint_history h JOIN staff s ON s.id = h.staff_id JOIN complaint k ON k.id = h.complaint_id WHERE k.reference = '$ref' AND h.to_status = 'waiting_customer' AND s.login_role = '$a2'")" 1

# A refusal is a sentence, and the text typed is kept for another try.
tmux_keys N
wait_screen "Bob adds a note" 'Add a note'
tmux_keys Escape
wait_screen "the note dialog closes" "^ $ref "
q "ALTER TABLE complaint_history ADD CONSTRAINT no_cheese CHECK (note IS NULL OR note NOT LIKE '%cheese%') NOT VALID" >/dev/null
tmux_keys N
wait_screen "a note again" 'Add a note'
tmux_text "The customer mentioned cheese twice"
tmux_keys Enter
wait_screen "the refusal says so in words" 'Not saved: '
screen=$(tmux_screen)
unlike "no ERROR: and no SQLSTATE on screen" "$screen" 'ERROR:|SQLSTATE|23514'
like "the note is kept, with the key to try again" "$screen" 'R opens it again'
q "ALTER TABLE complaint_history DROP CONSTRAINT no_cheese" >/dev/null
tmux_keys R
wait_screen "R opens the note again with the text in it" 'The customer mentioned cheese twice'
tmux_keys Enter
wait_screen "and now it is saved" 'Note added'
is "the note is in the history once" "$(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id WHERE k.reference = '$ref' AND h.note = 'The customer mentioned cheese twice'")" 1

# Approvals are for supervisors: an agent sees the queue but is offered no decision.
tmux_keys q q Escape
wait_screen "Bob: back at search" 'Search:'
tmux_keys C-r
wait_screen "Bob: the approvals queue" "waiting for a supervisor's decision"
line=$(tmux_screen | tail -1)
unlike "Bob is not offered approve or reject" "$line" 'y approve|n reject'

tap_done
