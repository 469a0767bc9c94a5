#!/usr/bin/env bash
# test_script_customer.sh — the customer view in the scripted mode: banner, flags, all six panels, logging a contact; also on a vt100 without colour or UTF-8.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_cust_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT

# A customer of the demo event's zone, with a vulnerability flag when there is one.
acct=$(q "SELECT c.account_no FROM customer c JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL
          JOIN premise p ON p.id = cp.premise_id JOIN critical_event_zone z ON z.zone_id = p.zone_id
          JOIN critical_event e ON e.id = z.event_id AND e.status = 'active'
          ORDER BY c.priority_services DESC, c.id LIMIT 1")
[ -n "$acct" ] || not_ok "the seed has a customer in the event zone"

# screens NAME: split the dumps of $T/NAME.out into NAME.1, NAME.2, ...
screens() { awk -v base="$T/$1" 'BEGIN {n = 1} /^--$/ {n++; next} {print > (base "." n)}' "$T/$1.out"; }
has() {   # has LABEL FILE REGEX
    if grep -qE -- "$3" "$2"; then ok "$1"; else not_ok "$1" "no line matches: $3" "$(cat "$2")"; fi
}

walk() {   # walk NAME ENV...: open the customer, every panel, log a contact
    local name=$1; shift
    local summary="Asked about the event ($name)"
    cat >"$T/$name.keys" <<KEYS
:type $acct
Enter
:dump
2
:dump
3
:dump
4
:dump
5
:dump
6
:dump
c
:type $summary
Tab
5
Tab
8
Enter
4
:dump
Enter
:dump
KEYS
    env "$@" "$CARELINE" --script "$T/$name.keys" >"$T/$name.out" 2>"$T/$name.err"
    is "$name: the script runs" "$?" 0
    screens "$name"
    local warn='(⚠|!)'
    has "$name: overview header has the account" "$T/$name.1" "Acct $acct"
    has "$name: the event banner is on top" "$T/$name.1" "^ $warn [A-Z ]+ since .+ restore est\\."
    has "$name: the banner has the words to read out" "$T/$name.1" '^ Read out: "'
    has "$name: overview shows where they are supplied" "$T/$name.1" '^ Supplied at '
    has "$name: overview shows the last contact" "$T/$name.1" '^ Last contact '
    has "$name: overview shows the usage trend" "$T/$name.1" '^ Usage \(24 mo\) '
    has "$name: overview shows the bills" "$T/$name.1" '^ Bills '
    has "$name: the status line lists the panels key" "$T/$name.1" 'Tab next panel'
    has "$name: usage panel has the chart line" "$T/$name.2" '24 months, oldest to newest'
    has "$name: usage panel lists months with last year and similar" "$T/$name.2" 'Month +m3 +Last yr Similar Read'
    has "$name: usage rows say how each month was read" "$T/$name.2" '20[0-9][0-9]-[0-9][0-9] .*(actual|smart|ESTIMATED|customer|no read)'
    has "$name: billing panel lists bills" "$T/$name.3" 'Issued +Period +Amount'
    has "$name: billing panel shows payments" "$T/$name.3" '^ Payments: '
    has "$name: billing panel shows the balance history" "$T/$name.3" 'Balance, 24 months'
    has "$name: contacts panel is a timeline" "$T/$name.4" 'Contacts 1-[0-9]+ of [0-9]+, newest first'
    has "$name: complaints panel" "$T/$name.5" '(Reference +Category|No complaints)'
    has "$name: programmes panel" "$T/$name.6" '(Programme +Kind|Not enrolled)'
    has "$name: the logged contact is at the top of the timeline" "$T/$name.7" "^> .*Asked about the event"
    has "$name: Enter shows the full text" "$T/$name.8" "Summary: +$(printf '%s' "$summary" | sed 's/[()]/./g')"
    has "$name: with the direction fetched with it" "$T/$name.8" "Channel: +phone \\(inbound\\)"
    is "$name: the contact was stored once" \
       "$(q "SELECT count(*) FROM interaction WHERE summary = '$summary'")" 1
    is "$name: with the satisfaction survey (CSAT 5, NPS 8)" \
       "$(q "SELECT s.csat || ' ' || s.nps FROM satisfaction_survey s JOIN interaction i ON i.id = s.interaction_id WHERE i.summary = '$summary'")" "5 8"
}

walk utf8 TERM=xterm-256color LANG=C.UTF-8
walk vt100 TERM=vt100 LANG=C LC_ALL=C NO_COLOR=1
if LC_ALL=C grep -q '[^ -~]' "$T/vt100.out"; then
    not_ok "vt100: only ASCII on the screen" "$(LC_ALL=C grep -n '[^ -~]' "$T/vt100.out" | head -3)"
else
    ok "vt100: only ASCII on the screen"
fi

tap_done
