#!/usr/bin/env bash
# test_tmux_hostile_stored.sh — text stored by another client (psql) with escape sequences, control characters, a bidi override and C1 controls, and 1 MB of it, drawn harmless on every screen that draws database text: search results, customer header, event banner and read-out, contacts, complaints, the complaint and its history, the recovery script, choice lists, follow-ups, approvals, the audit screen. Every byte written to the terminal is recorded and checked.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/tmux.sh"
. "$TOP/tests/lib/hostile.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_hostile_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; # -- the command line on a terminal: CSV is verbatim into a file, harmless on the terminal --------------
tmux_start 120 200 sh -c "sleep 1; PGUSER=$super '$CARELINE' staff list --csv; sleep 30"
hostile_record "$T/cli.raw"
wait_screen "staff list --csv on a terminal: the owner's name harmless" "Evil\\^\\[\\]0;PWNED"
hostile_clean "staff list --csv on a terminal: nothing reached it"
tmux_stop
PGUSER=$super "$CARELINE" staff list --csv >"$T/staff.csv"
LC_ALL=C grep -qF $'\e]0;PWNED' "$T/staff.csv" && ok "into a file the CSV is verbatim" || not_ok "into a file the CSV is verbatim"

tap_done; exit 1; }
export XDG_STATE_HOME=$T/state
agent=ho_agent_$$ super=ho_super_$$
cleanup() {
    tmux_stop
    dropdb --if-exists "$PGDATABASE"
    q "DROP ROLE IF EXISTS $agent; DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, team, group_role) VALUES
     ('$agent', 'Hana Agent', 'Billing', 'agent'), ('$super', 'Sid Super', 'Billing', 'supervisor')" >/dev/null
hostile_sql_function "$PGDATABASE"

# A customer with an open complaint, contacts and a premise; everything about
# them that people read is made hostile by another client.
row=$(q "SELECT c.id || ' ' || c.account_no || ' ' || k.id || ' ' || p.zone_id
           FROM customer c JOIN complaint k ON k.customer_id = c.id AND k.status IN ('new', 'acknowledged', 'investigating')
            AND k.merged_into IS NULL
           JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL JOIN premise p ON p.id = cp.premise_id
          WHERE EXISTS (SELECT 1 FROM interaction i WHERE i.customer_id = c.id) ORDER BY c.id LIMIT 1")
read -r cid acct kid zone <<<"$row"
limit=$(q "SELECT per_credit::int FROM authority_limit WHERE group_role = 'agent'")
q "BEGIN;
   UPDATE customer SET name = hostile('Name'), first_name = hostile('First') WHERE id = $cid;
   UPDATE premise SET address_line1 = hostile('Street') WHERE id IN (SELECT premise_id FROM customer_premise WHERE customer_id = $cid);
   UPDATE interaction SET summary = hostile('Summary'), body = hostile('Body') WHERE customer_id = $cid;
   INSERT INTO interaction (customer_id, channel, summary, body, started_at)
   VALUES ($cid, 'email', 'Megabyte', hostile('') || repeat('long line of text ', 58255), now() - interval '1 day');
   UPDATE complaint SET description = hostile('Description') WHERE id = '$kid';
   INSERT INTO complaint_history (complaint_id, kind, note) VALUES ('$kid', 'note', hostile('History note'));
   UPDATE staff SET display_name = hostile('Owner') WHERE id = (SELECT owner_staff_id FROM complaint WHERE id = '$kid');
   WITH e AS (INSERT INTO critical_event (kind, title, agent_message) VALUES ('boil_water', hostile('Title'), hostile('Read this'))
              RETURNING id)
   INSERT INTO critical_event_zone SELECT id, $zone FROM e;
   UPDATE script_step SET text = hostile('') || text;
   UPDATE wrap_up_code SET label = hostile('Wrap-up') WHERE code = (SELECT min(code) FROM wrap_up_code);
   UPDATE complaint_category SET name = hostile('Hostile category') WHERE id = (SELECT min(id) FROM complaint_category WHERE is_leaf AND active);
   INSERT INTO follow_up (complaint_id, customer_id, due_on, channel, what_to_confirm, owner_staff_id)
   VALUES ('$kid', $cid, current_date, 'phone', hostile('Confirm'), (SELECT id FROM staff WHERE login_role = '$agent'));
   COMMIT" >/dev/null || { not_ok "hostile data stored"; # -- the command line on a terminal: CSV is verbatim into a file, harmless on the terminal --------------
tmux_start 120 200 sh -c "sleep 1; PGUSER=$super '$CARELINE' staff list --csv; sleep 30"
hostile_record "$T/cli.raw"
wait_screen "staff list --csv on a terminal: the owner's name harmless" "Evil\\^\\[\\]0;PWNED"
hostile_clean "staff list --csv on a terminal: nothing reached it"
tmux_stop
PGUSER=$super "$CARELINE" staff list --csv >"$T/staff.csv"
LC_ALL=C grep -qF $'\e]0;PWNED' "$T/staff.csv" && ok "into a file the CSV is verbatim" || not_ok "into a file the CSV is verbatim"

tap_done; exit 1; }
credit=$(psql -X -q -At "dbname=$PGDATABASE user=$agent" -c "INSERT INTO goodwill_credit (customer_id, complaint_id, amount, reason)
          VALUES ($cid, '$kid', $((limit + 10)), hostile('Reason')) RETURNING status" 2>&1)
is "a hostile credit waits for a supervisor" "$credit" pending
is "invalid UTF-8 cannot be stored by any client" \
   "$(q "UPDATE customer SET name = convert_from('\\xc0af'::bytea, 'UTF8') WHERE id = $cid" 2>&1 | grep -c 'invalid byte sequence')" 1

# -- the agent's screens -----------------------------------------------------------------------------
tmux_start 80 24 env PGUSER=$agent "$CARELINE"
hostile_record "$T/agent.raw"
wait_screen "search" 'Search:'
tmux_text "$acct"
wait_screen "search results: the name and address shown with ESC as ^[" "^> $acct +Evil\\^\\[\\]0;PWNED\\^G.* Evil\\^\\["
hostile_clean "search results: nothing reached the terminal"
tmux_keys Enter
wait_screen "customer header: the name harmless" "^ Evil\\^\\[\\]0;PWNED\\^G\\^\\[\\[6ndesrever\\?31m\\^A\\^\\[P\\+q"
wait_screen "customer header: the long name leaves account and language a row of their own, not cut" \
    "^ Acct $acct  [A-Za-z ]+  lang [a-z]+  prefers [a-z_]+ *$"
wait_screen "event banner: the title harmless" "Evil\\^\\[\\]0;PWNED.*Title"
hostile_clean "customer header and banner: nothing reached the terminal"
tmux_keys e
wait_screen "read-out page: harmless" "Evil\\^\\[\\]0;PWNED.*Read this"
tmux_keys q 4
wait_screen "contacts: agents' names and summaries harmless" "phone +Evil\\^\\[\\]0;.* Evil\\^\\[\\]0;PWNED"
wait_screen "contacts: the megabyte contact listed" "Megabyte"
for _ in $(seq 60); do tmux_screen | grep -q '^> .*Megabyte' && break; tmux_keys Down; sleep 0.05; done
tmux_keys Enter
wait_screen "the 1 MB contact opens, its text wrapped" "long line of text long line of text"
start=$(date +%s%N)
tmux_keys G
wait_screen "and its end is reached at once" "long line of text *$" 5
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$took" -lt 3000 ] && ok "1 MB scrolled to its end in ${took} ms" || not_ok "1 MB scrolled to its end in ${took} ms (over 3 s)"
tmux_keys q 5
wait_screen "complaints panel: the description harmless" "Evil\\^\\[\\]0;PWNED"
hostile_clean "contacts and complaints: nothing reached the terminal"
tmux_keys Enter
wait_screen "complaint: what the customer said, harmless" "Said: Evil\\^\\[\\]0;PWNED"
wait_screen "complaint: the history note harmless" "note +Evil\\^\\[\\]0;PWNED"
wait_screen "complaint: the owner's name harmless in the history" "Evil\\^\\[\\]0;PWN.? +contact"
tmux_keys s
wait_screen "recovery script: its text harmless" "Evil\\^\\[\\]0;PWNED"
hostile_clean "complaint and script: nothing reached the terminal"
tmux_keys Escape
wait_screen "back on the complaint" "Said: Evil"
tmux_keys q c
wait_screen "log a contact" "Record this contact"
tmux_keys BTab BTab
for _ in $(seq 40); do tmux_screen | grep -q 'Wrap-up .*Evil\^\[' && break; tmux_keys Right; sleep 0.05; done
wait_screen "choice list: a hostile wrap-up label harmless" "Wrap-up .*Evil\\^\\[\\]0;PWNED"
tmux_keys Escape
wait_screen "back on the customer" "^ Balance "
tmux_keys n
wait_screen "intake" "New complaint"
tmux_text "Hostile category"
wait_screen "choice list: a hostile category harmless" "^ +> .* / Evil\\^\\[\\]0;PWNED"
hostile_clean "choice lists: nothing reached the terminal"
for _ in 1 2 3; do tmux_screen | grep -q "^ Balance " && break; tmux_keys Escape; sleep 0.3; done
wait_screen "intake left" "^ Balance "
tmux_keys q
wait_screen "back at search" 'Search:'
tmux_keys C-o a
wait_screen "follow-ups: what to confirm, harmless" "Evil\\^\\[\\]0;PWNED"
hostile_clean "follow-ups: nothing reached the terminal"
tmux_keys q
tmux_resize 60 20
sleep 0.3
tmux_resize 80 24
tmux_keys C-l
wait_screen "resized and redrawn" 'Search:'
hostile_clean "after a resize and a full redraw: nothing reached the terminal"
tmux_stop

# -- the supervisor's screens ------------------------------------------------------------------------
tmux_start 80 24 env PGUSER=$super TERM=vt100 NO_COLOR=1 LANG=C LC_ALL=C "$CARELINE"
hostile_record "$T/super.raw"
wait_screen "vt100: search" 'Search:'
tmux_keys C-r
wait_screen "vt100 approvals: the reason and the customer harmless" "Evil\\^\\[\\]0;PWNED"
tmux_keys q C-p
wait_screen "vt100 audit: the customer's name harmless" "Evil\\^\\[\\]0;PW"
hostile_clean "vt100 approvals and audit: nothing reached the terminal"
unlike "vt100: nothing outside ASCII drawn" "$(tmux_screen)" $'[\x80-\xff]'
LC_ALL=C grep -q $'[\x80-\xff]' "$T/super.raw" && not_ok "vt100: only ASCII bytes written" || ok "vt100: only ASCII bytes written"
tmux_stop

# -- the command line on a terminal: CSV is verbatim into a file, harmless on the terminal --------------
tmux_start 120 200 sh -c "sleep 1; PGUSER=$super '$CARELINE' staff list --csv; sleep 30"
hostile_record "$T/cli.raw"
wait_screen "staff list --csv on a terminal: the owner's name harmless" "Evil\\^\\[\\]0;PWNED"
hostile_clean "staff list --csv on a terminal: nothing reached it"
tmux_stop
PGUSER=$super "$CARELINE" staff list --csv >"$T/staff.csv"
LC_ALL=C grep -qF $'\e]0;PWNED' "$T/staff.csv" && ok "into a file the CSV is verbatim" || not_ok "into a file the CSV is verbatim"

tap_done
