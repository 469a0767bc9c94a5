#!/usr/bin/env bash
# test_tmux_region.sh — a New York utility (careline seed --region us-nyc) in a real 80x24 terminal: search by ZIP code and by a number written the American way, the customer view in dollars with the ZIP code, the phone as (718) 609-5798 and New York times, the complaint form's deadlines without a British payment, a credit asked in dollars; the same on a vt100 without colour or UTF-8; then a month of 311 requests: found by the city's number on the customer's complaints, a ZIP+4 whole in the list, the unmatched requests by ZIP code, the dashboard's clock in New York time.
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
nanp_re="\\(${phone:2:3}\\) ${phone:5:3}-${phone:8:4}"
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
    wait_screen "$term: the phone number as a New Yorker writes it" "Phone $nanp_re "
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
    # Quit only once the answer is in: a credit still on its way stays in
    # the journal, and the next start would open on the unsent work.
    wait_screen "$term: the credit is confirmed" 'Credit applied|sent to a supervisor'
    tmux_keys Escape
    tmux_keys C-c
    wait_quit "$term: C-c quits"
    tmux_stop
done
# A month of the city's 311 requests (as `make demo REGION=us-nyc` loads
# one), a premise with a ZIP+4 code, and the screens that show them.
psql -X -q -v ON_ERROR_STOP=1 -v rows=80 -v dep_in_100=100 -v closed=0 -v open_days=0 -v step=7919 \
     -v start="$(q "SELECT date_trunc('day', now()) - interval '30 days'")" -f "$TOP/tests/lib/nyc311_month.sql" >"$T/month.csv" &&
    "$CARELINE" import nyc311 "$T/month.csv" >/dev/null 2>&1 || not_ok "a month of 311 requests imported"
row=$(q "SELECT k.external_ref, c.account_no, k.reference FROM complaint k JOIN customer c ON c.id = k.customer_id
          WHERE k.channel = '311' ORDER BY k.external_ref LIMIT 1" | tr '|' ' ')
read -r sr acct311 ref311 <<<"$row"
zip4=$(q "UPDATE premise SET postcode = postcode || '-0042' WHERE id = (SELECT min(premise_id) FROM customer_premise WHERE customer_id = 2)
          RETURNING postcode")
acct2=$(q "SELECT account_no FROM customer WHERE id = 2")
tmux_start 80 24 env TERM=xterm-256color "$CARELINE"
wait_screen "311: search screen" 'Search:'
tmux_text "$sr"
wait_screen "the city's 311 number $sr finds its customer" "^> $acct311 "
tmux_keys Enter
wait_screen "311: the customer opens" "Acct $acct311"
tmux_keys 5
wait_screen "the 311 request is a complaint on the customer's view" "$ref311 "
tmux_keys Escape
wait_screen "311: back to search" 'Search:'
tmux_keys C-u
tmux_text "$zip4"
wait_screen "a ZIP+4 code finds its customer, drawn whole" "^> $acct2 .* $zip4 "
tmux_keys F3
wait_screen "F3: the unmatched requests, with the city's ZIP" 'Received +Number +Category +Address +ZIP'
wait_screen "the intersections wait there" 'BROADWAY and WEST 34'
tmux_text 'Broadway'
wait_screen "the premises found are listed by ZIP code" 'Premise +ZIP code +Held by +Account'
tmux_keys Escape
wait_screen "Esc: back to search" 'Find a customer'
tmux_keys F4
wait_screen "F4: the dashboard" 'Dashboard'
# The clock the program draws itself is New York's, whatever the machine's zone.
ny=$(TZ=America/New_York date +%H:%M); ny2=$(TZ=America/New_York date -d '+1 minute' +%H:%M)
wait_screen "its clock is New York's ($ny)" "updated ($ny|$ny2):[0-9]{2}"
tmux_keys C-c
wait_quit "311: C-c quits"
tmux_stop
is "the credits were kept as 12.50 dollars" "$(q "SELECT count(*) FROM goodwill_credit WHERE amount = 12.50 AND customer_id = 1")" 2
tap_done
