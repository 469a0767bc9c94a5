#!/usr/bin/env bash
# bench.sh — `make bench`: measure Careline against the performance goals of DESIGN.md and write docs/performance.md (every goal beside its figure, never pass/fail).
#
# What it does, in order (progress goes to stderr, the report to stdout and
# to BENCH_DOC):
#   1. start the cached benchmark cluster (tests/bench/common.sh), seeding
#      BENCH_CUSTOMERS customers the first time;
#   2. search and customer view in the real binary in tmux at 80x24, timed by
#      CARELINE_TRACE (key received -> paint written), with the search delay
#      at 0 and at its default, and the same keys in the scripted mode;
#   3. every search kind and the view through libcareline without any UI,
#      the same SQL with libpq alone, at BENCH_GROWTH sizes and this one
#      (tests/bench/growth.sh), and whether search finds every customer;
#   4. start-up, peak memory, bytes sent to the terminal (xterm and vt220);
#   5. the load driver (tests/bench/loadrun.sh; its Markdown, BENCH_OUT/load.md,
#      goes in the report whenever it is there);
#   6. an event's notifications over the largest zone (tests/bench/notify.sh);
#   7. the supervisor's dashboard (tests/bench/dashboard.sh);
#   8. a slow link (150 ms each way, 56 kbit/s): between Careline and
#      PostgreSQL, and between the terminal and Careline;
#   9. the report (tests/bench/report.sh) to stdout and BENCH_DOC.
# Knobs: BENCH_CUSTOMERS (1000000), BENCH_REPS (20), BENCH_GROWTH ("100000
# 300000"), BENCH_SKIP="ui load slow slowtty notify dash growth" (sections to
# leave out; ui: 2-4, slowtty: the terminal half of 8), BENCH_PGDIR (/var/tmp/careline-bench-pg), BENCH_KEY_GAP (0.08 s),
# BENCH_OUT (build/bench), BENCH_DOC (docs/performance.md; empty: stdout only).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export TOP
. "$TOP/tests/bench/common.sh"
. "$TOP/tests/bench/drive.sh"
. "$TOP/tests/bench/growth.sh"
. "$TOP/tests/bench/report.sh"

REPS=${BENCH_REPS:-20}
REPS_DELAY=${BENCH_REPS_DELAY:-$(( (REPS + 1) / 2 ))}
STARTS=${BENCH_STARTS:-15}
SKIP=" ${BENCH_SKIP:-} "
W=$(mktemp -d "${TMPDIR:-/tmp}/careline-bench.XXXXXX")
chmod 755 "$W"
REPORT=$W/report
BENCH_T0=$SECONDS
BENCH_OUT=${BENCH_OUT:-$TOP/build/bench}
BENCH_DOC=${BENCH_DOC-$TOP/docs/performance.md}
mkdir -p "$BENCH_OUT"

# Screens and messages must not depend on the machine or the user's files.
export TZ=Europe/London LC_ALL=C.UTF-8 LANG=C.UTF-8 HOME=$W/home
unset NO_COLOR PGSERVICE PGPASSWORD XDG_CONFIG_HOME CARELINE_TRACE CARELINE_PQTRACE
mkdir -p "$HOME"

