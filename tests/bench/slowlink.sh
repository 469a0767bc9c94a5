# slowlink.sh — the contact workflow over a slow link (150 ms each way, 56 kbit/s) between Careline and PostgreSQL, and between the terminal and Careline: sourced by bench.sh.
#
# Uses drive.sh, common.sh, W, WARM, sample.typed and query_of from bench.sh.
# Each step of the workflow is timed from its last key to the screen being
# complete: with the database far away, from CARELINE_TRACE (key received ->
# last paint of the step); with the terminal far away, from the relay's log,
# as the agent sees it (key leaves the terminal -> last byte of the answer
# arrives).

SLOW_DELAY_MS=${BENCH_SLOW_DELAY_MS:-150}
SLOW_RATE=${BENCH_SLOW_RATE:-56000}
SLOW_REPS=${BENCH_SLOW_REPS:-3}
SLOW_GAP=${BENCH_SLOW_KEY_GAP:-0.15}   # the line is slow, the agent is not: keys 150 ms apart

# Steps: "name keys" — how many keys each step sends, in order.
SLOW_STEPS=()

# slow_settle FILE...: like settle, but a slow line has pauses of a whole
# delay between bytes: wait for twice the delay of silence.
slow_settle() {
    local before after i quiet
    quiet=$(awk -v d="$SLOW_DELAY_MS" 'BEGIN { printf "%.2f", 2 * d / 1000 + 0.05 }')
    before=$(cat "$@" 2>/dev/null | wc -c)
    for ((i = 0; i < 60; i++)); do
        sleep "$quiet"
        after=$(cat "$@" 2>/dev/null | wc -c)
        [ "$after" = "$before" ] && return 0
        before=$after
    done
}

# slow_walk ROW LOGFILES...: one workflow on the running session; fills
# SLOW_STEPS. Keys are single bytes (digits, letters, Enter), so the relay's
# log counts them one to one.
slow_walk() {
    local row=$1; shift
    local acct summary p label
    acct=$(query_of "$row" account)
    summary="Slow link call"
    SLOW_STEPS=()
    BENCH_KEY_GAP=$SLOW_GAP tm_type "$acct"
    tm_wait "$(re "Search: $acct")" 'best match first' || return 1
    slow_settle "$@"
    SLOW_STEPS+=("search_typed ${#acct}")
    tm_keys Enter
    tm_wait "Acct $acct" 'Tab next panel' || return 1
    slow_settle "$@"
    SLOW_STEPS+=("open_customer 1")
    for p in 2:Usage 3:Billing 5:Complaints 6:Programmes 1:Overview 4:Contacts; do
        tm_keys "${p%%:*}"
        tm_wait "\[${p%%:*} ${p#*:}\]" || return 1
        slow_settle "$@"
        SLOW_STEPS+=("panel 1")
    done
    tm_keys c
    tm_wait 'Summary' || return 1
    slow_settle "$@"
    SLOW_STEPS+=("contact_form 1")
    BENCH_KEY_GAP=$SLOW_GAP tm_type "$summary"
    tm_wait "$(re "$summary")" || return 1
    slow_settle "$@"
    SLOW_STEPS+=("summary_typed ${#summary}")
    tm_keys Enter
    tm_wait "$(re "$summary")" 'Contact recorded' || return 1
    slow_settle "$@"
    SLOW_STEPS+=("contact_saved 1")
}

# steps_of < EVENTS: EVENTS are "K TIME" (a key) and "O TIME BYTES" (output
# written). For each step of SLOW_STEPS print "NAME WAIT_MS BYTES" (last key
# of the step -> last output before the next step's first key), for every
# key "echo MS" (key -> the first output after it), and for every step
# "win NAME FROM TO" (its time window, for the relay's byte counts).
steps_of() {
    awk -v steps="${SLOW_STEPS[*]}" '
        BEGIN { ns = split(steps, s, " "); k = 0
                for (i = 1; i <= ns; i += 2) { nm[++m] = s[i]; cnt[m] = s[i + 1] } }
        $1 == "K" { key[++k] = $2 }
        $1 == "O" { ot[++o] = $2; ob[o] = $3 }
        END {
            first = 1
            for (st = 1; st <= m; st++) {
                last = first + cnt[st] - 1
                next_t = (last + 1 <= k) ? key[last + 1] : 1e18
                done = ""; bytes = 0
                for (x = 1; x <= o; x++)
                    if (ot[x] >= key[first] && ot[x] < next_t) { done = ot[x]; bytes += ob[x] }
                if (done != "") printf "%s %.1f %d\n", nm[st], done - key[last], bytes
                printf "win %s %.3f %.3f\n", nm[st], key[first], next_t
                for (q = first; q <= last; q++)
                    for (x = 1; x <= o; x++)
                        if (ot[x] >= key[q]) { printf "echo %.1f\n", ot[x] - key[q]; break }
                first = last + 1
            }
        }'
}

