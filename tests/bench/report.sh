# report.sh — docs/performance.md as `make bench` writes it: the run, every goal of DESIGN.md beside its figure, the goals missed with their causes, then every table and how each figure is taken. Sourced by bench.sh.
#
# Uses W (the run's figures, one number a line per file), the tables'
# helpers of common.sh (header, row, stats) and what bench.sh set.

f() { cat "$W/$1" 2>/dev/null; }   # the numbers of one figure
bytes_of() { awk -v k="$2" '$1 == k { print $2 }' "$W/$1.bytes" 2>/dev/null; }
median() { stats | awk '{ print $3 }'; }
p95() { stats | awk '{ print $4 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-" && a != "") printf "%.2fx", a / b; else print "-" }'; }

# goal NAME GOAL FIGURE UNIT STAT LIMIT < NUMBERS: one row of the goals'
# table: the figure's spread, and met when its STAT (median, p95 or max) is
# below LIMIT ("<=" before LIMIT: at most). A missed goal is noted in
# $W/missed for the causes section.
goal() {
    local name=$1 text=$2 figure=$3 unit=$4 stat=$5 limit=$6 s v verdict
    s=$(stats)
    set -- $s
    case $stat in median) v=$3 ;; p95) v=$4 ;; *) v=$5 ;; esac
    if [ "$1" = 0 ] || [ "$v" = - ]; then
        verdict="not measured"
    elif awk -v v="$v" -v l="${limit#<=}" -v le="$([ "${limit#<=}" != "$limit" ] && echo 1)" \
            'BEGIN { exit !(le ? v <= l : v < l) }'; then
        verdict=met
    else
        verdict="**missed**"
        echo "$name" >>"$W/missed"
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$text" "$(md_label "$figure")" "$1" "$2" "$3" "$4" "$5" \
        "$unit" "$verdict"
}
# goal_note GOAL FIGURE TEXT: a goal the bench does not measure as a number here.
goal_note() { printf '| %s | %s | | | | | | | %s |\n' "$1" "$2" "$3"; }