RELAY_PIDS=()
cleanup() {
    local p
    tm_stop
    for s in "$W"/tmux.*.sock; do [ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null; done
    for p in "${RELAY_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    [ -n "${LOAD_CLEANUP:-}" ] && $LOAD_CLEANUP
    bench_db_down
    rm -rf "$W"
}

for b in careline bench/pgbase bench/load bench/relay bench/stamp; do
    [ -x "$TOP/build/$b" ] || { echo "bench: build/$b is missing (make bench builds it)" >&2; exit 1; }
done

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
busy=$(bench_busy)
[ -n "$busy" ] && bench_note "bench: warning: the machine is $busy busy before the bench starts — figures will suffer"

bench_db_up || { echo "bench: could not prepare the benchmark database" >&2; exit 1; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
bench_roles || exit 1
bench_note "bench: $BENCH_SEED_NOTE"
export PGUSER=careline_bench_agent    # the screens run with an agent's rights

# ---- what to search for: customers picked by a fixed hash, so every run and
# every size asks the same kind of questions ----------------------------------
# One row per repetition: id|account|phone as typed|postcode|misspelt name|name.
# Warm-up rows come first (not measured): the first query of a connection
# pays for loading the catalogue, which is not what an agent at work sees.
WARM=3
psql -X -At -F '|' -U postgres >"$W/sample" <<SQL || exit 1
SELECT c.id, c.account_no, '0' || substr(c.phone_nsn, 1, 4) || ' ' || substr(c.phone_nsn, 5),
       p.postcode, c.name
  FROM customer c
  JOIN LATERAL (SELECT p.postcode FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id
                 WHERE cp.customer_id = c.id AND cp.end_date IS NULL ORDER BY cp.role, p.id LIMIT 1) p ON true
 WHERE c.phone_nsn ~ '^[0-9]{10}$' AND c.name ~ '^[A-Z][a-z]+ [A-Z][a-z]{4,}$'
 ORDER BY md5(c.id::text || 'careline-bench') LIMIT $((REPS + WARM));
SQL
# The misspelling: two letters of the surname swapped (Spencer -> Spnecer),
# the commonest typing slip, which search must forgive.
awk -F'|' -v OFS='|' '{
    $6 = $5; split($5, w, " "); s = w[2]; i = 3
    if (substr(s, i, 1) == substr(s, i + 1, 1)) i = 2
    s = substr(s, 1, i - 1) substr(s, i + 1, 1) substr(s, i, 1) substr(s, i + 2)
    $5 = w[1] " " s; print }' "$W/sample" >"$W/sample.typed"
[ "$(wc -l <"$W/sample.typed")" -ge $((REPS + WARM)) ] || { echo "bench: too few customers to sample" >&2; exit 1; }
KINDS=(account phone postcode name)
query_of() {   # query_of ROW KIND: the text an agent types
    local -a f
    IFS='|' read -r -a f <<<"$1"
    case $2 in account) echo "${f[1]}" ;; phone) echo "${f[2]}" ;; postcode) echo "${f[3]}" ;; name) echo "${f[4]}" ;;
               surname) echo "${f[5]#* }" ;; esac
}

printf 'ui = { search_delay_ms = 0; };\n' >"$W/delay0.conf"
: >"$W/default.conf"
# The built-in default is conf/careline.conf, compiled in.
DEFAULT_DELAY=$(awk -F'=' '/^[ \t]*search_delay_ms/ { print $2 + 0; exit }' "$TOP/conf/careline.conf")

# ---- 2. search and customer view in tmux ------------------------------------
# tmux_searches CONF TAG N OPEN: a session at 80x24; N repetitions of the four
# kinds typed key by key; OPEN=1 also opens the account's customer after its
# search. Writes $W/TAG.<kind> (last key -> results painted, ms), TAG.echo
# (key -> echo painted), TAG.db (the search time the screen reports), and
# with OPEN: TAG.open (Enter -> view painted), TAG.open_rt (round trips),
# TAG.open_bytes, TAG.results_bytes.
tmux_searches() {
    local conf=$1 tag=$2 n=$3 open=$4 row i kind text m r mark_pq v
    local trace=$W/$tag.trace pq=$W/$tag.pq
    rm -f "$trace" "$pq"
    tm_start 80 24 env TERM=xterm-256color CARELINE_TRACE="$trace" CARELINE_PQTRACE="$pq" \
        "$CARELINE" --config "$conf"
    tm_wait 'Search:' 'online' || return 1
    for ((i = 0; i < n + WARM; i++)); do
        row=$(sed -n "$((i + 1))p" "$W/sample.typed")
        for kind in "${KINDS[@]}"; do
            text=$(query_of "$row" "$kind")
            tm_keys C-u
            tm_wait 'Type a name' || return 1
            m=$(lines "$trace")
            tm_type "$text"
            tm_wait "$(re "Search: $text")" 'best match first|No customer matches' || return 1
            settle "$trace"
            if [ "$i" -ge "$WARM" ]; then
                r=$(after_key "$trace" "$m") || return 1
                set -- $r
                echo "$2" >>"$W/$tag.$kind"
                echo "$2" >>"$W/$tag.all"
                echo "$3" >>"$W/$tag.results_bytes"
                keys_echo "$trace" "$m" >>"$W/$tag.echo"
                v=$(tm_screen | sed -nE 's/.*best match first \(([0-9]+) ms\).*/\1/p')
                echo "${v:-NA}" >>"$W/$tag.db"   # NA: no match, the screen shows no time
            fi
            [ "$kind" = account ] && [ "$open" = 1 ] || continue
            m=$(lines "$trace")
            mark_pq=$(lines "$pq")
            tm_keys Enter
            tm_wait "Acct $text" 'Tab next panel' || return 1
            settle "$trace" "$pq"
            if [ "$i" -ge "$WARM" ]; then
                r=$(after_key "$trace" "$m") || return 1
                set -- $r
                echo "$2" >>"$W/$tag.open"
                echo "$4" >>"$W/$tag.open_bytes"
                round_trips "$pq" "$mark_pq" >>"$W/$tag.open_rt"
            elif [ "$i" = 0 ]; then
                round_trips "$pq" "$mark_pq" >"$W/$tag.open_rt_first"
            fi
            tm_keys Escape
            tm_wait 'Search:' || return 1
        done
    done
    tm_stop
}

