#!/usr/bin/env bash
# test_tmux_event.sh — in real terminals: a supervisor declares an event on the event screen (preview first) and an agent's open customer view shows the banner within a second, with every terminal told in its status line; the update and the close reach it as fast; an agent cannot declare. Also at TERM=vt100 LANG=C NO_COLOR=1, by postcode sector.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_event_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
agent=ev_agent_$$; super=ev_super_$$
S1= S2=
cleanup() {
    [ -n "$S1" ] && tmux -S "$S1" kill-server 2>/dev/null
    [ -n "$S2" ] && tmux -S "$S2" kill-server 2>/dev/null
    dropdb --if-exists "$PGDATABASE"
    q "DROP ROLE IF EXISTS $agent; DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$agent', 'Amy Agent', 'agent'), ('$super', 'Sam Supervisor', 'supervisor')" >/dev/null

on() { TMUX_SOCK=$1; }                 # on SOCKET: the terminal the next keys go to
now_ms() { date +%s%3N; }
# within_second NAME REGEX [absent]: the agent's screen shows (or no longer shows) REGEX within 1 s of $t0.
within_second() {
    local name=$1 re=$2 absent=${3:-} took
    on "$S1"
    for _ in $(seq 200); do
        if tmux_screen | grep -qE -- "$re"; then [ -z "$absent" ] && break; else [ -n "$absent" ] && break; fi
        sleep 0.02
    done
    took=$(( $(now_ms) - t0 ))
    if [ -z "$absent" ] && ! tmux_screen | grep -qE -- "$re"; then not_ok "$name" "never showed: $re" "$(tmux_screen)"; return; fi
    if [ -n "$absent" ] && tmux_screen | grep -qE -- "$re"; then not_ok "$name" "never went: $re" "$(tmux_screen)"; return; fi
    if [ "$took" -le 1000 ]; then ok "$name (${took} ms)"; else not_ok "$name" "took ${took} ms"; fi
}

# A customer whose zone has no active event, with the zone's code and their postcode sector.
row=$(q "SELECT c.account_no || '|' || z.code || '|' || left(p.postcode, -2) FROM customer c
          JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL AND cp.role = 'billing'
          JOIN premise p ON p.id = cp.premise_id JOIN zone z ON z.id = p.zone_id
         WHERE NOT EXISTS (SELECT 1 FROM critical_event_customer ec WHERE ec.customer_id = c.id)
         ORDER BY c.id LIMIT 1")
IFS='|' read -r acct zone sector <<<"$row"

for term in xterm-256color vt100; do
    extra=()
    [ "$term" = vt100 ] && extra=(LANG=C LC_ALL=C NO_COLOR=1)
    # By zone in one run, by postcode sector alone in the other.
    if [ "$term" = vt100 ]; then area_keys=(Tab Tab); area_text=$sector; reach_sql="NULL, '{}', '{\"$sector\"}'"
    else area_keys=(Tab); area_text=$zone; reach_sql="NULL, '{$zone}', '{}'"; fi
    reach=$(q "SELECT sum(customers) FROM critical_event_reach($reach_sql)")

    tmux_start 80 24 env TERM=$term "${extra[@]}" PGUSER=$agent "$CARELINE"; S1=$TMUX_SOCK
    wait_screen "$term agent: search" 'Search:'
    tmux_text "$acct"
    wait_screen "$term agent: found" "^> $acct"
    tmux_keys Enter
    wait_screen "$term agent: the customer opens" "Acct $acct"
    if tmux_screen | grep -q 'restore est'; then not_ok "$term agent: no banner yet"; else ok "$term agent: no banner yet"; fi

    tmux_start 80 24 env TERM=$term "${extra[@]}" PGUSER=$super "$CARELINE"; S2=$TMUX_SOCK
    wait_screen "$term supervisor: search" 'Search:'
    tmux_keys C-v
    wait_screen "$term supervisor: C-v lists the events, active first" '^> ACTIVE'
    tmux_keys n
    wait_screen "$term supervisor: n opens the declare form" 'Declare a critical event'
    tmux_keys F2
    wait_screen "$term supervisor: F2 on an empty form names the first problem" 'give the event a title'
    tmux_keys BTab b
    wait_screen "$term supervisor: b chooses the boil-water notice" 'Boil-water notice'
    tmux_keys Tab; tmux_text "Boil notice $term"
    tmux_keys "${area_keys[@]}"; tmux_text "$area_text"
    [ "$term" = vt100 ] && tmux_keys Tab Tab || tmux_keys Tab Tab Tab
    tmux_text "+2d"
    tmux_keys Tab Tab; tmux_text "Test town"
    tmux_keys Tab; tmux_text "the leisure centre"
    wait_screen "$term supervisor: the message fills in as it is typed" 'boil water notice in Test town'
    wait_screen "$term supervisor: with its SMS length" 'Customers get, 2 SMS \(GSM-7'
    tmux_keys Tab; tmux_text "Please boil all drinking water: $term."
    tmux_keys F2
    wait_screen "$term supervisor: the preview counts who it reaches" "It reaches $reach customers?:"
    wait_screen "$term supervisor: and asks to confirm" 'Enter or .* confirms'
    is "$term: nothing is declared before confirming" "$(q "SELECT count(*) FROM critical_event WHERE title = 'Boil notice $term'")" 0
    t0=$(now_ms)
    tmux_keys Enter
    within_second "$term agent: the banner appears within a second of the declare" 'BOIL WATER NOTICE since'
    on "$S1"
    wait_screen "$term agent: the banner says when it was updated" 'updated [0-9]{2}:[0-9]{2}'
    wait_screen "$term agent: the read-out" "Please boil all drinking water: $term"
    on "$S2"
    wait_screen "$term supervisor: the event screen opens on it" "ACTIVE Boil-water notice: Boil notice $term"
    is "$term: declared once, by the supervisor" "$(q "SELECT count(*) || ' ' || min(s.login_role) FROM critical_event e JOIN staff s ON s.id = e.declared_by WHERE e.title = 'Boil notice $term'")" "1 $super"
    # Messages going out move the progress on the open screen, without a key (no worker runs here:
    # they are marked sent as a worker would).
    wait_screen "$term supervisor: its notifications are queued" 'Notifications of version 1: [1-9][0-9]* queued, 0 sent'
    q "UPDATE notify_message SET status = 'sent', sent_at = now() WHERE status = 'queued' AND channel <> 'call'
        AND event_id = (SELECT id FROM critical_event WHERE title = 'Boil notice $term')" >/dev/null
    wait_screen "$term supervisor: the progress follows the sending by itself" \
        'Notifications of version 1: 0 queued, [1-9][0-9]* sent' 8

    # The update: a new estimate, told within a second.
    tmux_keys u
    wait_screen "$term supervisor: u opens the update" 'Update the event'
    tmux_keys Tab Tab Tab; tmux_text "+3d"
    tmux_keys F2
    wait_screen "$term supervisor: the update's preview" 'Update the event\?'
    old=$(q "SELECT to_char(estimated_restore_at AT TIME ZONE careline_timezone(), 'Dy DD Mon') FROM critical_event WHERE title = 'Boil notice $term'")
    t0=$(now_ms)
    tmux_keys Enter
    new=$(date -d "@$(q "SELECT extract(epoch FROM now() + interval '3 days')::bigint")" '+%a %d %b')
    within_second "$term agent: the new estimate within a second" "restore est\\. $new"
    on "$S1"
    wait_screen "$term agent: the status line says it was updated" 'Boil-water notice updated [0-9]{2}:[0-9]{2}' 2

    # The close: the banner goes within a second.
    on "$S2"
    wait_screen "$term supervisor: back on the event" "version 2"
    tmux_keys x
    wait_screen "$term supervisor: x opens the close" 'Close the event'
    tmux_keys F2
    wait_screen "$term supervisor: the close's preview" 'Close the event\?'
    t0=$(now_ms)
    tmux_keys Enter
    within_second "$term agent: the banner goes within a second of the close" 'BOIL WATER NOTICE' absent
    on "$S2"
    wait_screen "$term supervisor: the event has ended" "ENDED Boil-water notice"
    is "$term: three versions, three revisions" "$(q "SELECT string_agg(r.action, ' ' ORDER BY r.version) FROM critical_event_revision r JOIN critical_event e ON e.id = r.event_id WHERE e.title = 'Boil notice $term'")" "declare update close"

    # The agent sees the list but cannot declare.
    on "$S1"
    tmux_keys q
    wait_screen "$term agent: back to search" 'Search:'
    tmux_keys C-v
    wait_screen "$term agent: the events list" 'Boil notice'
    if tmux_screen | grep -q ' n declare'; then not_ok "$term agent: declare is not offered"; else ok "$term agent: declare is not offered"; fi
    tmux_keys n
    wait_screen "$term agent: n says who may" 'Only a supervisor declares'
    tmux_stop; on "$S2"; tmux_stop; S1= S2=
done

tap_done
