#!/usr/bin/env bash
# test_tmux_search.sh — the real binary in a real terminal (tmux, 80x24): search, move, open, help, resize, quit, signals.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/fixtures.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_tmux_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
fixtures_load || not_ok "load fixtures"

session() {   # session LABEL ENV...: one full walk through the screen
    local label=$1; shift
    # A shell around the program reports its exit status on the same terminal.
    tmux_start 80 24 env "$@" sh -c '"$0"; echo "exit=$?"; sleep 30' "$CARELINE" ||
        { not_ok "$label: tmux starts"; return; }
    wait_screen "$label: search screen opens" 'Search:'
    wait_screen "$label: status line shows the keys" 'F1 help.*online'
    tmux_text "quuxworth"
    wait_screen "$label: results appear as you type" '4999999991 +Zebedee'
    wait_screen "$label: all three matches listed" '4999999995'
    tmux_keys Down Down
    wait_screen "$label: the selection moves" '^> 4999999992'
    tmux_keys Enter
    wait_screen "$label: Enter opens the customer" 'Acct 4999999992'
    tmux_keys Escape
    wait_screen "$label: Esc goes back to the results" '^> 4999999992'
    tmux_keys '?'
    wait_screen "$label: ? shows the help" 'Help: Find a customer'
    tmux_keys Escape
    wait_screen "$label: any key closes the help" '^  Account +Name'
    tmux_resize 40 12
    wait_screen "$label: resized to 40x12, still drawn" '^> 4999999992'
    tmux_resize 80 24
    wait_screen "$label: back to 80x24" 'Postcode +Segment'
    if [ "$label" = vt100 ]; then
        if tmux_screen | LC_ALL=C grep -q '[^ -~]'; then
            not_ok "$label: only ASCII on the screen" "$(tmux_screen | LC_ALL=C grep '[^ -~]' | head -3)"
        else
            ok "$label: only ASCII on the screen"
        fi
    fi
    tmux_keys C-c
    wait_screen "$label: C-c quits with status 0" '^exit=0'
    tmux_stop
}

session "xterm" TERM=xterm-256color LANG=C.UTF-8
session "vt100" TERM=vt100 LANG=C LC_ALL=C NO_COLOR=1

# Many matches: the screen fetches what it shows and the next page, the rest
# as the agent scrolls; the order and the exact total are those of one
# search asking for every row at once.
printf 'ui = { search_limit = 500; };\n' >"$T/all.conf"
"$CARELINE" --config "$T/all.conf" search --csv road >"$T/all.csv" 2>/dev/null
total=$("$CARELINE" --config "$T/all.conf" search road 2>&1 >/dev/null | sed -nE 's/^([0-9]+) customer.*/\1/p')
tmux_start 80 24 "$CARELINE"
wait_screen "scroll: search screen" 'Search:'
tmux_text "road"
wait_screen "scroll: the exact total ($total)" "^$total customers"
for _ in 1 2 3 4 5 6; do tmux_keys PgDn; sleep 0.3; done
wait_screen "scroll: still the same total after six pages" "^$total customers"
sel=$(tmux_screen | sed -nE 's/^> ([0-9]{10}) .*/\1/p')
row=$(grep -n "^$sel," "$T/all.csv" | cut -d: -f1)
[ -n "$row" ] && [ "$row" -gt 80 ] && ok "scroll: row $row of the whole list is reached (the first fetch holds 38)" ||
    not_ok "scroll: rows past the first fetch are reached" "selected $sel, at row '${row}' of the whole list" "$(tmux_screen)"
prev=$(grep -B1 "^$sel," "$T/all.csv" | head -1 | cut -d, -f1)
tmux_keys Up
wait_screen "scroll: in the order of the whole list (the row before is $prev)" "^> $prev "
tmux_keys C-c
tmux_stop

# An SSH drop (SIGHUP), a kill (SIGTERM) and SIGINT restore the terminal and
# exit 128+N; a shell around the program reports the status on the same terminal.
for sig in HUP TERM INT; do
    tmux_start 80 24 sh -c 'PGDATABASE=$0 "$1"; echo "exit=$?"; sleep 30' "$PGDATABASE" "$CARELINE"
    wait_screen "SIG$sig: screen up" 'Search:'
    pid=$(pgrep -P "$(tmux_pid)" -x careline)
    kill -"$sig" "$pid"
    n=$(kill -l "$sig")
    wait_screen "SIG$sig: exits with 128+$n" "^exit=$((128 + n))"
    unlike "SIG$sig: the screen is no longer curses'" "$(tmux_screen)" 'F1 help'
    tmux_stop
done

tap_done