# ---- scripted mode: the same keys without a terminal --------------------------
# script_searches CONF TAG: all kinds at once per line (:type), waiting for the
# database before each line; latencies from the trace, by line.
script_searches() {
    local conf=$1 tag=$2 i kind row
    local keys=$W/$tag.keys trace=$W/$tag.trace
    : >"$keys"
    rm -f "$trace"
    for ((i = 0; i < REPS + WARM; i++)); do
        row=$(sed -n "$((i + 1))p" "$W/sample.typed")
        for kind in "${KINDS[@]}"; do
            printf 'C-u\n:type %s\n' "$(query_of "$row" "$kind")" >>"$keys"
            [ "$kind" = account ] && printf 'Enter\nEscape\n' >>"$keys"
        done
    done
    echo ":quit" >>"$keys"
    CARELINE_TRACE=$trace "$CARELINE" --config "$conf" --script "$keys" --size 24x80 >/dev/null ||
        { bench_note "bench: the scripted run failed"; return 1; }
    # Each line is a burst of keys followed by one paint. Typed lines give
    # the searches, in order account phone postcode name, REPS + WARM times;
    # Enter lines the customer view; C-u and Esc lines are not timed.
    awk '$1 == "key" { if (n == 0) first = $3; last = $2; n++; next }
         $1 == "paint" && n { if (first != "C-u" && first != "Esc") print first, $2 - last; n = 0 }' "$trace" |
        awk -v dir="$W" -v tag="$tag" -v warm="$WARM" '
            BEGIN { split("account phone postcode name", k, " ") }
            $1 == "Enter" { if (++o > warm) print $2 > (dir "/" tag ".open"); next }
            { if (++q > warm * 4) { print $2 > (dir "/" tag "." k[(q - 1) % 4 + 1]); print $2 > (dir "/" tag ".all") } }'
}

# ---- 4. start-up, memory, bytes ------------------------------------------------
startups() {
    local i stampf trace
    for ((i = 0; i < STARTS; i++)); do
        stampf=$W/start.$i.stamp
        trace=$W/start.$i.trace
        tm_start 80 24 env TERM=xterm-256color CARELINE_TRACE="$trace" \
            "$TOP/build/bench/stamp" "$stampf" "$CARELINE" --config "$W/delay0.conf"
        tm_wait 'Search:' 'online' || return 1
        settle "$trace"
        awk 'FNR == 1 && FILENAME ~ /stamp$/ { t0 = $2 }
             FILENAME ~ /trace$/ && $1 == "paint" && !done { printf "%.3f\n", $2 - t0; done = 1 }' \
            "$stampf" "$trace" >>"$W/startup"
        tm_keys C-c
        tm_stop
    done
}

