#!/usr/bin/env bash
# dashboard.sh — `make bench`: the supervisor's dashboard at the bench's size: the time of its one-pipeline load (today, this week, this month), the longest list behind a figure, and the bytes sent to the terminal for the first draw and for one live update (a measurement, never pass/fail).
#
# Sourced by bench.sh (dash_all prints the report's lines), or run alone:
# `bash tests/bench/dashboard.sh` starts the cached benchmark cluster
# itself (BENCH_CUSTOMERS, BENCH_PGDIR as in bench.sh) and prints its lines.
# The contact it adds to cause the live update is deleted afterwards.

# dash_session TAG TERMENV...: open the dashboard as the bench supervisor at
# 80x24, then add a contact; writes W/dash.TAG: "first BYTES" and "live BYTES".
dash_session() {
    local tag=$1; shift
    local trace=$W/dash.$tag.trace m id
    rm -f "$trace"
    tm_start 80 24 env "$@" PGUSER=careline_bench_supervisor CARELINE_TRACE="$trace" "$CARELINE" \
        --config "$W/dash.conf"
    tm_wait 'Search:' 'online' || return 1
    settle "$trace"
    m=$(lines "$trace")
    tm_keys F4
    tm_wait 'updated [0-9]{2}:' 'Contacts +[0-9]' || return 1
    settle "$trace"
    echo "first $(paint_bytes "$trace" "$m" | cut -d' ' -f1)" >"$W/dash.$tag"
    # One new contact anywhere: the screen hears it and redraws what changed.
    m=$(lines "$trace")
    local before
    before=$(tm_screen | grep -E '^[> ] Contacts ')
    id=$(psql -X -q -At -U postgres -c "INSERT INTO interaction (customer_id, channel, started_at)
                                        VALUES (1, 'web', now()) RETURNING id")
    for _ in $(seq 200); do
        [ "$(tm_screen | grep -E '^[> ] Contacts ')" != "$before" ] && break
        sleep 0.05
    done
    settle "$trace"
    echo "live $(paint_bytes "$trace" "$m" | cut -d' ' -f1)" >>"$W/dash.$tag"
    psql -X -q -U postgres -c "DELETE FROM interaction WHERE id = '$id'" >/dev/null
    tm_keys C-c
    tm_stop
}

dash_all() {
    local figures=$TOP/build/bench/figures reps=${BENCH_DASH_REPS:-10}
    printf 'connection = { statement_timeout_ms = 0; };\n' >"$W/dash.conf"
    header "Dashboard: every figure in one pipeline (supervisor; library round trip)"
    if PGUSER=careline_bench_supervisor "$figures" "$reps" >"$W/dash.times" 2>"$W/dash.err"; then
        awk '$1 == "open" { print $2 }' "$W/dash.times" | row "dashboard opens (this month, connections)" ms "-"
        for k in today week month last-month; do
            awk -v k="$k" '$1 == k { print $2 }' "$W/dash.times" | row "live update: $k" ms "-"
        done
        awk '$1 == "list" { print $2 }' "$W/dash.times" | row "  list: last month's contacts (1000 shown)" ms "-"
    else
        echo "dashboard load: failed: $(head -3 "$W/dash.err")"
    fi
    header "Dashboard: bytes written to the terminal at 80x24"
    local t
    for t in xterm vt220; do
        if [ "$t" = xterm ]; then
            dash_session "$t" TERM=xterm-256color LANG=C.UTF-8 || { tm_stop; bench_note "bench: the dashboard run failed"; }
        else
            dash_session "$t" TERM=vt220 LANG=C LC_ALL=C NO_COLOR=1 || { tm_stop; bench_note "bench: the dashboard run failed"; }
        fi
        awk '$1 == "first" { print $2 }' "$W/dash.$t" 2>/dev/null | row "dashboard, first draw ($t)" B "< 4096 B (a full screen)"
        awk '$1 == "live" { print $2 }' "$W/dash.$t" 2>/dev/null | row "dashboard, one live update ($t)" B "-"
    done
}

# Alone: the cluster, the roles and a work folder of our own.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    TOP=$(cd "$(dirname "$0")/../.." && pwd)
    export TOP
    . "$TOP/tests/bench/common.sh"
    . "$TOP/tests/bench/drive.sh"
    W=$(mktemp -d "${TMPDIR:-/tmp}/careline-bench-dash.XXXXXX")
    chmod 755 "$W"
    export TZ=Europe/London LC_ALL=C.UTF-8 LANG=C.UTF-8 HOME=$W/home XDG_STATE_HOME=$W/state
    mkdir -p "$HOME"
    trap 'tm_stop; bench_db_down; rm -rf "$W"' EXIT
    bench_db_up || { echo "bench: could not prepare the benchmark database" >&2; exit 1; }
    bench_roles || exit 1
    bench_note "bench: $BENCH_SEED_NOTE"
    echo "Careline dashboard bench — $(date -u '+%Y-%m-%d %H:%M UTC'), $BENCH_CUSTOMERS customers"
    dash_all
fi