# tty_steps < RELAY_LOG: the same from the terminal relay's log, as the agent
# sees it. A key leaves the terminal at its "rd up"; its echo is the first
# output the program wrote after the key reached it ("wr up"), and arrives
# when that output's first byte is delivered ("wr down").
tty_steps() {
    awk -v steps="${SLOW_STEPS[*]}" '
        BEGIN { ns = split(steps, s, " ")
                for (i = 1; i <= ns; i += 2) { nm[++m] = s[i]; cnt[m] = s[i + 1] } }
        $1 == "rd" && $2 == "up" { for (i = 0; i < $4; i++) key[++k] = $3 }
        $1 == "wr" && $2 == "up" { for (i = 0; i < $4; i++) given[++g] = $3 }
        $1 == "rd" && $2 == "down" { rt[++r] = $3; rstart[r] = rcum + 1; rcum += $4 }
        $1 == "wr" && $2 == "down" { wt[++w] = $3; wb[w] = $4; wcum += $4; wc[w] = wcum }
        END {
            first = 1
            for (st = 1; st <= m; st++) {
                last = first + cnt[st] - 1
                next_t = (last + 1 <= k) ? key[last + 1] : 1e18
                done = ""; bytes = 0
                for (x = 1; x <= w; x++)
                    if (wt[x] >= key[first] && wt[x] < next_t) { done = wt[x]; bytes += wb[x] }
                if (done != "") printf "%s %.1f %d\n", nm[st], done - key[last], bytes
                for (q = first; q <= last; q++) {
                    c = ""
                    for (x = 1; x <= r; x++) if (rt[x] >= given[q]) { c = rstart[x]; break }
                    if (c == "") continue
                    for (x = 1; x <= w; x++) if (wc[x] >= c) { printf "echo %.1f\n", wt[x] - key[q]; break }
                }
                first = last + 1
            }
        }'
}

# relay_bytes RELAY_LOG < WINDOWS: bytes each way through the database relay
# in each step's window: "NAME UP DOWN".
relay_bytes() {
    awk 'FNR == NR { if ($1 == "win") { n++; nm[n] = $2; from[n] = $3; to[n] = $4 } next }
         $1 == "rd" { for (i = 1; i <= n; i++) if ($3 >= from[i] && $3 < to[i]) b[i, $2] += $4 }
         END { for (i = 1; i <= n; i++) printf "%s %d %d\n", nm[i], b[i, "up"], b[i, "down"] }' - "$1"
}

# slow_db: Careline -> relay -> PostgreSQL; the terminal is local.
slow_db() {
    local relay_dir=$W/slowdb i row trace
    mkdir -p "$relay_dir"
    "$TOP/build/bench/relay" --delay "$SLOW_DELAY_MS" --rate "$SLOW_RATE" --log "$W/slowdb.relay" \
        --listen "$relay_dir/.s.PGSQL.5432" --to "$PGHOST/.s.PGSQL.$PGPORT" &
    RELAY_PIDS+=($!)
    sleep 0.2
    for ((i = 0; i < SLOW_REPS; i++)); do
        row=$(sed -n "$((WARM + 1 + i % REPS))p" "$W/sample.typed")
        trace=$W/slowdb.$i.trace
        tm_start 80 24 env TERM=xterm-256color PGHOST="$relay_dir" PGPORT=5432 CARELINE_TRACE="$trace" \
            "$TOP/build/bench/stamp" "$W/slowdb.$i.stamp" "$CARELINE" --config "$W/default.conf"
        tm_wait 'Search:' 'online' || { tm_stop; return 1; }
        slow_settle "$trace" "$W/slowdb.relay"
        awk 'FILENAME ~ /stamp$/ { t0 = $2 } FILENAME ~ /trace$/ && $1 == "paint" && !d { printf "%.1f\n", $2 - t0; d = 1 }' \
            "$W/slowdb.$i.stamp" "$trace" >>"$W/slowdb.start"
        local m
        m=$(lines "$trace")
        # Settle on the relay's log too: an answer still on the line is
        # work the screen is waiting for.
        slow_walk "$row" "$trace" "$W/slowdb.relay" || { tm_stop; return 1; }
        tail -n +"$((m + 1))" "$trace" | awk '$1 == "key" { print "K", $2 } $1 == "paint" { print "O", $2, $3 }' |
            steps_of >"$W/slowdb.$i.steps"
        grep -v '^win ' "$W/slowdb.$i.steps" >>"$W/slowdb.steps"
        relay_bytes "$W/slowdb.relay" <"$W/slowdb.$i.steps" >>"$W/slowdb.bytes"
        tm_keys C-c
        tm_stop
    done
}