# Why a goal was missed: what the figures above it show, and what would
# change it. Written from the measurements of issue 12 (see git log).
cause() {
    case $1 in
    search_*) echo "**Search at ${BENCH_CUSTOMERS} customers, last key to results on screen.** Compare each kind's screen figure with its library row in the growth table: the rest is waiting (the \"of which waiting\" row: every key sends a search and the connection runs one at a time, so the last key's waits for the one before) and the paint, with tmux drawing on the same two cores. The query itself: a word search counts every customer with all the words exactly (the GIN index of search_doc finds them at once, but each match is a visit to its row to rank it and count it), so a common word costs what its matches cost (\"Smith\" alone, a few thousand at 1M); a begun postcode and a partial phone number read every match up to the count's cap before they cut. The same statements with libpq alone take as long (the ratio table): the time is the server's. A machine busy with other work (see The run) makes every p95 several times its median." ;;
    exact) echo "**Exactness.** A name's customers were not all listed: see the exactness table for the name and the counts; the database test tests/db/test_search_exact.sh holds the rule." ;;
    view_ms) echo "**Customer view under 5 ms.** One round trip of two prepared statements (every panel packed into one value, then the audit row); the library row (the same pipeline without a screen) and the libpq row beside it show the server's time, the rest is the paint and tmux on the same two cores. Of the server's time the bind is most (PostgreSQL plans a prepared statement again with its values while it finds that cheaper than a generic plan); the usage statement no longer hashes every zone's benchmark; packing the panels' rows (JSON text of each column) adds a few tenths of a millisecond. A busy machine (see The run) moves its p95 by tens of milliseconds." ;;
    view_rt) echo "**One round trip per open.** A LISTEN or a reconnect went in the same open; see the round trips row." ;;
    ratio*) echo "**Careline over libpq alone.** Both send the same prepared statements on the same session; Careline's search also classifies the text with PCRE2 and decodes every row into its record, and its view goes through the event loop (non-blocking, one write and one read per pipeline). On a busy machine single medians differ by more than that; the table beside gives both." ;;
    start) echo "**Start to a usable screen.** Connecting (TLS off here, a local socket) and the warm-up of the search statements; see the start-up row." ;;
    memory) echo "**Resident memory.** The peak comes from ncurses' screens and libpq's buffers of the largest answer (the view)." ;;
    full_screen) echo "**A full 80x24 screen under 2.5 KB.** The widest panels (usage with its chart, billing) repainted whole cost most; colour changes per cell cost the escape sequences of each change. Fewer colour runs per line would cut it." ;;
    row_move) echo "**Moving one row.** The first Down also moves the focus from the input to the list, which repaints the input line." ;;
    typed_char) echo "**A typed character.** A field whose text carries an attribute costs switching it on and off around each key; fields now draw their text plain and underline the room left (tui/field.c)." ;;
    slow_search) echo "**Search over a far database (150 ms each way, 56 kbit/s).** Each superseded search that reached the server sends its rows back, and they are on the line before the last search's: one page (19 rows, about 2.8 KB, 0.4 s at 56 kbit/s) each. Requests go one at a time on the connection, so the last one also waits a round trip behind the one before; sending it in the same pipeline as soon as the server has had the cancel would save that round trip." ;;
    slow_open) echo "**Opening a customer over a far database.** One statement and the audit row, their SQL sent once per session ahead of use (about 160 B go up per open); the answer is one value with every panel packed in it (about 3.5 KB for a customer with a page of contacts, 0.5 s at 56 kbit/s, plus the line's 300 ms). What is left is the data itself: the page of contacts (about 110 B each, up to 25), the 24 months of usage and of balance, the bills. A customer with many contacts costs up to 2.7 KB more; a first page the size of the screen would cap that, panels fetched when first shown would be a second round trip." ;;
    slow_save) echo "**Saving a contact over a far database.** One round trip: the write and, right behind it in the same pipeline, the view's header and timeline (about 1.4 KB back, packed). The line's 300 ms and those bytes are the time." ;;
    growth) echo "**Cost growth from 100k to 1M.** An exact total grows with the number of matches (a word search counts them all; a common word at 1M has ten times the matches it had at 100k), and a partial phone number's trigram index returns every number that has the digits before they are ordered and cut. Kinds that look up one key (account, whole phone, postcode, meter) stay flat." ;;
    load) echo "**The whole day under load.** See the load section (written by \`make load\`, tests/bench/loadrun.sh)." ;;
    notify) echo "**Notifications over a zone.** Queueing takes seconds (one INSERT of every message at the declare's commit); the hand-off takes minutes: each e-mail is a sendmail(8) process of its own and each SMS one HTTP request to the gateway, and two \`careline notify\` workers on these two shared cores pass about 75 a second. More workers, a sendmail process per batch (several messages through one SMTP session) and the gateway's batch interface would shorten it; that is the notification worker's, not the screens'." ;;
    *) echo "**$1.** Not analysed yet." ;;
    esac
}

