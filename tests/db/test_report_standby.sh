#!/usr/bin/env bash
# test_report_standby.sh — database.report_conninfo: a private primary (logging every statement) and a streaming standby made from it; the dashboard and every report read from the standby, give the primary's figures, and the primary sees none of their statements; with the standby down they fail rather than fall back to the primary.
set -u
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/pgtmp.sh"
. "$TOP/tests/lib/tmux.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/careline-standby.XXXXXX")
BIN=$(pgtmp_bindir) || { not_ok "a PostgreSQL server to start"; tap_done; exit 1; }
chmod 755 "$T"
mkdir -p "$T/p" "$T/s" "$T/sock" "$T/log" "$T/state"
[ "$(id -u)" = 0 ] && chown postgres: "$T/p" "$T/s" "$T/sock" "$T/log"
chmod 700 "$T/p" "$T/s"
stop() { [ -f "$1/postmaster.pid" ] && pgtmp_as "$BIN/pg_ctl" -D "$1" -m immediate -w stop >/dev/null 2>&1; }
cleanup() { tmux_stop; stop "$T/s"; stop "$T/p"; rm -rf "$T"; }
trap cleanup EXIT
export XDG_STATE_HOME=$T/state

# Every statement logged with the application that sent it.
LOGOPTS="-c log_statement=all -c log_line_prefix='%a|' -c fsync=off -c listen_addresses=''"
P1=$(pgtmp_free_port)
pgtmp_as "$BIN/initdb" -D "$T/p" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$T/log/initdb.log" 2>&1 \
    || { not_ok "initdb" "$(cat "$T/log/initdb.log")"; tap_done; exit 1; }
pgtmp_as "$BIN/pg_ctl" -D "$T/p" -l "$T/log/primary.log" -w -t 60 -o "-p $P1 -k $T/sock $LOGOPTS" start >/dev/null \
    || { not_ok "the primary starts" "$(cat "$T/log/primary.log")"; tap_done; exit 1; }
ok "a private primary logs every statement"
export PGHOST=$T/sock PGUSER=postgres
unset PGDATABASE PGPORT
DB=standby_test
createdb -p "$P1" "$DB" && PGPORT=$P1 PGDATABASE=$DB "$CARELINE" migrate >/dev/null &&
    PGPORT=$P1 PGDATABASE=$DB "$CARELINE" seed --customers 300 >/dev/null \
    || { not_ok "migrate and seed the primary"; tap_done; exit 1; }

pgtmp_as "$BIN/pg_basebackup" -h "$T/sock" -p "$P1" -U postgres -D "$T/s" -R -X stream --checkpoint=fast >"$T/log/basebackup.log" 2>&1 \
    || { not_ok "pg_basebackup -R" "$(cat "$T/log/basebackup.log")"; tap_done; exit 1; }
P2=$(pgtmp_free_port)
while [ "$P2" = "$P1" ]; do P2=$(pgtmp_free_port); done
pgtmp_as "$BIN/pg_ctl" -D "$T/s" -l "$T/log/standby.log" -w -t 60 -o "-p $P2 -k $T/sock $LOGOPTS" start >/dev/null \
    || { not_ok "the standby starts" "$(cat "$T/log/standby.log")"; tap_done; exit 1; }
is "the second server is a standby in recovery" "$(psql -X -At -p "$P2" -d "$DB" -c 'SELECT pg_is_in_recovery()')" t

