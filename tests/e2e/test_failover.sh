#!/usr/bin/env bash
# test_failover.sh — a primary and a streaming standby; the primary dies while an agent types a complaint, and again while a save is on its way; the standby is promoted; Careline finds the new primary by itself, says so, and every complaint exists exactly once.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/pgpair.sh"
T=$(mktemp -d)
trap 'tmux_stop; pgpair_stop; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state
DB=careline

# pair_up: a fresh primary + standby with a small seeded database; a config
# naming both servers (libpq tries them in turn and keeps the writable one).
pair_up() {
    pgpair_stop
    pgpair_start || { not_ok "start a primary and a streaming standby"; tap_done; exit 1; }
    createdb "$DB" && PGDATABASE=$DB "$CARELINE" migrate >"$T/migrate.log" 2>&1 \
        && PGDATABASE=$DB "$CARELINE" seed --customers 300 >"$T/seed.log" 2>&1 \
        || { not_ok "migrate and seed the primary" "$(tail -5 "$T"/*.log)"; tap_done; exit 1; }
    pgpair_wait_streaming || { not_ok "the standby caught up"; tap_done; exit 1; }
    cat >"$T/careline.conf" <<EOF
connection = {
  conninfo = "$PGPAIR_CONNINFO dbname=$DB";
  connect_timeout = 2;
};
EOF
}
# Counted on whichever server is the primary now.
count() { psql -h "$PGPAIR_STANDBY_SOCK" -p "$PGPAIR_STANDBY_PORT" -d "$DB" -XAtqc \
    "SELECT count(*) FROM complaint WHERE description LIKE '$1%'"; }
primary_q() { psql -h "$PGPAIR_PRIMARY_SOCK" -p "$PGPAIR_PRIMARY_PORT" -d "$DB" -XAtqc "$1"; }

open_intake() {   # open_intake TAG: search, open the customer, start a complaint in "Low pressure"
    wait_screen "$1: search screen" 'Search:'
    tmux_text "$acct"
    wait_screen "$1: found" "^> $acct"
    tmux_keys Enter
    wait_screen "$1: customer open" "Acct $acct"
    tmux_keys n
    wait_screen "$1: intake form" 'New complaint'
    tmux_text "low pressure"
    wait_screen "$1: category" 'Water supply / Low pressure'
    tmux_keys Enter
}

# 1. The primary dies while the agent is typing; the rest of the text is typed
# with no server at all; the standby is promoted; the save finds it.
pair_up
acct=$(primary_q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 5")
tmux_start 80 24 "$CARELINE" --config "$T/careline.conf"
open_intake typing
first="Failover while typing: pressure drops"
tmux_text "$first"
wait_screen "typing: the deadlines are shown" 'Acknowledge by'
pgpair_kill_primary
rest=" every evening since Monday"
tmux_text "$rest"
wait_screen "typing: every key is echoed with no server" "Monday"
wait_screen "typing: the status line says the server is gone" 'OFFLINE|not answering|[Rr]econnect' 15
pgpair_promote
tmux_keys C-x
wait_screen "typing: saved on the new primary" 'Complaint C-[0-9-]+ saved' 40
is "typing: exactly one complaint, with all of its text" \
   "$(psql -h "$PGPAIR_STANDBY_SOCK" -p "$PGPAIR_STANDBY_PORT" -d "$DB" -XAtqc \
      "SELECT count(*) FROM complaint WHERE description = '$first$rest'")" 1
if tmux_screen | grep -q 'OFFLINE'; then not_ok "typing: back online" "$(tmux_screen)"; else ok "typing: back online"; fi
tmux_keys C-c
tmux_stop

# hold_inserts TABLE: a trigger holds inserts into TABLE open on the old
# primary only (its port), so a kill lands while the save is in flight.
hold_inserts() {
    primary_q "CREATE FUNCTION hold_insert() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
    IF current_setting('port') = '$PGPAIR_PRIMARY_PORT' THEN PERFORM pg_sleep(30); END IF;
    RETURN NEW;
END \$\$;
CREATE TRIGGER hold_in_flight BEFORE INSERT ON $1 FOR EACH ROW EXECUTE FUNCTION hold_insert();" >/dev/null
    pgpair_wait_streaming >/dev/null
}
wait_held() {   # wait_held TAG: the insert has reached the primary and is held there
    for ((i = 0; i < 100; i++)); do
        [ "$(primary_q "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")" = 1 ] && break
        sleep 0.1
    done
    is "$1: the save is on its way (held on the primary)" \
       "$(primary_q "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")" 1
}

# 2. The primary dies between the save being sent and its answer: a trigger
# holds the insert open on the old primary only (its port), so the kill lands
# while the transaction is in flight and never commits there.
pair_up
acct=$(primary_q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 6")
hold_inserts complaint
tmux_start 80 24 "$CARELINE" --config "$T/careline.conf"
open_intake inflight
text="Failover in flight: no water pressure upstairs"
tmux_text "$text"
wait_screen "inflight: the deadlines are shown" 'Acknowledge by'
tmux_keys C-x
wait_held inflight
pgpair_kill_primary
pgpair_promote
wait_screen "inflight: saved on the new primary" 'Complaint C-[0-9-]+ saved' 40
is "inflight: exactly one complaint" "$(count "$text")" 1
tmux_keys C-c
wait_quit "inflight: quits normally"
tmux_stop
# Nothing left in the journal to send again.
tmux_start 80 24 "$CARELINE" --config "$T/careline.conf"
wait_screen "inflight: starts on the new primary" 'Search:'
if tmux_screen | grep -q 'Unsent'; then not_ok "inflight: nothing unsent is offered" "$(tmux_screen)"; else ok "inflight: nothing unsent is offered"; fi
tmux_keys C-c
tmux_stop
is "inflight: still exactly one complaint" "$(count "$text")" 1

# 3. The same with a contact being recorded: the form keeps what was typed
# and its id, so the save that follows the failover is the same contact.
pair_up
acct=$(primary_q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 8")
hold_inserts interaction
tmux_start 80 24 "$CARELINE" --config "$T/careline.conf"
wait_screen "contact: search screen" 'Search:'
tmux_text "$acct"
wait_screen "contact: found" "^> $acct"
tmux_keys Enter
wait_screen "contact: customer open" "Acct $acct"
tmux_keys c
wait_screen "contact: the contact form" 'Record this contact'
summary="Failover contact: asked about the pressure"
tmux_text "$summary"
tmux_keys Enter
wait_held contact
pgpair_kill_primary
pgpair_promote
# Sent again by itself, or offered again with what was typed: either way once.
# When it is offered again, the whole message shows, down to what to press.
hint=unseen
for ((i = 0; i < 400; i++)); do
    scr=$(tmux_screen)
    grep -q 'Contact recorded' <<<"$scr" && break
    if grep -q 'Not saved' <<<"$scr"; then
        if tr -s '\n ' '  ' <<<"$scr" | grep -q 'Press Enter to try again'; then [ "$hint" = unseen ] && hint=whole
        else hint="cut: $scr"; fi
        tmux_keys Enter; sleep 0.5
    fi
    sleep 0.1
done
[ "$hint" = unseen ] || is "contact: a failed save says what to press, uncut" "$hint" whole
wait_screen "contact: recorded on the new primary" 'Contact recorded' 5
is "contact: exactly one contact" "$(psql -h "$PGPAIR_STANDBY_SOCK" -p "$PGPAIR_STANDBY_PORT" -d "$DB" -XAtqc \
    "SELECT count(*) FROM interaction WHERE summary = '$summary'")" 1
tmux_keys C-c
tmux_stop
tap_done
