#!/usr/bin/env bash
# test_tmux_login.sh — a server that wants a password nobody supplied: the login screen asks (echo off), refuses a wrong one, connects with the right one.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
T=$(mktemp -d)
chmod 755 "$T"
export PGDATABASE=e2e_login_$$
createdb -T "$MIGRATED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the migrated template"; tap_done; exit 1; }

role=pw_agent_$$
q "CREATE ROLE $role LOGIN PASSWORD 'right-horse-battery' IN ROLE careline_agent" postgres >/dev/null
# This role (only) must give a password: a pg_hba line before the trust lines.
hba=$(q "SHOW hba_file" postgres)
cp "$hba" "$T/hba.orig"
# Whatever happens, the shared test server trusts local users again afterwards.
restore_hba() { [ -f "$T/hba.orig" ] && cat "$T/hba.orig" >"$hba" && q "SELECT pg_reload_conf()" postgres >/dev/null; }
trap 'tmux_stop; restore_hba; q "DROP ROLE IF EXISTS $role" postgres >/dev/null 2>&1; dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
{ echo "local all $role scram-sha-256"; cat "$T/hba.orig"; } >"$T/hba.new"
cat "$T/hba.new" >"$hba"
q "SELECT pg_reload_conf()" postgres >/dev/null

out=$(PGUSER=$role PGPASSFILE=/dev/null "$CARELINE" search Smith 2>&1 </dev/null); rc=$?
is "a command without a password exits 3" "$rc" 3
like "and says a password is needed" "$out" 'password'

tmux_start 80 24 env PGUSER=$role PGPASSFILE=/dev/null "$CARELINE"
wait_screen "the login screen asks for the password" "needs your database password to connect as $role"
tmux_text "wrong-password"
if tmux_screen | grep -q 'wrong-password'; then not_ok "what is typed is not shown"; else ok "what is typed is not shown"; fi
wait_screen "stars stand for what is typed" 'Password: \*{14}'
tmux_keys Enter
wait_screen "a wrong password is refused beside the field" 'password authentication failed'
tmux_text "right-horse-battery"
tmux_keys Enter
wait_screen "the right one opens the search screen" 'Search:'
wait_screen "and the status line says online" 'online'
tmux_keys C-c
tmux_stop

tap_done