# A complaint saved on the primary after the copy: the standby has it once replayed.
psql -X -q -p "$P1" -d "$DB" -c "INSERT INTO complaint (reference, customer_id, category_id, channel, description)
    VALUES ('S-REPLAYED', 1, (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'), 'phone', 'x')"
for _ in $(seq 100); do
    [ "$(psql -X -At -p "$P2" -d "$DB" -c "SELECT count(*) FROM complaint WHERE reference = 'S-REPLAYED'")" = 1 ] && break
    sleep 0.1
done
is "the standby has replayed it" "$(psql -X -At -p "$P2" -d "$DB" -c "SELECT count(*) FROM complaint WHERE reference = 'S-REPLAYED'")" 1

# The primary for everything else; reads for figures prefer the standby (the
# primary is listed second, as a failover setup would).
cat >"$T/careline.conf" <<EOF
connection = { conninfo = "host=$T/sock port=$P1 dbname=$DB"; };
database = { report_conninfo = "host=$T/sock,$T/sock port=$P2,$P1 dbname=$DB target_session_attrs=prefer-standby"; };
EOF
printf 'connection = { conninfo = "host=%s port=%s dbname=%s"; };\n' "$T/sock" "$P1" "$DB" >"$T/primary.conf"
cl() { env -u PGHOST -u PGPORT -u PGDATABASE "$CARELINE" --config "$@"; }
out=$(cl "$T/careline.conf" check-config)
like "check-config names the report connection" "$out" "reports: host=.*port=$P2,$P1.*prefer-standby"

first=$(psql -X -At -p "$P1" -d "$DB" -c "SELECT careline_today() - 60")
last=$(psql -X -At -p "$P1" -d "$DB" -c "SELECT careline_today()")
reports=(sla agents categories root-causes per-10k csat-nps compensation fcr)
for r in "${reports[@]}"; do
    cl "$T/primary.conf" report "$r" --from "$first" --to "$last" --csv >"$T/primary.$r" 2>&1
done
mark=$(wc -l <"$T/log/primary.log")
for r in "${reports[@]}"; do
    a=$(cl "$T/careline.conf" report "$r" --from "$first" --to "$last" --csv 2>&1); rc=$?
    is "report $r from the standby: exit 0" "$rc" 0
    is "report $r from the standby = from the primary" "$a" "$(cat "$T/primary.$r")"
done
a=$(cl "$T/careline.conf" report feedback --format csv); rc=$?
is "report feedback from the standby: exit 0" "$rc" 0
a=$(cl "$T/careline.conf" report overdue --csv); rc=$?
is "report overdue from the standby: exit 0" "$rc" 0
like "the replayed complaint counted from the standby" "$(cl "$T/careline.conf" report categories --csv)" "Billing and charges,[1-9]"

# The dashboard in the scripted mode: its figures and one list from the standby.
printf 'C-g\n:dump\nDown\nEnter\n:dump\n:quit\n' >"$T/keys"
out=$(cl "$T/careline.conf" --script "$T/keys" --size 24x80 2>&1); rc=$?
is "the dashboard ran" "$rc" 0
like "with its figures" "$out" "Complaints opened +[1-9]"
like "and the list behind one" "$out" "Complaints opened.*S-REPLAYED"

# What the primary saw meanwhile: none of the figures' statements, and no
# connection from the report side; the standby saw them all.
tail -n +"$((mark + 1))" "$T/log/primary.log" >"$T/primary.since"
figures_re='report_[a-z_]+_rows|careline_day_start|report_connections|improvement_action a JOIN|compensation_payment|complaint_sla|working_add_hours'
is "the primary saw no dashboard or report statement" "$(grep -cE "$figures_re" "$T/primary.since")" 0
is "nothing reached the primary as careline-report" "$(grep -c '^careline-report|' "$T/primary.since")" 0
like "the primary did see the dashboard's session (search, LISTEN for live figures)" "$(cat "$T/primary.since")" \
    "^careline\|.*LISTEN \"?careline_figures"
like "the standby ran the figures" "$(cat "$T/log/standby.log")" "careline-report\|.*report_complaint_rows"
like "and the list behind a figure" "$(cat "$T/log/standby.log")" "careline-report\|.*count\(\*\) OVER \(\)"
like "and the overdue report" "$(cat "$T/log/standby.log")" "careline-report\|.*customer_region"

# Standby down and the report connection naming it alone: the report fails,
# it never falls back to the primary.
stop "$T/s"
cat >"$T/only.conf" <<EOF
connection = { conninfo = "host=$T/sock port=$P1 dbname=$DB"; };
database = { report_conninfo = "host=$T/sock port=$P2 dbname=$DB target_session_attrs=standby connect_timeout=2"; };
EOF
mark=$(wc -l <"$T/log/primary.log")
out=$(cl "$T/only.conf" report sla 2>&1); rc=$?
is "standby down: the report cannot connect (exit 3)" "$rc" 3
like "and says where it tried" "$out" "cannot connect to the database.*$P2"
is "and the primary saw nothing of it" "$(tail -n +"$((mark + 1))" "$T/log/primary.log" | grep -cE "$figures_re|careline-report")" 0
TMUX_SOCK=
tmux_start 80 24 env -u PGHOST -u PGPORT -u PGDATABASE TERM=vt100 "$CARELINE" --config "$T/only.conf"
wait_screen "search screen (the primary is up)" 'Search:'
tmux_keys C-g
wait_screen "the dashboard says the report database cannot be reached, and that it retries" \
    'The report database is (OFFLINE|RECONNECTING|offline|reconnecting)'
tmux_keys Escape
wait_screen "Esc still backs out" 'Search:'
tmux_stop
is "and the primary saw none of its statements" "$(tail -n +"$((mark + 1))" "$T/log/primary.log" | grep -cE "$figures_re")" 0

tap_done
