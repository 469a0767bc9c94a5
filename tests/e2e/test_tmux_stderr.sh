#!/usr/bin/env bash
# test_tmux_stderr.sh — in a real terminal: what libpq prints to standard error while the screen is up (its warning about a .pgpass others may read, on every reconnect) never lands over the screen; it goes to careline.log beside the journal, and Careline says so when the screen closes.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_stderr_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT

# A password file others may read: libpq warns on standard error at each connection attempt.
printf '*:*:*:*:unused\n' >"$T/pgpass"; chmod 644 "$T/pgpass"
log=$T/state/careline/careline.log
tmux_start 80 24 env PGPASSFILE="$T/pgpass" XDG_STATE_HOME="$T/state" PGAPPNAME=stderr_$$ "$CARELINE"
wait_screen "search screen" 'Search:'
# The server ends the session: Careline connects again by itself, and libpq warns again.
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$PGDATABASE' AND backend_type = 'client backend' AND pid <> pg_backend_pid()" >/dev/null
for _ in $(seq 100); do grep -q 'password file' "$log" 2>/dev/null && break; sleep 0.1; done
like "libpq's warning went to the log" "$(cat "$log" 2>/dev/null)" 'WARNING: password file .* has group or world access'
wait_screen "connected again" 'online'
sleep 0.3
unlike "and not over the screen (no redraw asked)" "$(tmux_screen)" 'password file|WARNING'
like "the screen is whole: the search line and the status line" "$(tmux_screen)" 'Search:.*online'
tmux_keys C-c
for _ in $(seq 100); do [ "$(tmux_dead_status)" != "0:" ] && break; sleep 0.05; done
like "once the screen is closed, Careline says where the messages are" "$(tmux_screen)" \
    "messages written while the screen was up are in .*careline/careline.log"
tmux_stop
tap_done
