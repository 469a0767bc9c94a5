#!/usr/bin/env bash
# test_tmux_readout.sh — at 80x24, on xterm and on vt100 with LANG=C and NO_COLOR: nothing the agent must read is cut — the event's read-out message (customer view, intake, script runner), the header's flags, every search flag, the intake's guaranteed payment, a complaint's description and its history notes.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/fixtures.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_readout_$$
createdb -T "$MIGRATED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the migrated template"; tap_done; exit 1; }
trap 'tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
fixtures_load || not_ok "load fixtures"
"$CARELINE" scripts load "$TOP/conf/scripts/no_water_event.conf" >/dev/null || not_ok "load the event script"

# Every flag at once, and an event whose message is far longer than the room.
msg="We are sorry: a burst main at the Testbury works means the water in your area must be boiled before drinking."
msg="$msg Please boil all water used for drinking, cooking, brushing teeth and making ice, and let it cool first."
msg="$msg Bottled water is being delivered to customers on our Priority Services Register, medical needs first."
msg="$msg Do not read your meter until the notice is lifted: any estimated bill in this period will be put right."
msg="$msg We will text or call you as soon as the notice is lifted. The last word is GOLDFINCH-MARMALADE."
desc="The customer says the water stopped at six this morning. $(printf 'The neighbours have no water either. %.0s' 1 2 3 4 5 6) Last word DESCRIPTION-ENDS-HERE."
note="Rang the works: $(printf 'crews are on site and expect supply back by the evening. %.0s' 1 2 3 4) NOTE-ENDS-HERE."
q "UPDATE customer SET vulnerability = '{medical_water,dialysis,hearing,sight,mobility,language}', non_digital = true,
          segment = 'key_account' WHERE id = 990001;
   INSERT INTO bill (customer_id, premise_id, period_start, period_end, issued_on, due_on, amount)
   VALUES (990001, 990001, current_date - 120, current_date - 30, current_date - 28, current_date - 7, 12.50);
   WITH e AS (INSERT INTO critical_event (kind, title, agent_message, estimated_restore_at, category_id)
              VALUES ('boil_water', 'Boil water notice Testbury', \$m\$$msg\$m\$, now() + interval '1 day',
                      (SELECT id FROM complaint_category WHERE code = 'supply.interruption')) RETURNING id)
   INSERT INTO critical_event_zone SELECT e.id, z.id FROM e, zone z WHERE z.code = 'ZT1';
   WITH k AS (INSERT INTO complaint (customer_id, category_id, channel, description, critical_event_id)
              SELECT 990001, c.id, 'phone', \$d\$$desc\$d\$, (SELECT id FROM critical_event)
                FROM complaint_category c WHERE c.code = 'supply.interruption' RETURNING id)
   INSERT INTO complaint_history (complaint_id, at, kind, note) SELECT k.id, now() + interval '1 minute', 'note', \$n\$$note\$n\$ FROM k" >/dev/null \
    || not_ok "the event, the complaint and its note"

# whole_in_view NAME END: open a scrolling view, go to its end, find END there.
whole_in_view() {
    wait_screen "$1: the whole text opens" ' Careline . Details'
    tmux_keys G
    wait_screen "$1: its last words are there" "$2"
}

for term in xterm-256color vt100; do
    extra=()
    [ "$term" = vt100 ] && extra=(LANG=C LC_ALL=C NO_COLOR=1)
    tmux_start 80 24 env TERM=$term "${extra[@]}" "$CARELINE"
    wait_screen "$term: search" 'Search:'
    tmux_text "quuxworth"
    # Six flags do not fit the column as words: each shows as its letter.
    wait_screen "$term: every flag in the search results" '^> 4999999991 .*E P V N K A *$'
    tmux_keys F1
    wait_screen "$term: help opens" 'Help: Find a customer'
    # Plain control keys: escape sequences are another item's (issue 10).
    tmux_keys C-f C-f C-f
    wait_screen "$term: the help says what the letters mean" 'NODIGI \(N\) non-digital'
    tmux_keys Escape
    wait_screen "$term: help closed" '^> 4999999991 '
    tmux_keys Enter
    wait_screen "$term: the customer opens" 'Acct 4999999991'
    wait_screen "$term: the last vulnerability wraps onto another line, not cut" 'needs language support\]'
    wait_screen "$term: and the flags after it too" '\[KEY ACCOUNT\]'
    wait_screen "$term: the read-out starts in the banner" 'Read out: "We are sorry'
    wait_screen "$term: the banner names the key for the rest" 'e reads the whole message'
    cut=$(tmux_screen | sed -n '/Read out:/,/reads the whole message/p' | grep -E '[A-Za-z](…|~) *([↓v] *)?$')
    is "$term: no banner line loses its end to a cut mark" "$cut" ""
    tmux_keys e
    whole_in_view "$term: customer view" 'GOLDFINCH-MARMALADE\."'
    tmux_keys q

    # The intake form: the read-out, and the guaranteed payment at 80 columns.
    tmux_keys n
    wait_screen "$term: intake opens with the read-out" 'Read out: "We are sorry'
    wait_screen "$term: the deadlines and the payment at stake show in full" 'payment if missed (£|GBP )[0-9]+\.[0-9][0-9]'
    tmux_keys C-g
    whole_in_view "$term: intake" 'GOLDFINCH-MARMALADE'
    tmux_keys q Escape
    wait_screen "$term: back at the customer" 'Acct 4999999991'

    # The complaint: its description and its history note, whole.
    tmux_keys 5
    wait_screen "$term: complaints panel" 'C-[0-9]{4}-[0-9]+'
    tmux_keys Enter
    wait_screen "$term: the complaint" 'Said: The customer says'
    tmux_keys t
    whole_in_view "$term: the description" 'DESCRIPTION-ENDS-HERE\.'
    tmux_keys q
    wait_screen "$term: the history lists the note" '^> .*note'
    tmux_keys Enter
    whole_in_view "$term: the note" 'NOTE-ENDS-HERE\.'
    tmux_keys q

    # The script runner: the step and the event's words, whole.
    tmux_keys s
    wait_screen "$term: the script runs" 'SAY'
    tmux_keys F3
    whole_in_view "$term: runner" 'GOLDFINCH-MARMALADE'
    tmux_keys q
    tmux_keys Enter Enter
    wait_screen "$term: the step with the message says how to see all of it" 'shows the whole text|GOLDFINCH-MARMALADE'
    tmux_resize 60 20
    wait_screen "$term: a resize keeps it running" 'SAY|shows the whole text'
    tmux_stop
done

tap_done
