#!/usr/bin/env bash
# test_tmux_queue.sh — three terminals live at once (tmux, 80x24): an agent takes a complaint from the team queue; the supervisor's queue shows it within a second, cursor unmoved; the supervisor assigns it to a second agent whose "My work" shows it within a second. Once in xterm with UTF-8, once as TERM=vt100 LANG=C NO_COLOR=1 with vt100 keys only.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_queue_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
sup=qe_sup_$$; amy=qe_amy_$$; bob=qe_bob_$$
S1= S2= S3=
cleanup() {
    for s in $S1 $S2 $S3; do tmux -S "$s" kill-server 2>/dev/null; done
    dropdb --if-exists "$PGDATABASE"
    for r in $sup $amy $bob; do q "DROP ROLE IF EXISTS $r" postgres >/dev/null 2>&1; done
    rm -rf "$T"
}
trap cleanup EXIT
q "CREATE ROLE $sup LOGIN IN ROLE careline_supervisor; CREATE ROLE $amy LOGIN IN ROLE careline_agent;
   CREATE ROLE $bob LOGIN IN ROLE careline_agent" postgres >/dev/null
# A team of their own, so the queue holds just what the test puts there.
q "INSERT INTO staff (login_role, display_name, team, group_role) VALUES ('$sup', 'Sue Super', 'Night desk', 'supervisor'),
   ('$amy', 'Amy Agent', 'Night desk', 'agent'), ('$bob', 'Bob Brown', 'Night desk', 'agent')" >/dev/null
cust=$(q "SELECT id FROM customer ORDER BY id LIMIT 1")
# now_ms: milliseconds, to time the live updates.
now_ms() { date +%s%3N; }

# complaint REF MINUTES_LEFT: an unassigned complaint of the night desk whose resolution is due then.
complaint() {
    q "INSERT INTO complaint (reference, customer_id, category_id, channel, description, team, opened_at, resolution_due_at)
       SELECT '$1', $cust, id, 'phone', 'Night desk $1', 'Night desk', now() - interval '1 day',
              now() + $2 * interval '1 minute'
         FROM complaint_category WHERE code = 'billing.high_bill' RETURNING id" >/dev/null
}

# live NAME REGEX: the screen of TMUX_SOCK shows REGEX within a second of now.
live() {
    local start=$(now_ms) i
    for ((i = 0; i < 40; i++)); do
        if tmux_screen | grep -qE -- "$2"; then
            local took=$(($(now_ms) - start))
            if [ "$took" -le 1000 ]; then ok "$1 (${took} ms)"; else not_ok "$1" "took ${took} ms"; fi
            return
        fi
        sleep 0.025
    done
    not_ok "$1" "not within 1 s: $2" "$(tmux_screen)"
}

