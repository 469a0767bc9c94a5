#!/usr/bin/env bash
# test_tmux_intake.sh — nothing typed is lost: SIGKILL mid-description then restore and submit (one complaint); the server stopped mid-intake, the complaint arrives once when it is back.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/pgtmp.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_tintake_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'tmux_stop; pgtmp_server_start >/dev/null 2>&1; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state
acct=$(q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 7")
count() { q "SELECT count(*) FROM complaint WHERE description LIKE '$1%'"; }

# 1. The program is killed while the agent types the description.
text="Killed while typing: meter reading looks wrong"
tmux_start 80 24 "$CARELINE"
wait_screen "kill: search screen" 'Search:'
tmux_text "$acct"
wait_screen "kill: found" "^> $acct"
tmux_keys Enter
wait_screen "kill: customer open" "Acct $acct"
tmux_keys n
wait_screen "kill: intake form" 'New complaint'
tmux_text "meter reading"
wait_screen "kill: category filtered" 'Metering / Meter reading'
tmux_keys Enter
tmux_text "$text"
wait_screen "kill: the description is on screen" "Killed while typing"
pid=$(pgrep -P "$(tmux_pid)" -x careline || tmux_pid)
kill -KILL "$pid"
tmux_stop
is "kill: nothing reached the database" "$(count "$text")" 0
tmux_start 80 24 "$CARELINE"
wait_screen "kill: the next start offers the draft" 'Unsent complaints'
wait_screen "kill: with its category" 'Metering / Me'
tmux_keys Enter
wait_screen "kill: restored with the text typed" "Killed while typing: meter reading looks wrong"
wait_screen "kill: and its category, with the deadlines" 'Acknowledge by'
tmux_keys C-x
wait_screen "kill: submitted" 'Complaint C-[0-9-]+ saved'
is "kill: exactly one complaint" "$(count "$text")" 1
tmux_keys C-c
tmux_stop
tmux_start 80 24 "$CARELINE"
wait_screen "kill: no draft is offered again" 'Search:'
if tmux_screen | grep -q 'Unsent complaints'; then not_ok "kill: the journal is empty"; else ok "kill: the journal is empty"; fi
tmux_keys C-c
tmux_stop

# 2. The server goes away while the agent is taking the complaint.
text="Server stopped mid intake: low pressure upstairs"
tmux_start 80 24 "$CARELINE"
wait_screen "offline: search screen" 'Search:'
tmux_text "$acct"
wait_screen "offline: found" "^> $acct"
tmux_keys Enter
wait_screen "offline: customer open" "Acct $acct"
tmux_keys n
wait_screen "offline: intake form" 'New complaint'
tmux_text "low pressure"
wait_screen "offline: category" 'Water supply / Low pressure'
tmux_keys Enter
tmux_text "$text"
wait_screen "offline: the deadlines are shown" 'Acknowledge by'
pgtmp_server_stop
tmux_keys C-x
wait_screen "offline: the agent is told it is kept and will go" 'Offline: the complaint is kept on this terminal' 15
wait_screen "offline: the status line says offline" 'OFFLINE'
pgtmp_server_start
wait_screen "offline: it arrives when the server is back" 'Complaint C-[0-9-]+ saved' 40
is "offline: exactly one complaint" "$(count "$text")" 1
tmux_keys C-c
tmux_stop

tap_done