# slow_tty: tmux -> relay (a pty, as ssh over a slow line) -> Careline; the
# database is local.
slow_tty() {
    local i row log trace
    for ((i = 0; i < SLOW_REPS; i++)); do
        row=$(sed -n "$((WARM + 1 + (SLOW_REPS + i) % REPS))p" "$W/sample.typed")
        log=$W/slowtty.$i.log
        trace=$W/slowtty.$i.trace
        tm_start 80 24 "$TOP/build/bench/relay" --delay "$SLOW_DELAY_MS" --rate "$SLOW_RATE" --log "$log" --pty -- \
            env TERM=xterm-256color CARELINE_TRACE="$trace" "$CARELINE" --config "$W/default.conf"
        tm_wait 'Search:' 'online' || { tm_stop; return 1; }
        slow_settle "$log"
        local m
        m=$(lines "$log")
        slow_walk "$row" "$log" || { tm_stop; return 1; }
        tail -n +"$((m + 1))" "$log" | tty_steps >>"$W/slowtty.steps"
        # The program's own view of the same keys: still no waiting inside.
        keys_echo "$trace" 0 >>"$W/slowtty.inside_echo"
        tm_keys C-c
        tm_stop
    done
}

slow_rows() {   # slow_rows FILE WHAT ECHO_GOAL [STEP_GOAL]: one row per kind of step
    local file=$1 what=$2 goal=${4:--}
    awk '$1 == "search_typed" { print $2 }' "$file" | row "search: last key -> results $what" ms "$goal"
    awk '$1 == "open_customer" { print $2 }' "$file" | row "open customer: Enter -> view $what" ms "$goal"
    awk '$1 == "panel" { print $2 }' "$file" | row "switch panel (all six): key -> panel $what" ms "-"
    awk '$1 == "contact_form" { print $2 }' "$file" | row "open the contact form" ms "-"
    awk '$1 == "contact_saved" { print $2 }' "$file" | row "save the contact: Enter -> on the timeline" ms "$goal"
    awk '$1 == "echo" { print $2 }' "$file" | row "every key -> its echo $what" ms "$3"
}

# slow_clean: the contacts earlier runs logged go, with their surveys, so
# every run opens the same customers with the same timelines (each run
# logs one on the same rows: kept, they would make each open larger than
# the last). Neither is referenced by anything a bench keeps; the foreign
# key checks are off for the same reason as notify_clean's.
slow_clean() {
    PGUSER=postgres psql -X -q -c "SET session_replication_role = replica;
        DELETE FROM satisfaction_survey WHERE interaction_id IN (SELECT id FROM interaction WHERE summary = 'Slow link call');
        DELETE FROM interaction WHERE summary = 'Slow link call'" >/dev/null 2>&1 ||
        bench_note "bench: the contacts of earlier slow-link runs could not be removed"
}

slow_all() {
    local desc="${SLOW_DELAY_MS} ms each way, $((SLOW_RATE / 1000)) kbit/s each way (tests/bench/relay)"
    slow_clean
    bench_note "bench: slow link between Careline and PostgreSQL ($SLOW_REPS workflows)..."
    slow_db || bench_note "bench: the slow database link run failed"
    case $SKIP in *" slowtty "*) ;; *)
        bench_note "bench: slow link between the terminal and Careline ($SLOW_REPS workflows)..."
        slow_tty || bench_note "bench: the slow terminal link run failed" ;;
    esac
    header "Slow link A: Careline <-> PostgreSQL at $desc; default search delay"
    f slowdb.start | row "start -> search screen painted (connects)" ms "-"
    slow_rows "$W/slowdb.steps" painted "never waits on the database" "under 1 s"
    awk '{ up[$1] += $2; down[$1] += $3; n[$1]++ }
         END { for (k in n) printf "%s %.0f/%.0f\n", k, up[k] / n[k], down[k] / n[k] }' "$W/slowdb.bytes" | sort |
        awk '{ printf "%s %s", (NR > 1 ? "," : "\nBytes to / from the server per step (mean):"), $1 "=" $2 } END { print "" }'
    [ -s "$W/slowtty.steps" ] || { echo; echo "One workflow: search by account, open, all six panels, log a contact;" \
        "$SLOW_REPS workflows; keys typed ${SLOW_GAP}s apart. The terminal half was left out (BENCH_SKIP=slowtty)."; return 0; }
    header "Slow link B: terminal <-> Careline at $desc (as ssh over a modem); as the agent sees it"
    slow_rows "$W/slowtty.steps" "arrives" "the line's round trip"
    f slowtty.inside_echo | row "inside Careline: key received -> echo written" ms "never waits on the database"
    awk '$1 != "echo" { b[$1] += $3; n[$1]++ }
         END { for (k in b) printf "%s %.0f\n", k, b[k] / n[k] }' "$W/slowtty.steps" | sort |
        awk '{ printf "%s %s B", (NR > 1 ? "," : "\nBytes per step (mean):"), $1 "=" $2 } END { print "" }'
    echo
    echo "One workflow: search by account, open, all six panels, log a contact; $SLOW_REPS workflows each;" \
         "keys typed ${SLOW_GAP}s apart."
}
