#!/usr/bin/env bash
# bench.sh — `make bench`: measure Careline against the performance goals of DESIGN.md and print one table of figures (never pass/fail).
#
# What it does, in order (progress goes to stderr, the report to stdout):
#   1. start the cached benchmark cluster (tests/bench/common.sh), seeding
#      BENCH_CUSTOMERS customers the first time;
#   2. search and customer view in the real binary in tmux at 80x24, timed by
#      CARELINE_TRACE (key received -> paint written), with the search delay
#      at 0 and at its default, and the same keys in the scripted mode;
#   3. the same queries through libcareline without any UI (pgbase), and a
#      bare SELECT 1, for Careline's overhead as a ratio;
#   4. start-up, peak memory, bytes sent to the terminal (xterm and vt220);
#   5. the load driver: BENCH_AGENTS agents for BENCH_LOAD_SECONDS, direct and
#      through PgBouncer (transaction pooling) when it is installed;
#   6. a slow link (150 ms each way, 56 kbit/s): between Careline and
#      PostgreSQL, and between the terminal and Careline;
#   7. an event's notifications over the largest zone: queued at the
#      declare's commit, handed to exim4 and Kannel (tests/bench/notify.sh).
# Knobs: BENCH_CUSTOMERS (1000000), BENCH_REPS (20), BENCH_LOAD_SECONDS (60),
# BENCH_AGENTS (200), BENCH_THINK_MS (3000), BENCH_SKIP="load slow notify dash" (sections to leave out),
# BENCH_PGDIR (/var/tmp/careline-bench-pg), BENCH_KEY_GAP (0.08 s).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export TOP
. "$TOP/tests/bench/common.sh"
. "$TOP/tests/bench/drive.sh"

REPS=${BENCH_REPS:-20}
REPS_DELAY=${BENCH_REPS_DELAY:-$(( (REPS + 1) / 2 ))}
STARTS=${BENCH_STARTS:-15}
SKIP=" ${BENCH_SKIP:-} "
W=$(mktemp -d "${TMPDIR:-/tmp}/careline-bench.XXXXXX")
chmod 755 "$W"
REPORT=$W/report
BENCH_T0=$SECONDS

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

