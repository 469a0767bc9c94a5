#!/usr/bin/env bash
# test_tmux_customer.sh — in a real terminal: a supervisor declares an event from another connection and the open customer view shows the banner; a contact is logged.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_tcust_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT

# A customer whose zone has no active event.
row=$(q "SELECT c.account_no || ' ' || p.zone_id FROM customer c
          JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL
          JOIN premise p ON p.id = cp.premise_id
         WHERE p.zone_id NOT IN (SELECT z.zone_id FROM critical_event_zone z
                                   JOIN critical_event e ON e.id = z.event_id AND e.status = 'active')
         ORDER BY c.id LIMIT 1")
acct=${row% *}; zone=${row#* }

# A long e-mail address (and a long balance line with it) is never cut.
long_email="first.middle.lastname-household@a-rather-long-domain.example.co.uk"
q "UPDATE customer SET email = '$long_email', phone_e164 = '+447700900123' WHERE account_no = '$acct'" >/dev/null

for term in xterm-256color vt100; do
    extra=()
    [ "$term" = vt100 ] && extra=(LANG=C LC_ALL=C NO_COLOR=1)
    tmux_start 80 24 env TERM=$term "${extra[@]}" "$CARELINE"
    wait_screen "$term: search screen" 'Search:'
    tmux_text "$acct"
    wait_screen "$term: the account is found" "^> $acct"
    tmux_keys Enter
    wait_screen "$term: the customer opens" "Acct $acct"
    wait_screen "$term: the whole e-mail address shows, on a row of its own if need be" "$long_email" 3
    if tmux_screen | grep -q 'since .* restore est'; then not_ok "$term: no banner before the event"; else ok "$term: no banner before the event"; fi

    # A supervisor, elsewhere, declares a boil-water notice for the zone.
    q "BEGIN;
       WITH e AS (INSERT INTO critical_event (kind, title, agent_message, estimated_restore_at)
                  VALUES ('boil_water', 'Boil notice $term', 'Please boil all drinking water until further notice.',
                          now() + interval '2 days') RETURNING id)
       INSERT INTO critical_event_zone SELECT id, $zone FROM e;
       COMMIT;" >/dev/null
    wait_screen "$term: the banner appears without reopening" 'BOIL WATER NOTICE since' 3
    wait_screen "$term: with the words to read out" 'Read out: "Please boil all drinking water'

    tmux_keys c
    wait_screen "$term: c opens the contact form" 'Record this contact'
    tmux_text "Told about the boil notice on $term"
    tmux_keys Enter
    wait_screen "$term: the contact is saved" 'Contact recorded'
    tmux_keys 4
    wait_screen "$term: it is at the top of the contacts" "^> .*Told about the boil"
    is "$term: stored exactly once" "$(q "SELECT count(*) FROM interaction WHERE summary = 'Told about the boil notice on $term'")" 1
    # The supervisor ends the event: the banner goes.
    q "UPDATE critical_event SET status = 'ended', ended_at = now() WHERE title = 'Boil notice $term'" >/dev/null
    for _ in $(seq 60); do tmux_screen | grep -q 'BOIL WATER NOTICE' || break; sleep 0.05; done
    if tmux_screen | grep -q 'BOIL WATER NOTICE'; then not_ok "$term: the banner goes when the event ends" "$(tmux_screen)"
    else ok "$term: the banner goes when the event ends"; fi
    tmux_keys q
    wait_screen "$term: q goes back to the search" 'Search:'
    tmux_keys C-c
    tmux_stop
done

tap_done