run() {   # run LABEL QUEUE_KEY MYWORK_KEY ENV...
    local label=$1 qkey=$2 mkey=$3 r1=QE-$1-1 r2=QE-$1-2 r3=QE-$1-3
    shift 3
    complaint "$r1" 600; complaint "$r2" 30; complaint "$r3" -90

    tmux_start 80 24 env "$@" PGUSER=$sup "$CARELINE"; S1=$TMUX_SOCK
    wait_screen "$label: supervisor starts" 'Search:'
    tmux_keys "$qkey"
    wait_screen "$label: the supervisor's queue opens" 'Team queue \(Night desk'
    # (Time left is counted down as the test runs: a minute may pass.)
    wait_screen "$label: most urgent first, marked in words" 'BREACHED +-1h 3[01]m +'"$r3"'.*unassigned'
    like "$label: then the one at risk, then the one on time" "$(tmux_screen)" \
         "AT RISK +(30|29)m +$r2 .*on time +(10h 00m|9h 59m) +$r1 "
    tmux_keys Down Down
    wait_screen "$label: the supervisor's cursor is on the third" "^> on time .*$r1"

    tmux_start 80 24 env "$@" PGUSER=$amy "$CARELINE"; S2=$TMUX_SOCK
    wait_screen "$label: agent starts" 'Search:'
    tmux_keys "$mkey"
    wait_screen "$label: the agent's My work is empty" 'Nothing here'
    tmux_keys Escape
    wait_screen "$label: back at search" 'Search:'
    tmux_keys "$qkey"
    wait_screen "$label: the agent opens the team queue from search" 'Team queue \(Night desk'
    tmux_keys Down
    wait_screen "$label: agent on the at-risk one" "^> AT RISK .*$r2"
    wait_screen "$label: an agent is offered take, not assign" 't take +e escalate'
    tmux_keys t
    wait_screen "$label: the agent took it" "$r2 is yours now"

    TMUX_SOCK=$S1
    live "$label: the supervisor's queue shows the new owner within a second" "AT RISK .*$r2 .*Amy Agent"
    like "$label: and the supervisor's cursor has not moved" "$(tmux_screen)" "> on time .*$r1"
    complaint "QE-$label-4" 5
    live "$label: a new complaint appears within a second" "AT RISK .*QE-$label-4"
    like "$label: above the cursor, which stays on its complaint" "$(tmux_screen)" "> on time .*$r1"

    tmux_start 80 24 env "$@" PGUSER=$bob "$CARELINE"; S3=$TMUX_SOCK
    wait_screen "$label: second agent starts" 'Search:'
    tmux_keys "$mkey"
    wait_screen "$label: Bob's My work is empty" 'My work: 0 open'

    TMUX_SOCK=$S1
    tmux_keys Up
    wait_screen "$label: supervisor on the taken complaint" "^> AT RISK .*$r2"
    tmux_keys a
    wait_screen "$label: the assign list opens" 'Assign the complaint'
    tmux_text "bob brown"
    wait_screen "$label: narrowed to Bob" '^> Bob Brown +Night desk, agent, 0 open'
    tmux_keys Enter
    wait_screen "$label: assigned" "$r2 assigned to Bob Brown"

    TMUX_SOCK=$S3
    live "$label: Bob's My work shows it within a second" "AT RISK .*$r2"
    TMUX_SOCK=$S2
    live "$label: Amy's team queue shows the new owner" "$r2 .*Bob Brown"
    is "$label: the database agrees" "$(q "SELECT s.display_name FROM complaint k JOIN staff s ON s.id = k.owner_staff_id WHERE k.reference = '$r2'")" "Bob Brown"
    is "$label: both moves are in the complaint's history" \
       "$(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id WHERE k.reference = '$r2' AND h.kind = 'assignment'")" 2

    # A change made while the supervisor was choosing: told what changed,
    # the choice kept, and applied to the complaint as it is now on R.
    TMUX_SOCK=$S1
    tmux_keys Down
    wait_screen "$label: supervisor on the one on time" "^> on time .*$r1"
    tmux_keys a
    wait_screen "$label: the assign list opens again" 'Assign the complaint'
    q "UPDATE complaint SET status = 'acknowledged' WHERE reference = '$r1'" >/dev/null
    tmux_text "bob brown"
    tmux_keys Enter
    wait_screen "$label: the conflict is named" "Not saved: someone else changed $r1 after you looked: status: new"
    wait_screen "$label: and the choice is kept" "R to assign it to Bob Brown as it is now"
    is "$label: nothing was written" "$(q "SELECT coalesce(owner_staff_id, 0) FROM complaint WHERE reference = '$r1'")" 0
    tmux_keys R
    wait_screen "$label: R applies it" "$r1 assigned to Bob Brown"

    if [ "$label" = vt100 ]; then
        for s in $S1 $S2 $S3; do
            TMUX_SOCK=$s
            if tmux_screen | LC_ALL=C grep -q '[^ -~]'; then
                not_ok "$label: only ASCII on the screen" "$(tmux_screen | LC_ALL=C grep '[^ -~]' | head -3)"
                break
            fi
        done
        ok "$label: only ASCII on the screens"
    fi
    for s in $S1 $S2 $S3; do tmux -S "$s" kill-server 2>/dev/null; done
    S1= S2= S3=
    # The next run's complaints only.
    q "UPDATE complaint SET team = 'Day desk', owner_staff_id = NULL WHERE team = 'Night desk'" >/dev/null
}

run xterm F8 F9 TERM=xterm-256color LANG=C.UTF-8
run vt100 C-y C-n -u LC_ALL TERM=vt100 LANG=C NO_COLOR=1

tap_done