# ---- 3. the same queries without a UI -----------------------------------------
PREFIX_REPS=${BENCH_PREFIX_REPS:-5}
pgbase_run() {
    local i j kind row text
    : >"$W/pgbase.tasks"
    for ((i = 0; i < REPS + WARM; i++)); do
        row=$(sed -n "$((i + 1))p" "$W/sample.typed")
        for kind in "${KINDS[@]}"; do
            [ "$i" -lt "$WARM" ] && tag=warm || tag=$kind
            echo "search $tag $(query_of "$row" "$kind")" >>"$W/pgbase.tasks"
        done
        echo "open $([ "$i" -lt "$WARM" ] && echo warm || echo open) ${row%%|*}" >>"$W/pgbase.tasks"
        # What typing sends before the last key: every shorter prefix (the
        # screen searches each one when keys come slower than the delay).
        if [ "$i" -ge "$WARM" ] && [ "$i" -lt $((WARM + PREFIX_REPS)) ]; then
            for kind in "${KINDS[@]}"; do
                text=$(query_of "$row" "$kind")
                for ((j = 2; j < ${#text}; j++)); do echo "search pfx_$kind ${text:0:j}"; done
            done >>"$W/pgbase.tasks"
        fi
        echo "select1 select1" >>"$W/pgbase.tasks"
        echo "select1 select1" >>"$W/pgbase.tasks"
    done
    "$TOP/build/bench/pgbase" "$W/delay0.conf" <"$W/pgbase.tasks" >"$W/pgbase.out" ||
        bench_note "bench: pgbase reported errors"
    for kind in "${KINDS[@]}" open select1 pfx_account pfx_phone pfx_postcode pfx_name; do
        awk -v k="$kind" '$1 == k && $2 != "refused" { print $2 }' "$W/pgbase.out" >"$W/base.$kind"
    done
    awk '$1 ~ /^(account|phone|postcode|name)$/ { print $2 }' "$W/pgbase.out" >"$W/base.search"
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
    tm_type "Bench $tag call"
    tm_keys Enter
    tm_wait "$(re "Bench $tag call")" 'Contact recorded' || return 1
    settle "$trace"
    echo "log_contact $(paint_bytes "$trace" "$m")" >>"$W/$tag.bytes"
    echo "workflow $(paint_bytes "$trace" "$wf")" >>"$W/$tag.bytes"
    awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" >"$W/$tag.hwm"
    tm_keys C-c
    tm_stop
}

# queue_bytes TAG TERMENV...: the supervisor's queue at 80x24 (the bench
# connects as the cluster owner: every team's queue): bytes of its first
# draw, then of one live update, when another session gives the complaint
# under the cursor to someone else and the notification redraws that row.
queue_bytes() {
    local tag=$1; shift
    local trace=$W/$tag.qtrace m ref id who
    rm -f "$trace"
    tm_start 80 24 env "$@" CARELINE_TRACE="$trace" "$CARELINE" --config "$W/delay0.conf"
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
bench_note "bench: search and customer view in tmux, search delay 0 ($REPS x 4 kinds)..."
tmux_searches "$W/delay0.conf" tmux0 "$REPS" 1 || { tm_stop; bench_note "bench: the tmux search run failed"; }
bench_note "bench: search in tmux with the default delay ($DEFAULT_DELAY ms, $REPS_DELAY x 4 kinds)..."
tmux_searches "$W/default.conf" tmuxd "$REPS_DELAY" 0 || { tm_stop; bench_note "bench: the tmux search run failed"; }
bench_note "bench: the same searches in the scripted mode..."
script_searches "$W/delay0.conf" script0
script_searches "$W/default.conf" scriptd
bench_note "bench: the same queries without a UI (pgbase)..."
pgbase_run
bench_note "bench: start-up ($STARTS starts), memory and bytes..."
startups || { tm_stop; bench_note "bench: the start-up run failed"; }
workflow xterm TERM=xterm-256color LANG=C.UTF-8 || { tm_stop; bench_note "bench: the xterm workflow failed"; }
workflow vt220 TERM=vt220 LANG=C LC_ALL=C NO_COLOR=1 || { tm_stop; bench_note "bench: the vt220 workflow failed"; }
bench_note "bench: the supervisor's queue, first draw and a live update..."
queue_bytes xterm TERM=xterm-256color LANG=C.UTF-8 || { tm_stop; bench_note "bench: the xterm queue run failed"; }
queue_bytes vt220 TERM=vt220 LANG=C LC_ALL=C NO_COLOR=1 || { tm_stop; bench_note "bench: the vt220 queue run failed"; }

# ---- the report ---------------------------------------------------------------
f() { cat "$W/$1" 2>/dev/null; }                  # the numbers of one figure
bytes_of() { awk -v k="$2" '$1 == k { print $2 }' "$W/$1.bytes" 2>/dev/null; }
median() { stats | awk '{ print $3 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-") printf "%.1fx", a / b; else print "-" }'; }

{
    echo "Careline bench — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)," \
         "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load average at the start: $LOAD_AT_START;" \
         "CPU busy (others) at the start: ${busy:-under 25%}"
    echo "database: PostgreSQL $(psql -X -At -U postgres -c 'SHOW server_version'), $BENCH_CUSTOMERS customers," \
         "$(psql -X -At -U postgres -c "SELECT pg_size_pretty(pg_database_size(current_database()))"); $BENCH_SEED_NOTE"
    echo "terminal: tmux $(tmux -V | cut -d' ' -f2) at 80x24, TERM=xterm-256color unless said; keys typed one at a" \
         "time ${BENCH_KEY_GAP}s apart; times from CARELINE_TRACE (key received -> paint written)"
    header "Search as you type: last key -> results painted (search_delay_ms = 0)"
    for k in "${KINDS[@]}"; do f "tmux0.$k" | row "search: $k (tmux)" ms "p95 < 20 ms at 1M"; done
    cat "$W"/tmux0.{account,phone,postcode,name} 2>/dev/null | row "search: all four kinds (tmux)" ms "p95 < 20 ms at 1M"
    f tmux0.db | grep -v NA | row "  of which the query (the screen's own figure)" ms "-"
    paste "$W/tmux0.all" "$W/tmux0.db" 2>/dev/null | awk '$2 != "NA" { d = $1 - $2; print (d > 0 ? d : 0) }' |
        row "  of which waiting (superseded searches, paint)" ms "-"
    f tmux0.echo | row "  key -> its echo painted (typing never waits)" ms "never waits on the database"
    cat "$W"/script0.all 2>/dev/null | row "search: all four kinds (scripted, no tty)" ms "p95 < 20 ms at 1M"
    cat "$W"/tmuxd.{account,phone,postcode,name} 2>/dev/null |
        row "search: all kinds, default delay $DEFAULT_DELAY ms (tmux)" ms "the delay is added on purpose"
    cat "$W"/scriptd.all 2>/dev/null | row "search: all kinds, default delay (scripted)" ms "-"
    d0=$(cat "$W"/tmux0.{account,phone,postcode,name} 2>/dev/null | median)
    dd=$(cat "$W"/tmuxd.{account,phone,postcode,name} 2>/dev/null | median)
    row_one "  what the default delay adds (median)" "$(awk -v a="$dd" -v b="$d0" 'BEGIN { if (a != "-" && b != "-") printf "%.1f", a - b; else print "-" }')" ms "-"
    header "Customer view: Enter -> view painted"
    f tmux0.open | row "customer view open (tmux)" ms "p95 < 15 ms at 1M"
    f script0.open | row "customer view open (scripted, no tty)" ms "p95 < 15 ms at 1M"
    f tmux0.open_rt | row "  round trips per open (libpq trace)" "" "1"
    row_one "  round trips, first open of a session" "$(f tmux0.open_rt_first)" "" "1 + LISTEN once"
    header "The same work without a UI (pgbase: libcareline + libpq), and the overhead"
    f base.select1 | row "SELECT 1 round trip (bare server)" ms "-"
    for k in "${KINDS[@]}"; do f "base.$k" | row "search: $k, library only" ms "-"; done
    f base.open | row "customer view, library only (one pipeline)" ms "-"
    for k in "${KINDS[@]}"; do
        f "base.pfx_$k" | row "  each shorter prefix of a $k, library only" ms "-"
    done
    ui=$(cat "$W"/tmux0.{account,phone,postcode,name} 2>/dev/null | median)
    lib=$(f base.search | median)
    row_one "overhead: search UI median / library median" "$(ratio "$ui" "$lib")" "" "-"
    row_one "overhead: search UI median - library median" "$(awk -v a="$ui" -v b="$lib" 'BEGIN { if (a != "-" && b != "-") printf "%.1f", a - b; else print "-" }')" ms "-"
    row_one "overhead: view UI median / library median" "$(ratio "$(f tmux0.open | median)" "$(f base.open | median)")" "" "-"
    row_one "library search median / SELECT 1 median" "$(ratio "$lib" "$(f base.select1 | median)")" "" "-"
    header "Start-up and memory"
    f startup | row "start -> search screen painted, online" ms "< 150 ms"
    row_one "peak resident memory, contact workflow (xterm)" "$(awk '{ printf "%.1f", $1 / 1024 }' "$W/xterm.hwm" 2>/dev/null)" MB "< 16 MB"
    row_one "peak resident memory, contact workflow (vt220)" "$(awk '{ printf "%.1f", $1 / 1024 }' "$W/vt220.hwm" 2>/dev/null)" MB "< 16 MB"
    for t in xterm vt220; do
        header "Bytes written to the terminal at 80x24, TERM=$t$([ $t = vt220 ] && echo ', no colour, ASCII')"
        bytes_of $t first_draw | row "search screen, first draw" B "< 4096 B"
        bytes_of $t redraw_search | row "search screen with results, full redraw (C-l)" B "< 4096 B"
        [ $t = xterm ] && f tmux0.results_bytes | row "results arrive (from the search runs above)" B "-"
        bytes_of $t move_row | row "move one row in the results" B "< 300 B"
        bytes_of $t open_view | row "customer view, open (all paints)" B "< 4096 B"
        bytes_of $t redraw_view | row "customer view, full redraw (C-l)" B "< 4096 B"
        for p in 2 3 4 5 6 1; do bytes_of $t panel_$p; done | row "switch panel (2..6, back to 1)" B "-"
        bytes_of $t redraw_panel | row "any panel, full redraw (C-l)" B "< 4096 B"
        bytes_of $t move_contact | row "move one row in the contacts panel" B "< 300 B"
        bytes_of $t log_contact | row "log a contact (form, typing, saved view)" B "-"
        bytes_of $t queue_first | row "supervisor's queue, first draw (all paints)" B "< 4096 B"
        bytes_of $t queue_update | row "queue: one live update (row reassigned)" B "< 300 B"
        awk '$1 == "workflow" { print $2 " bytes, " $3 " keys" }' "$W/$t.bytes" 2>/dev/null |
            sed 's/^/contact workflow total (search, open, 6 panels, log): /'
    done
} >"$REPORT"

case $SKIP in *" load "*) ;; *)
    . "$TOP/tests/bench/loadrun.sh"
    bench_note "bench: load driver..."
    load_all >>"$REPORT" ;;
esac
case $SKIP in *" notify "*) ;; *)
    . "$TOP/tests/bench/notify.sh"
    bench_note "bench: notifications over the largest zone (exim4, Kannel)..."
    notify_all >>"$REPORT" ;;
esac
case $SKIP in *" dash "*) ;; *)
    . "$TOP/tests/bench/dashboard.sh"
    bench_note "bench: the supervisor's dashboard (load time, bytes)..."
    dash_all >>"$REPORT" ;;
esac
case $SKIP in *" slow "*) ;; *)
    . "$TOP/tests/bench/slowlink.sh"
    bench_note "bench: slow link..."
    slow_all >>"$REPORT" ;;
esac
echo "" >>"$REPORT"
echo "Not in the bench yet: complaint intake and the recovery-script runner (workflow keys and bytes, load mix); bench took $((SECONDS - BENCH_T0)) s." >>"$REPORT"
cat "$REPORT"