report_run() {
    local commit dirty
    commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
    dirty=$(git -C "$TOP" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with changes not committed)")
    echo "## The run"
    echo
    echo "- When: $(date -u '+%Y-%m-%d %H:%M UTC'), $((SECONDS - BENCH_T0)) s, from commit $commit$dirty."
    echo "- Machine: $(nproc) cores of $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
         "$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) memory, Linux $(uname -r);" \
         "load average at the start $LOAD_AT_START; busy with other work at the start: ${busy:-under 25% of the CPU}."
    echo "- Software: PostgreSQL $(psql -X -At -U postgres -c 'SHOW server_version') (pgtmp: fsync off," \
         "shared_buffers 256MB), tmux $(tmux -V | cut -d' ' -f2), ncurses $(ncursesw6-config --version 2>/dev/null || echo 6)," \
         "libpq $(pkg-config --modversion libpq 2>/dev/null || echo ?)$(command -v pgbouncer >/dev/null && echo ", PgBouncer $(pgbouncer --version 2>/dev/null | head -1 | awk '{ print $NF }')")."
    echo "- Database: $BENCH_CUSTOMERS customers, $(psql -X -At -U postgres -c "SELECT pg_size_pretty(pg_database_size(current_database()))");" \
         "$BENCH_SEED_NOTE."
    echo "- Terminal: tmux at 80x24, TERM=xterm-256color unless said; keys typed one at a time ${BENCH_KEY_GAP}s apart;" \
         "times from CARELINE_TRACE (key received -> paint written); $REPS repetitions per kind unless said."
    local skipped
    skipped=$(echo $SKIP)
    echo "- Left out: ${skipped:-nothing}${skipped:+ (BENCH_SKIP)}."
}

