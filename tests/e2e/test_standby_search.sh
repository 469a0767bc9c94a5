#!/usr/bin/env bash
# test_standby_search.sh — search and the dashboard read from a streaming standby (database.search_conninfo, report_conninfo); while the standby lags (replay paused) the search screen and the dashboard say how far behind it is, and stop saying so once it has caught up.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/pgpair.sh"
T=$(mktemp -d)
trap 'tmux_stop; pgpair_stop; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state
DB=careline
role=sb_agent_$$
pgpair_start || { not_ok "start a primary and a streaming standby"; tap_done; exit 1; }
createdb "$DB" && PGDATABASE=$DB "$CARELINE" migrate >"$T/migrate.log" 2>&1 \
    && PGDATABASE=$DB "$CARELINE" seed --customers 300 >"$T/seed.log" 2>&1 \
    || { not_ok "migrate and seed the primary" "$(tail -5 "$T"/*.log)"; tap_done; exit 1; }
primary_q() { psql -h "$PGPAIR_PRIMARY_SOCK" -p "$PGPAIR_PRIMARY_PORT" -d "$DB" -XAtqc "$1"; }
standby_q() { psql -h "$PGPAIR_STANDBY_SOCK" -p "$PGPAIR_STANDBY_PORT" -d "$DB" -XAtqc "$1"; }
# An agent: what the standby lets a login that is not a superuser see.
primary_q "CREATE ROLE $role LOGIN IN ROLE careline_supervisor;
           INSERT INTO staff (login_role, display_name, group_role) VALUES ('$role', 'Sam Standby', 'supervisor')" >/dev/null
pgpair_wait_streaming || { not_ok "the standby caught up"; tap_done; exit 1; }
standby="host=$PGPAIR_STANDBY_SOCK port=$PGPAIR_STANDBY_PORT dbname=$DB user=$role"
cat >"$T/careline.conf" <<EOF
connection = { conninfo = "host=$PGPAIR_PRIMARY_SOCK port=$PGPAIR_PRIMARY_PORT dbname=$DB user=$role"; };
database = {
  search_conninfo = "$standby";
  report_conninfo = "$standby";
  stale_after_seconds = 2;
};
EOF
out=$(env PGUSER=$role "$CARELINE" --config "$T/careline.conf" check-connection 2>&1)
like "check-connection: the primary is the session's server" "$out" 'server: a primary'

acct=$(primary_q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 7")
tmux_start 80 24 "$CARELINE" --config "$T/careline.conf"
wait_screen "search screen" 'Search:'
tmux_text "$acct"
wait_screen "found on the standby" "^> $acct"
unlike "an up-to-date standby is not mentioned" "$(tmux_screen)" 'From a standby|Standby not'

# The standby stops replaying: what the primary commits now, it has not got.
standby_q "SELECT pg_wal_replay_pause()" >/dev/null
new=$(primary_q "INSERT INTO customer (account_no, name, segment) VALUES ('4999999901', 'Stella Standby', 'residential_single') RETURNING account_no")
sleep 3
tmux_keys C-u
tmux_text "$new"
wait_screen "a customer added on the primary is not on the standby yet" "No customer matches \"$new\""
wait_screen "the search screen says the standby is behind, and how far" 'From a standby [0-9]+ (s|min) behind the primary'
tmux_keys C-u
tmux_text "$acct"
wait_screen "results still show, with the note" "^> $acct"
like "the note stays with results read from the lagging standby" "$(tmux_screen)" 'From a standby [0-9]+ (s|min) behind'

# The dashboard reads there too, and says so above its figures.
tmux_keys C-g
wait_screen "the dashboard says its figures come from a standby behind the primary" 'From a standby [0-9]+ (s|min) behind the primary\. '
tmux_keys Escape
wait_screen "back at search" 'Search:'

standby_q "SELECT pg_wal_replay_resume()" >/dev/null
pgpair_wait_streaming >/dev/null
sleep 2.5   # the lag is measured with the answers, at most every two seconds
tmux_keys C-u
tmux_text "$new"
wait_screen "caught up: the new customer is found" "^> $new"
sleep 2.2
tmux_keys C-u
tmux_text "$new"
wait_screen "found again" "^> $new"
unlike "caught up: the note is gone" "$(tmux_screen)" 'From a standby|Standby not'
tmux_keys q
tap_done
