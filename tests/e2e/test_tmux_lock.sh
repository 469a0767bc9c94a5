#!/usr/bin/env bash
# test_tmux_lock.sh — the idle lock in a real terminal: after the idle time the screen hides everything and asks for the password, which PostgreSQL checks (a role with a scram password); the complaint being typed and the screen stack are kept, the journal keeps the draft, the lock survives a resize, keys never reach the screens below, the password is never drawn or written to the terminal; refusals are audited and the third ends the session with the draft kept; a login without a password is checked again on Enter.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/hostile.sh"
T=$(mktemp -d)
chmod 755 "$T"
export PGDATABASE=e2e_lock_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
role=lk_agent_$$ peer=lk_trust_$$
PW=right-horse-$$
hba=$(q "SHOW hba_file" postgres)
cp "$hba" "$T/hba.orig"
# Whatever happens, the shared test server trusts local users again afterwards.
restore_hba() { [ -f "$T/hba.orig" ] && cat "$T/hba.orig" >"$hba" && q "SELECT pg_reload_conf()" postgres >/dev/null; }
cleanup() {
    tmux_stop
    restore_hba
    dropdb --if-exists "$PGDATABASE"
    q "DROP ROLE IF EXISTS $role; DROP ROLE IF EXISTS $peer" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
q "CREATE ROLE $role LOGIN PASSWORD '$PW' IN ROLE careline_agent; CREATE ROLE $peer LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, team, group_role) VALUES
     ('$role', 'Lee Locked', 'Billing', 'agent'), ('$peer', 'Tia Trusted', 'Billing', 'agent')" >/dev/null
# This role (only) logs in with a password: a pg_hba line before the trust lines.
{ echo "local all $role scram-sha-256"; cat "$T/hba.orig"; } >"$T/hba.new"
cat "$T/hba.new" >"$hba"
q "SELECT pg_reload_conf()" postgres >/dev/null
printf 'ui = { idle_lock_seconds = 2; unlock_attempts = 3; };\n' >"$T/careline.conf"
acct=$(q "SELECT account_no FROM customer c WHERE NOT EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id)
           ORDER BY id LIMIT 1")
name=$(q "SELECT name FROM customer WHERE account_no = '$acct'")
audit() { q "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE actor = '$1' AND action LIKE 'session.%'"; }

# The password comes from the environment (as a script or a kiosk would give it): the
# session used one, so the lock asks for it; .pgpass can never unlock by itself.
tmux_start 80 24 env PGUSER=$role PGPASSWORD=$PW PGPASSFILE=$T/no-pgpass "$CARELINE" --config "$T/careline.conf"
hostile_record "$T/raw"
wait_screen "search" 'Search:'
tmux_text "$acct"
wait_screen "found" "^> $acct"
tmux_keys Enter
wait_screen "customer" '^ Balance '
tmux_keys n
wait_screen "complaint form" 'New complaint'
tmux_text "meter reading"
wait_screen "a category" 'Meter reading'
tmux_keys Enter
tmux_text "Typed before the lock: keep me"
wait_screen "the description typed" 'Typed before the lock: keep me'
wait_screen "left alone, the screen locks" 'This terminal is locked' 8
screen=$(tmux_screen)
unlike "nothing of the customer or the complaint shows" "$screen" "$name|Typed before|Meter reading|$acct"
like "the lock says who is logged in and asks for the password" "$screen" "Logged in as $role.*Password:"
tmux_resize 50 14
sleep 0.3
wait_screen "a resize keeps it locked (narrow)" 'Password:'
unlike "and shows nothing of what is below" "$(tmux_screen)" "$name|Typed before"
tmux_resize 80 24
tmux_keys Escape
wait_screen "Esc does not back out of the lock" 'Locked: type your password'
tmux_keys C-y C-n C-o
sleep 0.3
wait_screen "keys of other screens reach nothing below" 'This terminal is locked'
tmux_text "wrong-guess-one"
wait_screen "what is typed shows as stars" 'Password: \*{15}'
tmux_keys Enter
wait_screen "a wrong password is refused by the database" 'The database refused it \(password authentication failed'
wait_screen "and counted" 'Attempt 1 of 3'
grep -q "Typed before the lock: keep me" "$XDG_STATE_HOME"/careline/*.draft 2>/dev/null \
    && ok "the journal holds the draft while locked" || not_ok "the journal holds the draft while locked"
tmux_text "$PW"
tmux_keys Enter
wait_screen "the right password unlocks: back to the complaint as it was" 'Typed before the lock: keep me'
wait_screen "the category kept too" 'Metering / Meter reading'
is "lock, refusal and unlock are audited" "$(audit "$role")" "session.locked,session.unlock_failed,session.unlocked"
is "the refusal says which attempt" \
   "$(q "SELECT details ->> 'attempt' FROM audit_log WHERE actor = '$role' AND action = 'session.unlock_failed'")" 1

# Three refusals end the session, cleanly: the draft stays on this terminal.
wait_screen "locked again when left" 'This terminal is locked' 8
for guess in one two three; do
    tmux_text "bad-guess-$guess"
    tmux_keys Enter
    sleep 0.5
done
wait_quit "after the third refusal the session ends by itself"
is "each refusal and the end are audited" "$(audit "$role")" \
   "session.locked,session.unlock_failed,session.unlocked,session.locked,session.unlock_failed,session.unlock_failed,session.unlock_failed,session.lock_ended"
is "the end says why" "$(q "SELECT details ->> 'reason' FROM audit_log WHERE actor = '$role' AND action = 'session.lock_ended'")" \
   "wrong passwords"
grep -q "Typed before the lock: keep me" "$XDG_STATE_HOME"/careline/*.draft 2>/dev/null \
    && ok "the draft is kept on the terminal" || not_ok "the draft is kept on the terminal"
for secret in "$PW" wrong-guess-one bad-guess-one bad-guess-three; do
    LC_ALL=C grep -qF -- "$secret" "$T/raw" && not_ok "the password '$secret' never reached the terminal" \
        || ok "the password '$secret' never reached the terminal"
done
tmux_stop
tmux_start 80 24 env PGUSER=$role PGPASSWORD=$PW PGPASSFILE=$T/no-pgpass "$CARELINE"
wait_screen "the next start offers the draft" 'Unsent complaints'
wait_screen "with what was typed" 'Typed before t'
tmux_stop

# A login without a password (trust here; peer and certificates alike): Enter asks the
# database to check the login again, and a login taken away meanwhile does not unlock.
tmux_start 80 24 env PGUSER=$peer PGPASSFILE=$T/no-pgpass XDG_STATE_HOME=$T/state2 "$CARELINE" --config "$T/careline.conf"
wait_screen "trusted login: search" 'Search:'
wait_screen "trusted login: locks too" 'This login has no password' 8
unlike "no password field" "$(tmux_screen)" 'Password:'
tmux_keys Enter
wait_screen "Enter checks the login and unlocks" 'Search:'
wait_screen "locked again" 'This login has no password' 8
q "ALTER ROLE $peer NOLOGIN" postgres >/dev/null
tmux_keys Enter
wait_screen "a login taken away meanwhile is refused" 'not permitted to log in'
wait_screen "and counted" 'Attempt 1 of 3'
tmux_keys C-c
wait_quit "C-c at the lock ends the session"
is "and the end is audited as a quit" \
   "$(q "SELECT details ->> 'reason' FROM audit_log WHERE actor = '$peer' AND action = 'session.lock_ended'")" quit
tmux_stop

tap_done
