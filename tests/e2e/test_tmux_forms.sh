#!/usr/bin/env bash
# test_tmux_forms.sh — Esc always backs out (first Esc with text asks, the second cancels) on the complaint and contact forms and every screen on the way; CSAT and NPS are typed digits ("1" "0" is ten), out of range explained beside the field.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_tforms_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state
acct=$(q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 11")
cid=$(q "SELECT id FROM customer WHERE account_no = '$acct'")
not_on_screen() {   # not_on_screen NAME REGEX: the screen (settled) does not show REGEX
    if tmux_screen | grep -qE -- "$2"; then not_ok "$1" "$(tmux_screen)"; else ok "$1"; fi
}

for term in xterm-256color vt100; do
    # vt100 without colour as well: NO_COLOR must not lose the field.
    tmux_start 80 24 env TERM=$term $([ $term = vt100 ] && echo NO_COLOR=1) "$CARELINE"
    wait_screen "$term: search screen" 'Search:'
    tmux_text "$acct"
    wait_screen "$term: found" "^> $acct"
    tmux_keys Enter
    wait_screen "$term: customer open" "Acct $acct"

    # The complaint form: text typed, Esc asks, Esc again throws it away.
    tmux_keys n
    wait_screen "$term: intake form" 'New complaint'
    tmux_keys Tab
    tmux_text "Typed and then abandoned"
    wait_screen "$term: the description is typed" 'Typed and then abandoned'
    tmux_keys Escape
    wait_screen "$term: the first Esc asks" 'Press Esc again'
    tmux_keys Escape
    wait_screen "$term: the second Esc leaves the complaint form" 'Careline . Customer'
    not_on_screen "$term: the complaint form is gone" 'New complaint|Typed and then abandoned'
    # Nothing typed on the form and Esc: it closes at once.
    tmux_keys n
    wait_screen "$term: intake again" 'New complaint'
    tmux_keys Escape
    wait_screen "$term: an empty complaint form closes on one Esc" 'Careline . Customer'

    # The contact form, the same.
    tmux_keys c
    wait_screen "$term: contact form" 'Record this contact'
    tmux_text "Abandoned summary"
    wait_screen "$term: the summary is typed" 'Abandoned summary'
    tmux_keys Escape
    wait_screen "$term: the first Esc asks" 'Press Esc again'
    tmux_keys Escape
    wait_screen "$term: the second Esc leaves the contact form" 'Careline . Customer'
    not_on_screen "$term: the contact form is gone" 'Record this contact'
    # A key typed between the two Escs means the agent carries on: ask again.
    tmux_keys c
    wait_screen "$term: contact form again" 'Record this contact'
    tmux_text "Kept"
    tmux_keys Escape
    wait_screen "$term: asks" 'Press Esc again'
    tmux_text "!"
    wait_screen "$term: typing goes on" 'Kept!'
    # Still visibly a field, without colour too: the text plain (a key typed
    # costs only itself), the room after it underlined (SGR 4).
    look=$(tmux -S "$TMUX_SOCK" capture-pane -p -e -N -t t | grep "Summary" | sed 's/.*Kept!//')
    like "$term: the room after the typed text is underlined" "$look" $'^\e\\[([0-9;]*;)?4(;[0-9;]*)?m +'
    tmux_keys Escape
    wait_screen "$term: asks again after more typing" 'Press Esc again'
    tmux_keys Escape
    wait_screen "$term: then leaves" 'Careline . Customer'

    # Every screen on the way backs out with Esc, down to the search.
    tmux_keys 5
    tmux_keys Escape
    wait_screen "$term: Esc from the customer view goes back to the search" 'Search:'
    tmux_keys C-r
    wait_screen "$term: approvals" 'Approvals|approval'
    tmux_keys Escape
    wait_screen "$term: Esc from approvals goes back to the search" 'Search:'
    tmux_keys C-o
    wait_screen "$term: follow-ups" '[Ff]ollow-up'
    tmux_keys Escape
    wait_screen "$term: Esc from follow-ups goes back to the search" 'Search:'
    tmux_keys C-c
    tmux_stop
done

# CSAT and NPS are typed.
tmux_start 80 24 "$CARELINE"
wait_screen "survey: search screen" 'Search:'
tmux_text "$acct"
wait_screen "survey: found" "^> $acct"
tmux_keys Enter
wait_screen "survey: customer open" "Acct $acct"
tmux_keys c
wait_screen "survey: contact form" 'Record this contact'
tmux_text "Survey typed as digits"
tmux_keys Tab
tmux_text "7"
wait_screen "survey: CSAT 7 is out of range, said beside the field" 'Satisfied\? +7 +7 is out of range: type 1 to 5'
tmux_keys Enter
wait_screen "survey: not saved while out of range" 'Satisfied\? +7 .*out of range'
is "survey: nothing was saved" "$(q "SELECT count(*) FROM interaction WHERE summary = 'Survey typed as digits'")" 0
tmux_keys BSpace
tmux_text "4"
wait_screen "survey: Backspace edits, 4 is taken" 'Satisfied\? +4( |$)'
not_on_screen "survey: the message is gone" 'out of range'
tmux_keys Tab
tmux_text "1"
tmux_text "0"
wait_screen "survey: NPS 1 then 0 shows 10" 'Recommend +10 +promoter'
tmux_keys Enter
wait_screen "survey: saved" 'Contact recorded'
is "survey: NPS stored as ten, CSAT four" \
   "$(q "SELECT s.csat || ' ' || s.nps FROM satisfaction_survey s JOIN interaction i ON i.id = s.interaction_id
          WHERE i.summary = 'Survey typed as digits'")" "4 10"
# Stepping still works, and empty is not asked.
tmux_keys c
wait_screen "survey: contact form again" 'Record this contact'
tmux_text "Survey stepped"
tmux_keys Tab Tab Right Right Right
wait_screen "survey: arrows step NPS 0, 1, 2" 'Recommend +2( |$)'
tmux_keys Enter
wait_screen "survey: saved again" 'Contact recorded'
is "survey: CSAT not asked, NPS 2" \
   "$(q "SELECT coalesce(s.csat::text, 'null') || ' ' || s.nps FROM satisfaction_survey s JOIN interaction i ON i.id = s.interaction_id
          WHERE i.summary = 'Survey stepped'")" "null 2"
tmux_keys C-c
tmux_stop

tap_done
