#!/usr/bin/env bash
# test_tmux_journal.sh — the echo comes before the journal: in the timing trace every typed key of a complaint is painted first, then written to the journal, before the next key is read.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_tjournal_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'tmux_stop; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state
acct=$(q "SELECT account_no FROM customer ORDER BY id LIMIT 1 OFFSET 9")
word="echoed"

tmux_start 80 24 env CARELINE_TRACE="$T/trace" "$CARELINE"
wait_screen "search screen" 'Search:'
tmux_text "$acct"
wait_screen "found" "^> $acct"
tmux_keys Enter
wait_screen "customer open" "Acct $acct"
tmux_keys n
wait_screen "intake form" 'New complaint'
tmux_keys Tab
wait_screen "in the description" 'the customer.s words'
# One key at a time, each after the last is on screen: one batch per key.
typed=
for ((i = 0; i < ${#word}; i++)); do
    c=${word:i:1}; typed+=$c
    tmux_text "$c"
    wait_screen "key $c echoed" "^ $typed *$" 5
done
tmux_keys Escape Escape
wait_screen "left the form" 'Careline . Customer'
tmux_keys C-c
wait_quit "quits normally"
tmux_stop

# From the first typed letter to the Esc: key, paint, journal for each (repaints for
# other reasons, such as the deadlines arriving, are left out).
order=$(awk -v first="${word:0:1}" '$1 == "key" && $3 == "Tab" { tab = 1 } tab && $1 == "key" && $3 == first { on = 1 }
            $1 == "key" && $3 == "Esc" { on = 0 } on && ($1 == "key" || $1 == "paint" || $1 == "journal") { print $1 }' "$T/trace" |
        awk '{ if ($1 == "paint" && prev != "key") next; printf "%s%s", sep, $1; sep = " "; prev = $1 }')
want=$(for ((i = 0; i < ${#word}; i++)); do printf 'key paint journal '; done)
is "every typed key is painted, then journalled, before the next key" "$order" "${want% }"
# Never a journal write between a key and its paint.
bad=$(awk '$1 == "key" { k = 1 } $1 == "paint" { k = 0 } $1 == "journal" && k { n++ } END { print n + 0 }' "$T/trace")
is "no journal write ever delays an echo" "$bad" 0
# The figure: key to echo, and echo to the journal on disk.
awk '$1 == "key" { k = $2 } $1 == "paint" && k { p = $2; e += p - k; n++; k = 0 } $1 == "journal" && p { j += $2 - p; m++; p = 0 }
     END { if (n && m) printf "# key to echo %.2f ms, echo to journal on disk %.2f ms (means over %d keys)\n", e / n, j / m, m }' "$T/trace"
tap_done
