#!/usr/bin/env bash
# test_tmux_region.sh — a New York utility (careline seed --region us-nyc) in a real 80x24 terminal: search by ZIP code and by a number written the American way, the customer view in dollars with the ZIP code and New York times, the complaint form's deadlines without a British payment, a credit asked in dollars; the same on a vt100 without colour or UTF-8.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_tregion_$$
trap 'tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
createdb "$PGDATABASE" && "$CARELINE" migrate >/dev/null && "$CARELINE" seed --customers 300 --region us-nyc >/dev/null ||
    { not_ok "a New York demo database"; tap_done; exit 1; }

# Customer 1: in the zone of the active event, with an open complaint.
row=$(q "SELECT c.account_no, p.postcode, c.phone_e164, z.name FROM customer c
          JOIN customer_premise cp ON cp.customer_id = c.id JOIN premise p ON p.id = cp.premise_id
          JOIN zone z ON z.id = p.zone_id WHERE c.id = 1 ORDER BY p.id LIMIT 1" | tr '|' ' ')
read -r acct zip phone borough <<<"$row"
# The number as a New Yorker says it: (718) 609-5798.
nanp="(${phone:2:3}) ${phone:5:3}-${phone:8:4}"
since=$(q "SELECT to_char(started_at AT TIME ZONE 'America/New_York', 'HH24:MI') FROM critical_event WHERE status = 'active'")
balance=$(q "SELECT to_char(balance, 'FM999999990.00') FROM customer WHERE id = 1")
ref=$(q "SELECT reference FROM complaint WHERE customer_id = 1 AND status NOT IN ('resolved', 'closed') ORDER BY opened_at LIMIT 1")

for term in xterm-256color vt100; do
    extra=()
    [ "$term" = vt100 ] && extra=(LANG=C LC_ALL=C NO_COLOR=1)
    tmux_start 80 24 env TERM=$term "${extra[@]}" "$CARELINE"
    wait_screen "$term: search screen" 'Search:'
    tmux_text "$zip"
    wait_screen "$term: the list names ZIP codes" 'Account +Name +Address +ZIP code'
    wait_screen "$term: the ZIP code finds the customer" "^> .* $zip "
    tmux_keys C-u
    tmux_text "$nanp"
    wait_screen "$term: \"$nanp\" finds the customer too" "^> $acct "
    tmux_keys Enter
    wait_screen "$term: the customer opens" "Acct $acct"
    wait_screen "$term: balance and arrears in dollars" "Balance \\\$$balance +Arrears \\\$[0-9]+\\.[0-9]{2}"
    wait_screen "$term: the event's times are New York's" "since $since"
    wait_screen "$term: the premise with its ZIP code" ", [A-Za-z ]+ $zip \\($borough"
    screen=$(tmux_screen)
    unlike "$term: no pound sign, no GBP" "$screen" '£|GBP'
    tmux_keys 3
    wait_screen "$term: bills in dollars" '^>? *[0-9]{2} [A-Z][a-z]{2} [0-9]{4} .* \$[0-9]+\.[0-9]{2} '
    tmux_keys n
    wait_screen "$term: n opens the complaint form" 'New complaint'
    wait_screen "$term: deadlines by New York's working calendar" 'Acknowledge by [A-Z][a-z]{2} [0-9]{2} [A-Z][a-z]{2} (0[89]|1[0-7]):'
    unlike "$term: no Guaranteed Standards payment is promised" "$(tmux_screen)" 'payment if missed'
    tmux_keys Escape
    wait_screen "$term: Esc backs out of the form" "Acct $acct"
    tmux_keys 5
    wait_screen "$term: the complaints panel" "$ref"
    tmux_keys Enter
    wait_screen "$term: the complaint opens" "$ref"
    tmux_keys g
    wait_screen "$term: a goodwill credit is asked in dollars" 'Amount \(USD\)'
    tmux_text '$12.50'
    tmux_keys Enter
    wait_screen "$term: \$12.50 is an amount" 'Goodwill credit of 12\.50'
    tmux_keys Escape
    tmux_keys C-c
    wait_quit "$term: C-c quits"
    tmux_stop
done
is "the credits were kept as 12.50 dollars" "$(q "SELECT count(*) FROM goodwill_credit WHERE amount = 12.50 AND customer_id = 1")" 2
tap_done
