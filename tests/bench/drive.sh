# drive.sh — drive the real binary in tmux (private sockets) and read its CARELINE_TRACE: sourced by bench.sh.
#
# Every session gets its own socket under $W, and tmux starts with the status
# line off, so the program sees an 80x24 terminal from its first paint.

TM_SOCK=
TM_N=0
BENCH_KEY_GAP=${BENCH_KEY_GAP:-0.08}   # seconds between typed keys: a fast typist

# tm_start COLS ROWS COMMAND...: a detached session running COMMAND.
tm_start() {
    local cols=$1 rows=$2; shift 2
    TM_N=$((TM_N + 1))
    TM_SOCK=$W/tmux.$TM_N.sock
    printf 'set -g status off\nset -g remain-on-exit on\n' >"$W/tmux.conf"
    tmux -S "$TM_SOCK" -f "$W/tmux.conf" new-session -d -s t -x "$cols" -y "$rows" "$@"
}
tm_stop() { [ -n "$TM_SOCK" ] && tmux -S "$TM_SOCK" kill-server 2>/dev/null; TM_SOCK=; }
tm_keys() { tmux -S "$TM_SOCK" send-keys -t t "$@"; }
tm_screen() { tmux -S "$TM_SOCK" capture-pane -p -t t 2>/dev/null; }
tm_pid() { tmux -S "$TM_SOCK" display-message -p -t t '#{pane_pid}'; }
tm_dead() { [ "$(tmux -S "$TM_SOCK" display-message -p -t t '#{pane_dead}' 2>/dev/null)" = 1 ]; }

# tm_type TEXT: one key at a time, as an agent types.
tm_type() {
    local s=$1 i
    for ((i = 0; i < ${#s}; i++)); do
        tmux -S "$TM_SOCK" send-keys -t t -l -- "${s:i:1}"
        sleep "$BENCH_KEY_GAP"
    done
}

# tm_wait PATTERN...: poll the screen (every 50 ms, up to 20 s) until every
# pattern (grep -E) shows. Returns 1 on timeout, after saying what it saw.
# Each look at the screen costs tmux some CPU on the cores Careline and
# PostgreSQL are using, so it does not look more often: the times come from
# the trace, not from when this loop noticed.
tm_wait() {
    local p s i ok
    for ((i = 0; i < 400; i++)); do
        s=$(tm_screen)
        ok=1
        for p in "$@"; do
            grep -qE -- "$p" <<<"$s" || { ok=0; break; }
        done
        [ "$ok" = 1 ] && return 0
        tm_dead && break
        sleep 0.05
    done
    bench_note "bench: waited in vain for: $*"
    bench_note "$(tm_screen)"
    return 1
}
# re TEXT: TEXT as an extended regular expression that matches it literally.
re() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# settle FILE...: wait until the files stop growing for 80 ms (the paint
# that completed the screen is in the trace once tmux shows it, but a late
# one must not be missed).
settle() {
    local before after i
    before=$(cat "$@" 2>/dev/null | wc -c)
    for ((i = 0; i < 100; i++)); do
        sleep 0.08
        after=$(cat "$@" 2>/dev/null | wc -c)
        [ "$after" = "$before" ] && return 0
        before=$after
    done
}

# lines FILE: how many lines FILE has (a mark to read what comes after it).
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# after_key FILE MARK: of the trace lines after MARK, take the last key and
# print "ECHO_MS DONE_MS DONE_BYTES SUM_BYTES PAINTS": the first paint after
# it, the last paint after it (the screen complete), that paint's bytes, all
# bytes painted after it, and how many paints.
after_key() {
    tail -n +"$(($2 + 1))" "$1" | awk '
        $1 == "key" { k = $2; e = ""; last = ""; sum = 0; n = 0; lb = 0 }
        $1 == "paint" && k != "" { if (e == "") e = $2; last = $2; lb = $3; sum += $3; n++ }
        END { if (k == "" || last == "") exit 1
              printf "%.3f %.3f %d %d %d\n", e - k, last - k, lb, sum, n }'
}

# keys_echo FILE MARK: for every key after MARK, the time to the next paint
# (the echo of what was typed): one number per line.
keys_echo() {
    tail -n +"$(($2 + 1))" "$1" | awk '
        $1 == "key" { if (k == "") k = $2; next }
        $1 == "paint" && k != "" { printf "%.3f\n", $2 - k; k = "" }'
}

# key_bytes FILE MARK: for every key after MARK, the bytes painted after it
# until the next key (what typing that key cost): one number per line.
key_bytes() {
    tail -n +"$(($2 + 1))" "$1" | awk '
        $1 == "key" { if (k) print b; k = 1; b = 0; next }
        $1 == "paint" && k { b += $3 }
        END { if (k) print b }'
}

# paint_bytes FILE MARK: all bytes painted after MARK, and the key count:
# "BYTES KEYS PAINTS".
paint_bytes() {
    tail -n +"$(($2 + 1))" "$1" | awk '
        $1 == "key" { k++ } $1 == "paint" { b += $3; p++ }
        END { printf "%d %d %d\n", b, k, p }'
}

# round_trips FILE MARK: protocol messages that end a round trip in a libpq
# trace (Sync of the extended protocol, Query of the simple one) after MARK.
round_trips() {
    tail -n +"$(($2 + 1))" "$1" | awk '$1 == "F" && ($3 == "Sync" || $3 == "Query") { n++ } END { print n + 0 }'
}
