#!/usr/bin/env bash
# test_pgbouncer.sh — Careline through a real PgBouncer (Debian 12's 1.18) in transaction mode with a default pgbouncer.ini and no switch in careline.conf: it finds the pooler by itself, a complaint is taken end to end, and a supervisor's approval reaches the agent live (LISTEN on a session connection of its own).
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/pgtmp.sh"
. "$TOP/tests/lib/pgbouncer.sh"
T=$(mktemp -d)
chmod 755 "$T"
DB=e2e_pgbouncer_$$
agent=pb_agent_$$; super=pb_super_$$
S1= S2=
cleanup() {
    [ -n "$S1" ] && tmux -S "$S1" kill-server 2>/dev/null
    [ -n "$S2" ] && tmux -S "$S2" kill-server 2>/dev/null
    pgbouncer_stop
    dropdb --if-exists --force "$DB"
    q "DROP ROLE IF EXISTS $agent; DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
export XDG_STATE_HOME=$T/state
createdb -T "$SEEDED_TEMPLATE" "$DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export PGDATABASE=$DB
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$agent', 'Amy Agent', 'agent'), ('$super', 'Sam Supervisor', 'supervisor')" >/dev/null

# Two server connections per user kept open and used in turn: a terminal's
# consecutive transactions land on different server connections, so
# anything Careline kept in a session would be seen to be lost. (Sizing of
# the pool, not a switch Careline needs.)
PGB_EXTRA="min_pool_size = 2
server_round_robin = 1" pgbouncer_start "$T/pgbouncer" "$agent" "$super" \
    || { not_ok "start PgBouncer"; tap_done; exit 1; }
is "the ini has none of the switches Careline once needed" \
    "$(grep -cE 'ignore_startup_parameters|connect_query|prepared_statements|server_reset_query' "$T/pgbouncer/pgbouncer.ini")" 0
SERVER_PORT=$PGPORT
# From here on Careline and its users reach the server only through PgBouncer.
pooled() { env PGHOST="$PGB_SOCK" PGPORT="$PGB_PORT" "$@"; }

# What Careline found out, with no setting at all.
out=$(pooled env PGUSER=$agent "$CARELINE" check-connection 2>&1); rc=$?
is "check-connection through PgBouncer exits 0" "$rc" 0
like "it found a transaction-mode pooler by itself" "$out" 'between: a transaction-mode pooler \(found out'
like "settings travel with every transaction" "$out" 'settings: .*with every transaction'
like "statements are unnamed" "$out" 'prepared statements: unnamed'
like "LISTEN goes straight to the server behind it" "$out" "live updates: listening .*port $SERVER_PORT"
out=$(env PGUSER=$agent "$CARELINE" check-connection 2>&1)
like "straight to PostgreSQL it says so" "$out" 'PostgreSQL itself'

# 1. A complaint taken end to end in the scripted mode.
acct=$(q "SELECT c.account_no FROM customer c WHERE NOT EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id
          AND k.status NOT IN ('resolved','closed')) ORDER BY c.id LIMIT 1")
text="Brown water from every tap since the works (pgbouncer $$)"
cat >"$T/intake.keys" <<KEYS
:type $acct
Enter
n
:type discol
Enter
:type $text
C-x
:dump
KEYS
pooled env PGUSER=$agent "$CARELINE" --script "$T/intake.keys" >"$T/intake.out" 2>"$T/intake.err"
is "intake: the script runs through PgBouncer" "$?" 0
like "intake: saved with a reference" "$(cat "$T/intake.out")" 'Complaint C-[0-9]{4}-[0-9]+ saved'
is "intake: exactly one complaint stored" "$(q "SELECT count(*) FROM complaint WHERE description = '$text'")" 1
is "intake: the draft left the journal" "$(ls "$XDG_STATE_HOME/careline" 2>/dev/null | grep -c draft)" 0
unlike "intake: no error reached the screen" "$(cat "$T/intake.out" "$T/intake.err")" 'prepared statement|unsupported startup|ERROR'

# 2. A credit above the agent's authority, approved live by a supervisor.
limit=$(q "SELECT per_credit::int FROM authority_limit WHERE group_role = 'agent'")
over=$((limit + 30))
row=$(q "SELECT c.account_no || ' ' || k.reference FROM complaint k JOIN customer c ON c.id = k.customer_id
          WHERE k.status = 'new' AND k.merged_into IS NULL
            AND (SELECT count(*) FROM complaint k2 WHERE k2.customer_id = c.id AND k2.merged_into IS NULL) = 1
          ORDER BY k.opened_at DESC LIMIT 1")
acct=${row% *}; ref=${row#* }
tmux_start 80 24 env PGHOST="$PGB_SOCK" PGPORT="$PGB_PORT" PGUSER=$agent "$CARELINE"; S1=$TMUX_SOCK
wait_screen "agent: search" 'Search:'
tmux_text "$acct"
wait_screen "agent: found" "^> $acct"
tmux_keys Enter 5
wait_screen "agent: complaints" "$ref"
tmux_keys Enter
wait_screen "agent: the complaint" "^ $ref "
tmux_keys g
wait_screen "agent: asked for the amount" 'Amount \(GBP\)'
tmux_text "$over"
tmux_keys Enter
wait_screen "agent: above the limit it goes to a supervisor" 'Above your authority: sent to a supervisor'

tmux_start 80 24 env PGHOST="$PGB_SOCK" PGPORT="$PGB_PORT" PGUSER=$super "$CARELINE"; S2=$TMUX_SOCK
wait_screen "supervisor: search" 'Search:'
tmux_keys C-r
wait_screen "supervisor: the approvals queue lists the credit" "Amy Agent .*$over\\.00"
tmux_keys End
wait_screen "supervisor: selected" "^> .*Amy Agent"
tmux_keys y
wait_screen "supervisor: asked for a note" 'Approve the credit'
tmux_text "Fair"
tmux_keys Enter
wait_screen "supervisor: approved" 'Credit approved'

TMUX_SOCK=$S1
wait_screen "agent: hears the approval live, through no pooler" 'approved your goodwill credit' 5
is "the credit is approved in the database" \
    "$(q "SELECT status FROM goodwill_credit g JOIN staff s ON s.id = g.requested_by WHERE s.login_role = '$agent' AND amount = $over")" approved
# Each terminal: its work through PgBouncer, one idle LISTEN session beside it.
is "one LISTEN session per terminal, straight to the server" \
    "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'careline-listen' AND usename IN ('$agent', '$super')")" 2
servers=$(pgbouncer_show servers | grep -c "|$agent|")
[ "$servers" -ge 2 ] && ok "the agent's transactions ran on $servers server connections" \
    || not_ok "the agent's transactions ran on more than one server connection" "$(pgbouncer_show servers)"
tmux_keys Escape q q
tap_done