# workflow TAG TERMENV...: the contact workflow at 80x24 in tmux, recording
# bytes painted at each step; the last step reads the peak resident memory.
workflow() {
    local tag=$1; shift
    local trace=$W/$tag.trace row acct surname m pid
    rm -f "$trace"
    row=$(sed -n "$((WARM + 1))p" "$W/sample.typed")
    acct=$(query_of "$row" account)
    surname=$(query_of "$row" surname)
    tm_start 80 24 env "$@" CARELINE_TRACE="$trace" "$CARELINE" --config "$W/delay0.conf"
    pid=$(tm_pid)
    tm_wait 'Search:' 'online' || return 1
    settle "$trace"
    echo "first_draw $(awk '$1 == "paint" { print $3; exit }' "$trace")" >"$W/$tag.bytes"
    m=$(lines "$trace")
    # A common surname fills the list: moving in it is the row-move figure.
    tm_type "$surname"
    tm_wait "$(re "Search: $surname")" 'best match first|No customer matches' || return 1
    settle "$trace"
    echo "type_search $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        m=$(lines "$trace"); tm_keys Down; settle "$trace"
        echo "move_row $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    done
    m=$(lines "$trace"); tm_keys C-l; settle "$trace"
    echo "redraw_search $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    # The workflow proper: find by account, open, every panel, log a contact.
    local wf=$(lines "$trace")
    tm_keys C-u
    tm_type "$acct"
    tm_wait "$(re "Search: $acct")" 'best match first' || return 1
    settle "$trace"
    m=$(lines "$trace"); tm_keys Enter
    tm_wait "Acct $acct" 'Tab next panel' || return 1
    settle "$trace"
    echo "open_view $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    m=$(lines "$trace"); tm_keys C-l; settle "$trace"
    echo "redraw_view $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    local p
    for p in 2 3 4 5 6 1; do
        m=$(lines "$trace"); tm_keys "$p"; settle "$trace"
        echo "panel_$p $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
        m=$(lines "$trace"); tm_keys C-l; settle "$trace"
        echo "redraw_panel $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    done
    tm_keys 4; settle "$trace"
    for _ in 1 2 3 4 5; do
        m=$(lines "$trace"); tm_keys Down; settle "$trace"
        echo "move_contact $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    done
    # Logged from the contacts panel, where the saved contact shows on top.
    m=$(lines "$trace")
    tm_keys c
    tm_wait 'Summary' || return 1
    settle "$trace"
    local typed
    typed=$(lines "$trace")
    tm_type "Bench $tag call"
    settle "$trace"
    # Each character typed into the summary: the bytes of its echo.
    key_bytes "$trace" "$typed" | sed 's/^/typed_char /' >>"$W/$tag.bytes"
    tm_keys Enter
    tm_wait "$(re "Bench $tag call")" 'Contact recorded' || return 1
    settle "$trace"
    echo "log_contact $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    echo "workflow $(paint_bytes "$trace" "$wf")" >>"$W/$tag.bytes"
    awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" >"$W/$tag.hwm"
    tm_keys C-c
    tm_stop
}