report_goals() {
    local all
    : >"$W/missed"
    echo
    echo "## The goals of DESIGN.md and what was measured"
    echo
    echo "At $BENCH_CUSTOMERS customers on this machine. The verdict compares the p95 with the goal (the growth: the worst"
    echo "kind; round trips: the most of any open; the ratios: median over median)."
    echo
    echo '| goal | figure | n | min | median | p95 | max | unit | verdict |'
    echo '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |'
    for k in "${KINDS[@]}"; do
        f "tmux0.$k" | goal "search_$k" "every search kind: p95 < 10 ms, last key to results on screen" "search: $k (tmux)" ms p95 10
    done
    all=$(awk '{ f += $1; w += $2 } END { printf "%d %d", f, w }' "$W/g$BENCH_CUSTOMERS.exact" 2>/dev/null)
    if [ -n "$all" ]; then
        set -- $all
        printf '| %s | %s | %s | | | | | names | %s |\n' "and exact: every customer with all the words listed" \
            "full names of the sample: customers found of those whose name has both words" "$1 of $2" \
            "$([ "$1" = "$2" ] && echo met || { echo exact >>"$W/missed"; echo '**missed**'; })"
    fi
    f tmux0.open_rt | goal view_rt "customer view: one round trip" "round trips per open (libpq trace)" "" max "<=1"
    f tmux0.open | goal view_ms "customer view: under 5 ms" "Enter -> view painted (tmux)" ms p95 5
    awk -v a="$(cat "$W/g$BENCH_CUSTOMERS".{account,phone,postcode,name_misspelt} 2>/dev/null | median)" \
        -v b="$(cat "$W/g$BENCH_CUSTOMERS".raw_{account,phone,postcode,name_misspelt} 2>/dev/null | median)" \
        'BEGIN { if (b > 0) printf "%.2f\n", a / b }' |
        goal ratio_search "Careline over raw libpq, the same SQL: at most 1.05x" "search (four kinds), median / median" x median "<=1.05"
    awk -v a="$(f "g$BENCH_CUSTOMERS.open" | median)" -v b="$(f "g$BENCH_CUSTOMERS.raw_open" | median)" \
        'BEGIN { if (b > 0) printf "%.2f\n", a / b }' |
        goal ratio_view "Careline over raw libpq, the same SQL: at most 1.05x" "customer view, median / median" x median "<=1.05"
    f startup | goal start "start to a usable screen: under 50 ms" "exec -> search screen painted, online" ms p95 50
    cat "$W"/{xterm,vt220}.hwm 2>/dev/null | awk '{ printf "%.1f\n", $1 / 1024 }' |
        goal memory "resident memory: under 12 MB" "peak resident set, contact workflow (xterm, vt220)" MB max 12
    for t in xterm vt220; do bytes_of $t redraw_search; bytes_of $t redraw_view; bytes_of $t redraw_panel; done |
        goal full_screen "a full 80x24 screen: under 2.5 KB" "full redraws (C-l): search, view, every panel; xterm and vt220" B p95 2560
    for t in xterm vt220; do bytes_of $t move_row; bytes_of $t move_contact; done |
        goal row_move "one row move: under 250 B" "move one row (results, contacts; xterm and vt220)" B p95 250
    for t in xterm vt220; do bytes_of $t typed_char; done |
        goal typed_char "one typed character: under 8 B" "a character typed into the contact's summary (xterm and vt220)" B p95 8
    if [ -s "$BENCH_OUT/load.md" ]; then
        goal_note "200 agents on the full mix: p95 under 30 ms for every action kind, no lost or duplicated writes; 1,000 terminals through PgBouncer" \
            "the load section below (\`make load\`)" "see below"
    else
        goal_note "200 agents on the full mix: p95 under 30 ms for every action kind, no lost or duplicated writes; 1,000 terminals through PgBouncer" \
            "\`make load\` (tests/bench/loadrun.sh)" "not in this run"
    fi
    awk '$1 == "search_typed" { print $2 }' "$W/slowdb.steps" 2>/dev/null |
        goal slow_search "database 150 ms away at 56 kbit/s: search under 1 s" "last key -> results painted" ms p95 1000
    awk '$1 == "open_customer" { print $2 }' "$W/slowdb.steps" 2>/dev/null |
        goal slow_open "database 150 ms away at 56 kbit/s: open under 1 s" "Enter -> view painted" ms p95 1000
    awk '$1 == "contact_saved" { print $2 }' "$W/slowdb.steps" 2>/dev/null |
        goal slow_save "database 150 ms away at 56 kbit/s: submit under 1 s" "save a contact: Enter -> on the timeline" ms p95 1000
    local g0=? g1=?
    [ "${#GROWTH_SIZES[@]}" -gt 0 ] && g0=${GROWTH_SIZES[0]} g1=${GROWTH_SIZES[${#GROWTH_SIZES[@]} - 1]}
    growth_factors | awk '{ print $2 }' | goal growth "cost growth from 100k to 1M: at most 1.5x for any search kind" \
        "median at $g1 over median at $g0, per kind (the worst is max)" x max "<=1.5"
    if [ -s "$W/notify.fig" ]; then
        awk '{ print $1 + $2 }' "$W/notify.fig" | goal notify "an event over a whole zone: queued and handed off in seconds" \
            "declare -> every message handed to the MTA and the SMS gateway" s max 60
    else
        goal_note "an event over a whole zone: queued and handed off in seconds" "tests/bench/notify.sh" "not in this run"
    fi
    echo
    if [ -s "$W/missed" ]; then
        echo "## Goals missed, and why"
        echo
        sed 's/^search_.*/search_any/; s/^ratio_.*/ratio/' "$W/missed" | awk '!seen[$0]++' | while read -r m; do
            echo "- $(cause "$m")"
        done
    else
        echo "Every goal measured here was met."
    fi
}

# growth_factors: "KIND FACTOR" for every search kind, median at the largest
# size over median at the smallest.
growth_factors() {
    local k kind a b
    [ "${#GROWTH_SIZES[@]}" -ge 2 ] || return 0
    for k in "${GROWTH_KINDS[@]}"; do
        kind=${k%%|*}
        a=$(f "g${GROWTH_SIZES[0]}.$kind" | median)
        b=$(f "g${GROWTH_SIZES[-1]}.$kind" | median)
        awk -v k="$kind" -v a="$a" -v b="$b" 'BEGIN { if (a > 0 && b != "-") printf "%s %.2f\n", k, b / a }'
    done
}

report_growth() {
    local k kind n cells s
    [ "${#GROWTH_SIZES[@]}" -ge 1 ] || return 0
    echo
    echo "## Every search kind and the view at ${GROWTH_SIZES[*]} customers"
    echo
    echo "Through libcareline without a UI (tests/bench/pgbase: classify, send the prepared statement, wait, decode the rows;" \
         "the view is its one pipeline), the same $GROWTH_REPS customers' texts at every size after $GROWTH_WARM warm-ups, picked by a" \
         "fixed hash, each text run once before it is timed (so the figure is the query, not the disk); median / p95 in ms." \
         "Growth is the median at the largest size over the smallest (goal: at most 1.5x)."
    echo
    printf '| kind (what is typed) |'
    for n in "${GROWTH_SIZES[@]}"; do printf ' %s |' "$n"; done
    printf ' growth |\n| --- |'
    for n in "${GROWTH_SIZES[@]}"; do printf ' ---: |'; done
    printf ' ---: |\n'
    for k in "${GROWTH_KINDS[@]}" "open|the customer view (its 14 statements)"; do
        kind=${k%%|*}
        cells=""
        for n in "${GROWTH_SIZES[@]}"; do
            s=$(f "g$n.$kind" | stats | awk '$1 > 0 { printf "%s / %s", $3, $4 }')
            cells="$cells ${s:--} |"
        done
        printf '| %s (%s) |%s %s |\n' "$kind" "${k#*|}" "$cells" \
            "$(ratio "$(f "g${GROWTH_SIZES[-1]}.$kind" | median)" "$(f "g${GROWTH_SIZES[0]}.$kind" | median)")"
    done
    echo
    echo "### The same SQL with libpq alone, at $BENCH_CUSTOMERS"
    echo
    echo "The statement and parameters Careline sends, prepared once on the same session and run with" \
         "PQexecPrepared (the view: its 14 statements in one libpq pipeline); median / p95 ms, and Careline's median over libpq's."
    echo
    echo '| kind | Careline | libpq alone | ratio |'
    echo '| --- | ---: | ---: | ---: |'
    for k in "${GROWTH_KINDS[@]}" "open|the customer view"; do
        kind=${k%%|*}
        printf '| %s | %s | %s | %s |\n' "$kind" \
            "$(f "g$BENCH_CUSTOMERS.$kind" | stats | awk '$1 > 0 { printf "%s / %s", $3, $4 }')" \
            "$(f "g$BENCH_CUSTOMERS.raw_$kind" | stats | awk '$1 > 0 { printf "%s / %s", $3, $4 }')" \
            "$(ratio "$(f "g$BENCH_CUSTOMERS.$kind" | median)" "$(f "g$BENCH_CUSTOMERS.raw_$kind" | median)")"
    done
    if [ -s "$W/g$BENCH_CUSTOMERS.exact" ]; then
        echo
        echo "### Exactness at $BENCH_CUSTOMERS"
        echo
        echo "For each sampled full name: the customers whose name has both words (brute force, whole words, any case)," \
             "and how many of them \`careline search\` lists (up to 500 rows)."
        echo
        echo '| name | found | of |'
        echo '| --- | ---: | ---: |'
        awk '{ n = $3; for (i = 4; i <= NF; i++) n = n " " $i; printf "| %s | %d | %d |\n", n, $1, $2 }' "$W/g$BENCH_CUSTOMERS.exact"
    fi
}

report_tables() {
    local d0 dd t
    echo
    echo "## Search and the customer view on screen"
    header "Search as you type: last key -> results painted (search_delay_ms = 0)"
    for k in "${KINDS[@]}"; do f "tmux0.$k" | row "search: $k (tmux)" ms "p95 < 10 ms"; done
    cat "$W"/tmux0.{account,phone,postcode,name} 2>/dev/null | row "search: all four kinds (tmux)" ms "p95 < 10 ms"
    f tmux0.db | grep -v NA | row "  of which the query (the screen's own figure)" ms "-"
    paste "$W/tmux0.all" "$W/tmux0.db" 2>/dev/null | awk '$2 != "NA" { d = $1 - $2; print (d > 0 ? d : 0) }' |
        row "  of which waiting (superseded searches, paint)" ms "-"
    f tmux0.echo | row "  key -> its echo painted (typing never waits)" ms "never waits on the database"
    f script0.all | row "search: all four kinds (scripted, no tty)" ms "p95 < 10 ms"
    cat "$W"/tmuxd.{account,phone,postcode,name} 2>/dev/null |
        row "search: all kinds, default delay $DEFAULT_DELAY ms (tmux)" ms "the delay is added on purpose"
    f scriptd.all | row "search: all kinds, default delay (scripted)" ms "-"
    d0=$(cat "$W"/tmux0.{account,phone,postcode,name} 2>/dev/null | median)
    dd=$(cat "$W"/tmuxd.{account,phone,postcode,name} 2>/dev/null | median)
    row_one "  what the default delay adds (median)" \
        "$(awk -v a="$dd" -v b="$d0" 'BEGIN { if (a != "-" && b != "-") printf "%.1f", a - b; else print "-" }')" ms "-"
    header "Customer view: Enter -> view painted"
    f tmux0.open | row "customer view open (tmux)" ms "p95 < 5 ms"
    f script0.open | row "customer view open (scripted, no tty)" ms "p95 < 5 ms"
    f "g$BENCH_CUSTOMERS.open" | row "customer view, library only (one pipeline)" ms "-"
    f "g$BENCH_CUSTOMERS.raw_open" | row "customer view, libpq alone (the same pipeline)" ms "-"
    f tmux0.open_rt | row "  round trips per open (libpq trace)" "" "1"
    row_one "  round trips, first open of a session" "$(f tmux0.open_rt_first)" "" "1"
    f "g$BENCH_CUSTOMERS.select1" | row "SELECT 1 round trip (bare server)" ms "-"
    header "Start-up and memory"
    f startup | row "start -> search screen painted, online" ms "< 50 ms"
    row_one "peak resident memory, contact workflow (xterm)" "$(awk '{ printf "%.1f", $1 / 1024 }' "$W/xterm.hwm" 2>/dev/null)" MB "< 12 MB"
    row_one "peak resident memory, contact workflow (vt220)" "$(awk '{ printf "%.1f", $1 / 1024 }' "$W/vt220.hwm" 2>/dev/null)" MB "< 12 MB"
    echo
    echo "## Bytes to the terminal"
    for t in xterm vt220; do
        header "Bytes written to the terminal at 80x24, TERM=$t$([ $t = vt220 ] && echo ', no colour, ASCII')"
        bytes_of $t first_draw | row "search screen, first draw" B "< 2.5 KB"
        bytes_of $t redraw_search | row "search screen with results, full redraw (C-l)" B "< 2.5 KB"
        [ $t = xterm ] && f tmux0.results_bytes | row "results arrive (from the search runs above)" B "-"
        bytes_of $t move_row | row "move one row in the results" B "< 250 B"
        bytes_of $t open_view | row "customer view, open (all paints)" B "-"
        bytes_of $t redraw_view | row "customer view, full redraw (C-l)" B "< 2.5 KB"
        for p in 2 3 4 5 6 1; do bytes_of $t panel_$p; done | row "switch panel (2..6, back to 1)" B "-"
        bytes_of $t redraw_panel | row "any panel, full redraw (C-l)" B "< 2.5 KB"
        bytes_of $t move_contact | row "move one row in the contacts panel" B "< 250 B"
        bytes_of $t typed_char | row "a character typed into a field (the contact's summary)" B "< 8 B"
        bytes_of $t log_contact | row "log a contact (form, typing, saved view)" B "-"
        bytes_of $t queue_first | row "supervisor's queue, first draw (all paints)" B "< 2.5 KB"
        bytes_of $t queue_update | row "queue: one live update (row reassigned)" B "< 250 B"
        awk '$1 == "workflow" { print "\nContact workflow total (search, open, 6 panels, log): " $2 " bytes, " $3 " keys." }' \
            "$W/$t.bytes" 2>/dev/null
    done
}

report_load() {
    echo
    echo "## The whole day under load"
    echo
    if [ -s "$BENCH_OUT/load.md" ]; then
        case $SKIP in *" load "*) echo "From \`make load\` of $(date -u -r "$BENCH_OUT/load.md" '+%Y-%m-%d %H:%M UTC')" \
                                        "(this run left the load out: BENCH_SKIP=load)."; echo ;; esac
        cat "$BENCH_OUT/load.md"
    elif [ -s "$BENCH_OUT/load.log" ]; then
        echo '```'
        cat "$BENCH_OUT/load.log"
        echo '```'
    else
        echo "Not in this run (BENCH_SKIP=load), and no \`make load\` has written $BENCH_OUT/load.md yet."
    fi
}

report_all() {
    echo "# Careline performance: what \`make bench\` measured"
    echo
    echo "Written by \`make bench\` (tests/bench/bench.sh and tests/bench/report.sh): to change this page, change the"
    echo "bench and run it. Every goal of DESIGN.md is beside its figure, with min / median / p95 / max over its"
    echo "repetitions; the bench reports and never passes or fails. How each figure is taken is at the end."
    echo
    report_run
    report_goals
    report_tables
    report_growth
    if [ -s "$W/slow.md" ]; then
        echo
        echo "## A far database, a far terminal"
        cat "$W/slow.md"
    fi
    report_load
    if [ -s "$W/sections" ]; then
        echo
        echo "## Notifications and the dashboard"
        cat "$W/sections"
    fi
    report_method
}

report_method() {
    cat <<'TEXT'

## Running it

```sh
make bench                                  # everything, at 1,000,000 customers; writes docs/performance.md
BENCH_CUSTOMERS=20000 BENCH_GROWTH= make bench   # a quick run on a small database
BENCH_SKIP="load slow" BENCH_DOC= make bench     # a part, to stdout only
BENCH_SKIP="ui load notify dash growth slowtty" BENCH_DOC= make bench   # the far database alone
make load                                   # only the load driver; the next make bench includes its figures
```

Run as root on Debian 12, like `make check`. `make bench` builds with `-O2`
and runs `tests/bench/bench.sh`. The database is a private PostgreSQL
cluster (`tests/lib/pgtmp.sh`) kept in `BENCH_PGDIR` between runs, one
database per size (`careline_bench_<N>`) whose COMMENT records that its
seed finished and how long it took. The first run at a size seeds it; later
runs reuse it, apply newer migrations (then `VACUUM ANALYZE`) and say when
`db/seed.sql` changed since (`BENCH_RESEED=1` seeds again). The growth
table seeds its smaller sizes the same way the first time.

| variable | default | what |
| --- | --- | --- |
| `BENCH_CUSTOMERS` | 1000000 | size of the main database |
| `BENCH_GROWTH` | 100000 300000 | the other sizes of the growth table (empty: none) |
| `BENCH_GROWTH_REPS` | 10 | texts per search kind and size in the growth table |
| `BENCH_REPS` | 20 | repetitions of each search kind and of the view on screen |
| `BENCH_KEY_GAP` | 0.08 | seconds between typed keys (a fast typist) |
| `BENCH_SKIP` | | any of `ui load slow slowtty notify dash growth` to leave out (`ui`: searches, views, start-up and bytes in tmux; `slowtty`: the terminal half of the slow link) |
| `BENCH_PGDIR` | /var/tmp/careline-bench-pg | where the cluster is kept |
| `BENCH_RESEED` | 0 | 1: seed the cached database again |
| `BENCH_OUT` | build/bench | where the load driver writes `load.md`, included here |
| `BENCH_DOC` | docs/performance.md | the page written (empty: stdout only) |

The load driver's own knobs (agents, supervisors, think time, pool size,
terminals) are in `tests/bench/loadrun.sh`. Progress goes to stderr; a
machine already busy when the bench starts is named in "The run", since
figures taken on a busy machine are worth little.

## How each figure is taken

* **Search, last key to results painted.** The real binary runs in tmux at
  80x24. Keys are typed one at a time, `BENCH_KEY_GAP` apart, and
  `CARELINE_TRACE` records when each key arrives and when each paint is
  written, with its byte count. A search is timed from its last key to the
  paint that completed the screen: the bench waits until tmux shows the text
  and the result line, then for the trace to go quiet, and takes the last
  paint after the last key (the paint in between is that key's echo). It
  looks at the screen only every 50 ms; the times come from the trace. Four
  kinds: an account number, a phone number as people say it
  (`07709 236240`), a whole postcode, and a name with two letters of the
  surname swapped. Customers are picked by a fixed hash, so every run asks
  the same questions. The figures use `ui.search_delay_ms = 0`; a second run
  keeps the default and shows what the delay adds. The same keys also run
  in the scripted mode (`--script`), each search typed in one go.
* **Customer view.** Enter on the result until the view is painted; round
  trips per open counted in `CARELINE_PQTRACE` (frontend `Sync` and
  `Query` messages).
* **Every kind at every size, and libpq alone.** Each text is run once
  each way before it is timed: at 1M a customer's pages are rarely in the
  cache, and the figure is meant to be the query's.
  `tests/bench/pgbase.c`
  links `libcareline.a` and calls `db_search_run` and
  `db_customer_open_sync`: Careline's own statements through its own layer,
  prepared once per connection as the screens do. For each, the same
  statement and parameters (`db_search_sql`, `db_cv_part_sql`) are sent with
  libpq alone on the same session, prepared once and run with
  `PQexecPrepared` (the view: its 14 statements in one libpq pipeline), so
  the ratio is what Careline's layer adds. The growth table runs the same
  texts of the same hash-picked customers at every size.
* **Exactness.** For the sampled full names, every customer whose name has
  both words is counted by brute force (whole words, any case) and looked
  for in what `careline search` lists (up to 500 rows); the rule itself is
  held by the database test `tests/db/test_search_exact.sh`.
* **Start-up.** `tests/bench/stamp.c` notes `CLOCK_MONOTONIC` and execs
  Careline; the figure runs to the first paint of the search screen,
  connected.
* **Memory.** `VmHWM` (peak resident set) after the whole contact workflow.
* **Bytes to the terminal.** Paint byte counts from `CARELINE_TRACE` at
  80x24, for `xterm-256color` with UTF-8 and for `vt220` with no colour and
  ASCII. "Full redraw" is `C-l`, which repaints every cell. "A character
  typed" is each key of the contact's summary, typed one at a time.
* **Load.** `tests/bench/loadrun.sh` and `tests/bench/load.c` (`make load`
  alone); they write `BENCH_OUT/load.md`, which this page includes.
* **Slow link.** `tests/bench/relay.c` is a user-space slow line: it
  forwards a UNIX socket, or a program's terminal through a pty as ssh
  would, adding 150 ms each way and limiting each direction to 56 kbit/s,
  and logs every read and delivered write on the clock of `CARELINE_TRACE`.
  The workflow: type an account number, open the customer, visit the six
  panels, open the contact form, type a summary and save; three times, keys
  150 ms apart, each in a new session (so first uses in a session are
  counted). A: Careline to PostgreSQL over the line (a field office against
  a distant server), timed from the trace. B: the terminal to Careline over
  the line (a supervisor over ssh), timed as the agent sees it from the
  relay's log.
* **Notifications.** `tests/bench/notify.sh`: an event declared over the
  largest zone, its messages queued at the commit and handed to exim4 and
  Kannel by `careline notify --once` workers.
* **Dashboard.** `tests/bench/dashboard.sh`: the dashboard's one pipeline at
  today, this week and this month, and its bytes.
TEXT
}
