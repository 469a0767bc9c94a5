#!/usr/bin/env bash
# test_script_dashboard.sh — the dashboard in the display-less mode (also under the sanitizers): every group, the list behind a figure of each kind, the period keys, a chosen range (and a refused one), the team filter, an improvement action recorded and changed, at 80x24 and on a narrow terminal.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_sdash_$$ TEST_DB=e2e_sdash_$$
export XDG_STATE_HOME=$T/state
cleanup() { dropdb --if-exists "$PGDATABASE" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
first=$(q "SELECT careline_today() - 90")
today=$(q "SELECT careline_today()")

run() {   # run NAME SIZE < KEYS: the dumps in $T/NAME.out
    local name=$1 size=$2
    cat >"$T/$name.keys"
    "$CARELINE" --script "$T/$name.keys" --size "$size" >"$T/$name.out" 2>"$T/$name.err"
    is "$name: the script ran" "$?" 0
}

run walk 24x80 <<EOF
C-g
:dump
d
C-u
:type $first $today
Enter
:dump
Down
Enter
:dump
Escape
Tab
Enter
:dump
Escape
Tab
Enter
:dump
Escape
Tab
Enter
:dump
Escape
Tab
i
:dump
a
:type Letters now say which stage the complaint is at
Tab
C-u
:type $today
C-x
:dump
e
End
:type , and what happens next
C-x
:dump
Escape
Tab
Enter
:dump
Escape
End
Enter
:dump
Escape
f
:dump
Down
Enter
:dump
t
:dump
[
:dump
w
m
]
:dump
d
C-u
:type 2026-02-30
Enter
:dump
r
Escape
:dump
:quit
EOF
out=$(cat "$T/walk.out")
like "the dashboard opens" "$out" "Dashboard.*At a glance"
like "the chosen days" "$out" "$(date -d "$first" '+%-d %b')[^-]*- $(date -d "$today" '+%-d %b %Y')"
like "Enter on a summary figure lists complaints" "$out" "Behind the figure.*Complaints opened.*newest first.*C-20"
like "Enter on a channel lists contacts" "$out" "Contacts: phone"
like "Enter on a wrap-up code lists contacts" "$out" "Contacts: (Information given|Complaint logged|Call-back arranged|\\(no wrap-up code\\))"
like "Enter on a category lists its complaints" "$out" ": complaints opened, resolved or closed"
like "i on a root cause opens its actions" "$out" "Root cause: "
like "an action recorded" "$out" "Improvement action recorded.*Letters now say which stage"
like "and changed" "$out" "Letters now say which stage the complaint is at, and what happens next.*Improvement action changed"
is "in the database, once" "$(q "SELECT count(*) FROM improvement_action WHERE what_changed LIKE 'Letters now say%'")" 1
like "deadlines by category list deadlines" "$out" "Deadlines due: "
like "the last group's figure lists its rows" "$out" "Behind the figure"
like "f offers the teams" "$out" "Figures of which team.*Every team.*Billing"
like "a team chosen" "$out" "- team "
like "t: today" "$out" "Today, "
like "[: the day before" "$out" "[A-Z][a-z]{2} [0-9]+ [A-Z][a-z]{2} 20[0-9]{2} "
like "] after m: next month" "$out" "(January|February|March|April|May|June|July|August|September|October|November|December) 20[0-9]{2}"
like "an impossible day is refused in words" "$out" "Not a period: type the first and last day"
like "Esc backs out to search" "$(tail -30 "$T/walk.out")" "Search:"

run narrow 12x40 <<EOF
C-g
:dump
Tab
Tab
Tab
Tab
Tab
Tab
Tab
Tab
Tab
BackTab
PgDn
PgUp
End
Home
Enter
:dump
:quit
EOF
like "narrow: the dashboard fits 40 columns" "$(cat "$T/narrow.out")" "Dashboard"
width=$(wc -L <"$T/narrow.out")
is "narrow: no line wider than the terminal" "$([ "$width" -le 40 ] && echo yes)" yes

tap_done