# queue_bytes TAG TERMENV...: the supervisor's queue at 80x24 (as the
# cluster owner: every team's queue): bytes of its first
# draw, then of one live update, when another session gives the complaint
# under the cursor to someone else and the notification redraws that row.
queue_bytes() {
    local tag=$1; shift
    local trace=$W/$tag.qtrace m ref id who
    rm -f "$trace"
    tm_start 80 24 env "$@" PGUSER=postgres CARELINE_TRACE="$trace" "$CARELINE" --config "$W/delay0.conf"
    tm_wait 'Search:' 'online' || return 1
    settle "$trace"
    m=$(lines "$trace")
    tm_keys C-y
    tm_wait 'Queue of every team: [0-9]+ open' '^> ' || return 1
    settle "$trace"
    echo "queue_first $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    ref=$(tm_screen | grep '^> ' | grep -oE 'C-[0-9]{4}-[0-9]{6}' | head -1)
    id=$(bench_q "SELECT s.id FROM staff s, complaint k WHERE k.reference = '$ref'
                   AND s.group_role = 'agent' AND s.id IS DISTINCT FROM k.owner_staff_id ORDER BY s.id LIMIT 1")
    who=$(bench_q "SELECT display_name FROM staff WHERE id = $id")
    m=$(lines "$trace")
    bench_q "UPDATE complaint SET owner_staff_id = $id WHERE reference = '$ref'" >/dev/null
    tm_wait "$(re "$ref").*$(re "${who:0:8}")" || return 1
    settle "$trace"
    echo "queue_update $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    tm_keys C-c
    tm_stop
}

# ---- run ----------------------------------------------------------------------
# BENCH_SKIP=ui leaves out sections 2-4 (searches, views, start-up, bytes):
# with "growth" too, a run of the slow link alone takes minutes.
run_ui() {
    bench_note "bench: search and customer view in tmux, search delay 0 ($REPS x 4 kinds)..."
    tmux_searches "$W/delay0.conf" tmux0 "$REPS" 1 || { tm_stop; bench_note "bench: the tmux search run failed"; }
    bench_note "bench: search in tmux with the default delay ($DEFAULT_DELAY ms, $REPS_DELAY x 4 kinds)..."
    tmux_searches "$W/default.conf" tmuxd "$REPS_DELAY" 0 || { tm_stop; bench_note "bench: the tmux search run failed"; }
    bench_note "bench: the same searches in the scripted mode..."
    script_searches "$W/delay0.conf" script0
    script_searches "$W/default.conf" scriptd
    case $SKIP in *" growth "*) BENCH_GROWTH= ;; esac
    growth_all || bench_note "bench: the runs without a UI failed"
    bench_note "bench: start-up ($STARTS starts), memory and bytes..."
    startups || { tm_stop; bench_note "bench: the start-up run failed"; }
    workflow xterm TERM=xterm-256color LANG=C.UTF-8 || { tm_stop; bench_note "bench: the xterm workflow failed"; }
    workflow vt220 TERM=vt220 LANG=C LC_ALL=C NO_COLOR=1 || { tm_stop; bench_note "bench: the vt220 workflow failed"; }
    bench_note "bench: the supervisor's queue, first draw and a live update..."
    queue_bytes xterm TERM=xterm-256color LANG=C.UTF-8 || { tm_stop; bench_note "bench: the xterm queue run failed"; }
    queue_bytes vt220 TERM=vt220 LANG=C LC_ALL=C NO_COLOR=1 || { tm_stop; bench_note "bench: the vt220 queue run failed"; }
}
GROWTH_SIZES=()
case $SKIP in *" ui "*) ;; *) run_ui ;; esac

# ---- the rest, then the report ------------------------------------------------
: >"$W/sections"
case $SKIP in *" load "*) ;; *)
    . "$TOP/tests/bench/loadrun.sh"
    bench_note "bench: load driver..."
    rm -f "$BENCH_OUT/load.md"
    # The driver's own output is kept beside load.md: when a run goes wrong
    # (no terminal connects, say) the reason is there, not lost with W.
    load_all >"$BENCH_OUT/load.log" 2>&1 || bench_note "bench: the load driver failed: see $BENCH_OUT/load.log" ;;
esac
case $SKIP in *" notify "*) ;; *)
    . "$TOP/tests/bench/notify.sh"
    bench_note "bench: notifications over the largest zone (exim4, Kannel)..."
    # The event is declared and the worker runs as the cluster's owner, not the agent.
    PGUSER=postgres notify_all >>"$W/sections" ;;
esac
case $SKIP in *" dash "*) ;; *)
    . "$TOP/tests/bench/dashboard.sh"
    bench_note "bench: the supervisor's dashboard (load time, bytes)..."
    dash_all >>"$W/sections" ;;
esac
case $SKIP in *" slow "*) ;; *)
    . "$TOP/tests/bench/slowlink.sh"
    bench_note "bench: slow link..."
    slow_all >"$W/slow.md" ;;
esac
report_all >"$REPORT"
if [ -n "$BENCH_DOC" ]; then
    cp "$REPORT" "$BENCH_DOC" && bench_note "bench: written to $BENCH_DOC"
fi
cat "$REPORT"
