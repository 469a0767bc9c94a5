#!/usr/bin/env bash
# test_tmux_hostile_input.sh — hostile text typed and pasted (bracketed paste) into each kind of field: the search box, a single-line field, a number field, a multi-line text area, a choice list. Escape sequences, control characters, a bidi override, C1 controls, overlong and invalid UTF-8 bytes, 1 MB: stored verbatim (what is text) or left out with a sentence beside the field (what is not, or does not fit); drawn harmless; nothing reaches the terminal.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/hostile.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_hinput_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
agent=hi_agent_$$
cleanup() {
    tmux_stop
    dropdb --if-exists "$PGDATABASE"
    q "DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, team, group_role) VALUES ('$agent', 'Ivy Input', 'Billing', 'agent')" >/dev/null
row=$(q "SELECT id || ' ' || account_no FROM customer c WHERE NOT EXISTS (SELECT 1 FROM complaint k
          WHERE k.customer_id = c.id AND k.status NOT IN ('resolved', 'closed')) ORDER BY id LIMIT 1")
cid=${row% *} acct=${row#* }
# paste TEXT: bracketed paste of the bytes as they are (-r: tmux turns no LF into CR), as a
# terminal sends a clipboard (tmux adds the markers
# because Careline asked for them).
paste() {
    printf '%s' "$1" >"$T/paste"
    tmux -S "$TMUX_SOCK" load-buffer -b p "$T/paste"
    tmux -S "$TMUX_SOCK" paste-buffer -p -r -d -b p -t t
}
head -c 1048576 /dev/zero | tr '\0' 'x' >"$T/megabyte"
paste_megabyte() {
    tmux -S "$TMUX_SOCK" load-buffer -b p "$T/megabyte"
    tmux -S "$TMUX_SOCK" paste-buffer -p -r -d -b p -t t
}
# Sent in pieces: a byte for every kind of hostile input.
HOSTILE=$'Jo\e[2J\x01nes\t\u202eRTL\u009b1m'

tmux_start 80 24 env PGUSER=$agent "$CARELINE"
hostile_record "$T/raw"

# -- the search box ------------------------------------------------------------------------------------
wait_screen "search" 'Search:'
tmux_text $'\e]0;PWNED\a'
tmux_text $'\e[31m'
sleep 0.3
unlike "search, typed: an escape sequence is never text" "$(tmux_screen | head -2)" '31m|\^\['
paste "$HOSTILE"
wait_screen "search, pasted: control characters are left out, said beside the field" \
    "3 control characters in the pasted text left out"
wait_screen "search, pasted: the rest is text (tab as a space, the override not drawn)" 'Search: .*Jo\[2Jnes RTL'
tmux_keys C-u
paste_megabyte
wait_screen "search, 1 MB pasted: what does not fit is left out, said beside the field" \
    "Full: 512 bytes at most; 1048064 characters were left out"
tmux_keys C-u
tmux_text "$acct"
wait_screen "search still works" "^> $acct"
hostile_clean "search box: nothing reached the terminal"

# -- single-line fields, a number field and a choice list: logging a contact -----------------------------
tmux_keys Enter
wait_screen "customer" '^ Balance '
tmux_keys c
wait_screen "contact form" 'Record this contact'
paste "Summary $HOSTILE"$'\nnext line'
wait_screen "single-line field, pasted: controls left out, said beside it" "3 control characters in the pasted text left out"
wait_screen "single-line field: a line break and a tab are spaces" 'Summary +Summary Jo\[2Jnes RTL1m next line'
tmux_text $'\e[31m'
tmux -S "$TMUX_SOCK" send-keys -t t -H c0 af ff ed a0 80
wait_screen "single-line field, typed bytes that are not UTF-8: shown as the characters they are in Latin-1" \
    'next line.+'
tmux_keys BTab
paste_megabyte
wait_screen "single-line field, 1 MB pasted: left out past its size, said beside it" "Full: 64 bytes at most; 1048512 characters were left out"
tmux_keys BTab BTab BTab
wait_screen "choice list focused" '< phone >'
paste "email"$'\e[2J'
tmux_text $'\e[31m'
sleep 0.3
wait_screen "choice list: pasted and typed escape text change nothing" '< phone >'
tmux_keys Tab Tab Tab Tab Tab
wait_screen "number field focused" '1-5, d declined'
paste $'x4\e'
wait_screen "number field, pasted: the digit taken, the rest left out and said" "digits only: 2 pasted characters left out"
tmux_keys Enter
wait_screen "what is too long for its rule is refused with a sentence beside the field" 'Subject: at most 40 characters'
tmux_keys C-u
tmux_text "hostile"
tmux_keys Enter
wait_screen "the contact is saved" 'Contact recorded|saved'
mine="customer_id = $cid AND staff_id = (SELECT id FROM staff WHERE login_role = '$agent')"
is "stored verbatim: what is text, as typed and pasted (the override too)" \
   "$(q "SELECT summary FROM interaction WHERE $mine")" $'Summary Jo[2Jnes \u202eRTL1m next line\u00c0\u00af\u00ff\u00ed\u00a0\ufffd'
is "the other fields as chosen" "$(q "SELECT subject || ' ' || channel FROM interaction WHERE $mine")" "hostile phone"
is "the number stored is the digit" \
   "$(q "SELECT s.csat FROM satisfaction_survey s JOIN interaction i ON i.id = s.interaction_id WHERE i.customer_id = $cid")" 4
hostile_clean "contact form: nothing reached the terminal"

# -- the multi-line text area: a complaint's description ----------------------------------------------------
tmux_keys n
wait_screen "complaint form" 'New complaint'
tmux_text "meter reading"
wait_screen "a category" 'Meter reading'
tmux_keys Enter
paste $'First line\r\n\tTabbed \u202eRTL\e[2J\x01\u009b\nThird line'
wait_screen "text area, pasted: controls left out, said beside it" "3 control characters in the pasted text left out"
wait_screen "text area: line breaks kept" '^ +Third line'
tmux_keys C-x
wait_screen "the complaint is saved" 'Complaint C-[0-9-]+ saved'
is "text area: stored verbatim, line breaks kept, a tab as a space" \
   "$(q "SELECT description FROM complaint WHERE customer_id = $cid ORDER BY opened_at DESC LIMIT 1")" \
   $'First line\n Tabbed \u202eRTL[2J\nThird line'
back_to_customer() {
    for _ in 1 2 3 4 5; do tmux_screen | grep -q '^ Balance ' && break; tmux_keys Escape; sleep 0.4; done
    wait_screen "back on the customer" '^ Balance '
}
back_to_customer
tmux_keys n
wait_screen "complaint form again" 'New complaint'
tmux_text "meter reading"
wait_screen "a category again" 'Meter reading'
tmux_keys Enter
paste_megabyte
wait_screen "text area, 1 MB pasted: at its limit, said beside it" "At the limit of 16000 bytes"
tmux_keys C-x
wait_screen "a 16000-byte description is saved" 'Complaint C-[0-9-]+ saved|added to'
back_to_customer
is "what was taken is stored whole" \
   "$(q "SELECT octet_length(description) FROM complaint WHERE customer_id = $cid ORDER BY opened_at DESC LIMIT 1")" 16000
hostile_clean "complaint form: nothing reached the terminal"
tmux_keys C-c
wait_quit "Careline quits normally after all of it"

tap_done
