#!/usr/bin/env bash
# test_tmux_stall.sh — a database that stops answering but keeps the socket open (its backend SIGSTOPped): "not answering" on the status line within 5 s, typing goes on, the search is answered again over a new connection.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_tstall_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
stopped=
trap '[ -n "$stopped" ] && kill -CONT $stopped 2>/dev/null; tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state
acct=$(q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 3")
backends() { q "SELECT coalesce(string_agg(pid::text, ' ' ORDER BY pid), '') FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'careline'"; }

tmux_start 80 24 "$CARELINE"
wait_screen "search screen" 'Search:'
wait_screen "online" 'online *$'
stopped=$(backends)
if [ -n "$stopped" ]; then ok "the backend serving Careline is found ($stopped)"; else not_ok "the backend serving Careline is found"; fi
# The backend freezes: its socket stays open, nothing comes back.
kill -STOP $stopped
t0=$(date +%s%N)
tmux_text "$acct"
wait_screen "the status line says the database is not answering, within 5 s" 'not answering' 5
t1=$(date +%s%N)
echo "# not answering shown $(( (t1 - t0) / 1000000 )) ms after the search was typed"
tmux_text "9"
wait_screen "typing goes on while the database does not answer" "Search: *${acct}9( |$)" 2
tmux_keys BSpace
wait_screen "the search is answered over a new connection" "^> $acct" 30
wait_screen "and the status line says online again" 'online *$' 10
fresh=
for p in $(backends); do case " $stopped " in *" $p "*) ;; *) fresh=$p ;; esac; done
if [ -n "$fresh" ]; then ok "the new connection is another backend ($fresh)"; else not_ok "the new connection is another backend"; fi
# The old backend, woken, finds its client gone; nothing else changes.
kill -CONT $stopped
stopped=
tmux_text "0"
wait_screen "typing still goes on after it is woken" "Search: *${acct}0( |$)" 5
tmux_keys C-c
wait_quit "C-c quits"
tmux_stop
tap_done
