#!/usr/bin/env bash
# test_tmux_keys.sh — the keys terminals really send, as raw bytes whatever TERM says: Home/End/Insert/Delete/F1 in every common encoding, never read as Esc plus text (End on Approvals), and bracketed paste inserted as text that never acts.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_tkeys_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state
acct=$(q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 5")
hex() { printf '%b' "$1" | od -An -tx1 | tr -s ' \n' ' '; }
raw() { tmux -S "$TMUX_SOCK" send-keys -t t -H $(hex "$1"); }   # raw BYTES (printf %b escapes)
clear_input() { tmux_keys C-e C-u; wait_screen "$1" 'Search: *$'; }

# Home and End as xterm, vt220/screen/tmux/linux/PuTTY, rxvt and application mode send them.
pairs=('\e[1~ \e[4~' '\e[7~ \e[8~' '\e[H \e[F' '\eOH \eOF' '\e[1;5H \e[1;5F')
for term in xterm vt100 screen linux; do
    tmux_start 80 24 env TERM=$term "$CARELINE"
    wait_screen "$term: search screen" 'Search:'
    for p in "${pairs[@]}"; do
        home=${p% *}; end=${p#* }
        tmux_text "mid"
        wait_screen "$term: typed" 'Search: *mid'
        raw "$home"; tmux_text "<"; raw "$end"; tmux_text ">"
        wait_screen "$term: Home $home and End $end move the cursor" 'Search: *<mid>( |$)' 5
        if tmux_screen | grep -qE '\[|~|Help'; then not_ok "$term: nothing of $p typed as text" "$(tmux_screen)"; else ok "$term: nothing of $p typed as text"; fi
        clear_input "$term: cleared"
    done
    # Delete, Insert, and sequences nobody binds: never text.
    tmux_text "abc"
    raw '\e[D\e[D\e[3~\e[2~\e[1;5X\e[I\e[O'
    tmux_text "."
    wait_screen "$term: Delete removes under the cursor, the rest does nothing" 'Search: *a\.c( |$)' 5
    clear_input "$term: cleared again"
    # F1 in three encodings: help, on the screen it was pressed on.
    for f1 in '\e[11~' '\eOP' '\e[[A'; do
        raw "$f1"
        wait_screen "$term: F1 as $f1 opens help" 'Help: Find a customer' 5
        tmux_keys x
        wait_screen "$term: any key closes help" 'Search: *$'
    done
    # End on Approvals stays on Approvals (it used to leave and type "[4~y").
    tmux_keys C-r
    wait_screen "$term: approvals" 'Careline . Approvals'
    raw '\e[4~'; raw '\e[1~'; raw '?'
    wait_screen "$term: End and Home keep Approvals open (help for Approvals follows)" 'Help: Approvals' 5
    tmux_keys x
    wait_screen "$term: help closed" 'Careline . Approvals'
    tmux_keys q
    wait_screen "$term: q back to the search, with nothing typed there" 'Search: *$'
    # Bracketed paste: the Enter and the q inside are text, not keys.
    raw '\e[200~Jo\rq\e[201~'
    wait_screen "$term: a paste into the search is text only" 'Search: *Jo q( |$)' 5
    clear_input "$term: cleared after the paste"
    tmux_keys C-c
    wait_quit "$term: C-c quits"
    tmux_stop
done

# The terminal is asked for bracketed paste where it has it: tmux brackets
# its paste buffer only for a program that switched the mode on.
for term in xterm-256color screen; do
    tmux_start 80 24 env TERM=$term "$CARELINE"
    wait_screen "$term: search screen" 'Search:'
    tmux -S "$TMUX_SOCK" set-buffer -b p "$(printf 'pp\rq')"
    tmux -S "$TMUX_SOCK" paste-buffer -p -b p -t t
    wait_screen "$term: tmux's paste arrives bracketed, as text" 'Search: *pp q( |$)' 5
    clear_input "$term: cleared"
    tmux_keys C-c
    wait_quit "$term: quits"
    tmux_stop
done

# A paste into the complaint description keeps its line breaks; nothing in it acts.
tmux_start 80 24 env TERM=xterm "$CARELINE"
wait_screen "paste: search screen" 'Search:'
tmux_text "$acct"
wait_screen "paste: found" "^> $acct"
tmux_keys Enter
wait_screen "paste: customer open" "Acct $acct"
tmux_keys n
wait_screen "paste: intake" 'New complaint'
tmux_keys Tab
raw '\e[200~First pasted line\r\nSecond line \e[4~ and \x18 no submit\rThird\e[201~'
wait_screen "paste: line one" '^ First pasted line *$' 5
wait_screen "paste: line two, the escape and C-x inside kept from acting" '^ Second line \[4~ and +no submit *$' 5
wait_screen "paste: line three" '^ Third *$' 5
if tmux_screen | grep -q 'saved'; then not_ok "paste: nothing was submitted"; else ok "paste: nothing was submitted"; fi
tmux_keys Escape
wait_screen "paste: Esc asks" 'Press Esc again'
tmux_keys Escape
wait_screen "paste: and leaves" 'Careline . Customer'
tmux_keys C-c
tmux_stop
tap_done
