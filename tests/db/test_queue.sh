#!/usr/bin/env bash
# test_queue.sh — the queue's SQL through db/queue.c as real roles: order by time left, BREACHED/AT RISK/paused, scopes and filters, take/assign/escalate with versions, idempotent replays, refusals by role, the audit trail and the careline_queue notification. Every time is relative to the server's now(): any date works.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/fixtures.sh"
export TEST_DB=queue_$$ PGDATABASE=queue_$$
createdb -T "$MIGRATED_TEMPLATE" "$TEST_DB" || { not_ok "copy the migrated template"; tap_done; exit 1; }
sup=q_sup_$$; sup2=q_sup2_$$; ag=q_ag_$$; ag2=q_ag2_$$; fld=q_fld_$$
roles="$sup $sup2 $ag $ag2 $fld"
trap 'dropdb --if-exists "$TEST_DB"; for r in $roles; do q "DROP ROLE IF EXISTS $r" postgres >/dev/null 2>&1; done' EXIT
q "CREATE ROLE $sup LOGIN IN ROLE careline_supervisor; CREATE ROLE $sup2 LOGIN IN ROLE careline_supervisor;
   CREATE ROLE $ag LOGIN IN ROLE careline_agent; CREATE ROLE $ag2 LOGIN IN ROLE careline_agent;
   CREATE ROLE $fld LOGIN IN ROLE careline_field" postgres >/dev/null
prog=$(dirname "$CARELINE")/dbtests/queue
[ -x "$prog" ] || prog=$TOP/build/dbtests/queue
[ -x "$prog" ] || { not_ok "the queue driver is built ($prog)"; tap_done; exit 1; }
drv() { local who=$1; shift; PGUSER=$who "$prog" "$@" 2>&1; }
as() { psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$1" -c "$2" 2>&1; }

fixtures_load
q "INSERT INTO staff (login_role, display_name, team, group_role) VALUES
     ('$sup', 'Sue Super', 'QTeam', 'supervisor'), ('$sup2', 'Sid Super', 'QOther', 'supervisor'),
     ('$ag', 'Amy Agent', 'QTeam', 'agent'), ('$ag2', 'Bob Agent', 'QOther', 'agent'),
     ('$fld', 'Fay Field', 'Field', 'field'), ('q_gone_$$', 'Gus Gone', 'QTeam', 'agent');
   UPDATE staff SET active = false WHERE login_role = 'q_gone_$$';
   INSERT INTO team_supervisor (staff_id, team) SELECT id, 'QThird' FROM staff WHERE login_role = '$sup2';
   INSERT INTO complaint_category (code, name) VALUES ('qtest', 'Queue test');
   INSERT INTO complaint_category (parent_id, code, name) SELECT id, 'qtest.leaf', 'Leaf' FROM complaint_category WHERE code = 'qtest';
   INSERT INTO critical_event (kind, title, agent_message) VALUES ('low_pressure', 'Queue test event', 'Pressure is low')" >/dev/null
id_of() { q "SELECT id FROM staff WHERE login_role = '$1'"; }
ag_id=$(id_of "$ag"); ag2_id=$(id_of "$ag2"); gone_id=$(id_of "q_gone_$$"); fld_id=$(id_of "$fld")
ev=$(q "SELECT id FROM critical_event WHERE title = 'Queue test event'")

# Q1 breached (acknowledge an hour ago), Q2 at risk (1 h of 10 h left), Q3 on time,
# Q4 paused with 3 h left, Q5 another team, Q6 no team, Q7 resolved, Q9 no deadline,
# Q10 owned by Bob and linked to the event, by e-mail.
q "WITH c AS (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'),
        t AS (SELECT id FROM complaint_category WHERE code = 'qtest.leaf')
   INSERT INTO complaint (reference, customer_id, category_id, channel, status, team, owner_staff_id,
                          critical_event_id, opened_at, ack_due_at, response_due_at, resolution_due_at,
                          paused_since, root_cause_id, resolution_summary, description)
   VALUES
   ('Q-1', 990001, (SELECT id FROM c), 'phone', 'new', 'QTeam', NULL, NULL, now() - interval '5 hours',
    now() - interval '1 hour', now() + interval '5 days', now() + interval '10 days', NULL, NULL, NULL, 'q1'),
   ('Q-2', 990002, (SELECT id FROM c), 'phone', 'new', 'QTeam', NULL, NULL, now() - interval '9 hours',
    NULL, NULL, now() + interval '1 hour', NULL, NULL, NULL, 'q2'),
   ('Q-3', 990003, (SELECT id FROM c), 'web', 'new', 'QTeam', NULL, NULL, now() - interval '1 hour',
    NULL, NULL, now() + interval '9 hours', NULL, NULL, NULL, 'q3'),
   ('Q-4', 990004, (SELECT id FROM c), 'phone', 'waiting_customer', 'QTeam', NULL, NULL, now() - interval '2 hours',
    NULL, NULL, now() + interval '2 hours', now() - interval '1 hour', NULL, NULL, 'q4'),
   ('Q-5', 990005, (SELECT id FROM c), 'phone', 'new', 'QOther', NULL, NULL, now() - interval '3 hours',
    NULL, NULL, now() + interval '30 minutes', NULL, NULL, NULL, 'q5'),
   ('Q-6', 990001, (SELECT id FROM t), 'phone', 'new', NULL, NULL, NULL, now() - interval '1 hour',
    NULL, NULL, now() + interval '3 hours', NULL, NULL, NULL, 'q6'),
   ('Q-7', 990002, (SELECT id FROM c), 'phone', 'resolved', 'QTeam', NULL, NULL, now() - interval '1 hour',
    NULL, NULL, now() + interval '1 hour', NULL, (SELECT min(id) FROM root_cause), 'Fixed', 'q7'),
   ('Q-9', 990003, (SELECT id FROM c), 'phone', 'new', 'QTeam', NULL, NULL, now() - interval '1 hour',
    NULL, NULL, now() + interval '1 day', NULL, NULL, NULL, 'q9'),
   ('Q-10', 990004, (SELECT id FROM c), 'email', 'new', 'QTeam', $ag2_id, '$ev', now() - interval '1 hour',
    NULL, NULL, now() + interval '20 days', NULL, NULL, NULL, 'q10');
   UPDATE complaint SET ack_due_at = NULL, response_due_at = NULL, resolution_due_at = NULL WHERE reference = 'Q-9'" >/dev/null
kid() { q "SELECT id FROM complaint WHERE reference = '$1'"; }
ver() { q "SELECT version FROM complaint WHERE reference = '$1'"; }
rows() { printf '%s\n' "$1" | grep -v '^me ' | cut -d' ' -f1-2 | tr '\n' ' '; }

out=$(drv "$sup" list)
like "the supervisor is known with their team" "$out" "^me $(id_of "$sup") supervisor \[QTeam\] total 7 choices"
is "their queue: running clocks by deadline, no deadline, then paused; other teams, resolved never" \
   "$(rows "$out")" "Q-1 BREACHED Q-2 AT_RISK Q-6 on_time Q-3 on_time Q-10 on_time Q-9 no_deadline Q-4 paused "
like "rows carry owner and team" "$out" "Q-10 on_time Bob Agent QTeam new v1"
like "a complaint with no team is in every team queue" "$out" "Q-6 on_time - - new"
is "a smaller at-risk share: 1 h of 10 h left is on time at 5 %" "$(rows "$(drv "$sup" list --percent 5)" | cut -d' ' -f3-4)" "Q-2 on_time"
is "the agent of the same team sees the same queue" "$(rows "$(drv "$ag" list)")" "$(rows "$out")"
out=$(drv "$sup2" list)
like "a supervisor runs their own team and those listed for them" "$out" "^me $(id_of "$sup2") supervisor \[QOther, QThird\]"
is "so they see theirs and the unrouted" "$(rows "$out")" "Q-5 AT_RISK Q-6 on_time "

is "every team" "$(rows "$(drv "$sup" list --team '*')" | tr ' ' '\n' | grep -c '^Q-')" 8
is "no team yet" "$(rows "$(drv "$sup" list --team -)")" "Q-6 on_time "
is "one team by name" "$(rows "$(drv "$sup" list --team QOther)")" "Q-5 AT_RISK "
is "by agent" "$(rows "$(drv "$sup" list --team '*' --owner "$ag2_id")")" "Q-10 on_time "
is "nobody's yet" "$(rows "$(drv "$sup" list --owner - --channel web)")" "Q-3 on_time "
is "by category, the subtree" "$(rows "$(drv "$sup" list --team '*' --category "$(q "SELECT id FROM complaint_category WHERE code = 'qtest'")")")" "Q-6 on_time "
is "by status" "$(rows "$(drv "$sup" list --status waiting_customer)")" "Q-4 paused "
is "by channel" "$(rows "$(drv "$sup" list --channel email)")" "Q-10 on_time "
is "by event" "$(rows "$(drv "$sup" list --event "$ev")")" "Q-10 on_time "
is "My work is what is assigned to the person" "$(rows "$(drv "$ag2" list --mine)")" "Q-10 on_time "
is "an empty My work" "$(drv "$ag" list --mine | grep -vc '^me ')" 0
out=$(drv "$sup" refresh "$(kid Q-1)" "$(kid Q-7)" "not-a-uuid")
is "fetching rows again: a closed one comes back absent, a bad id is skipped" "$(rows "$out")" "Q-1 BREACHED "

# New complaints go to their category's team.
q "INSERT INTO complaint (customer_id, category_id, channel, description)
   SELECT 990005, id, 'phone', 'routed' FROM complaint_category WHERE code = 'metering.reading'" >/dev/null 2>&1 ||
q "INSERT INTO complaint (customer_id, category_id, channel, description)
   SELECT 990005, min(id), 'phone', 'routed' FROM complaint_category WHERE code LIKE 'metering.%'" >/dev/null
is "a new metering complaint goes to the Billing team" "$(q "SELECT team FROM complaint WHERE description = 'routed'")" Billing

# Taking and assigning.
v=$(ver Q-3)
is "an agent takes an unassigned complaint" "$(drv "$ag" assign "$(kid Q-3)" "$v" "$ag_id" '')" saved
is "it is theirs, in their team" "$(q "SELECT owner_staff_id || ' ' || team FROM complaint WHERE reference = 'Q-3'")" "$ag_id QTeam"
is "and in their My work" "$(rows "$(drv "$ag" list --mine)")" "Q-3 on_time "
like "an agent cannot take someone else's" "$(drv "$ag" assign "$(kid Q-10)" "$(ver Q-10)" "$ag_id" '')" \
     "refused Complaint Q-10 is already assigned: only a supervisor reassigns it"
like "an agent cannot assign to someone else" "$(drv "$ag" assign "$(kid Q-2)" "$(ver Q-2)" "$ag2_id" '')" \
     "refused Only a supervisor assigns complaints"
like "nor move it to a team" "$(drv "$ag" assign "$(kid Q-2)" "$(ver Q-2)" 0 QOther)" "refused Only a supervisor"
like "nor by writing the row directly" "$(as "$ag" "UPDATE complaint SET owner_staff_id = $ag2_id WHERE reference = 'Q-2'")" \
     "only a supervisor assigns"
like "field staff cannot take complaints" "$(drv "$fld" assign "$(kid Q-2)" "$(ver Q-2)" "$fld_id" '')" "refused"
is "nothing was written by the refusals" "$(q "SELECT coalesce(owner_staff_id, 0) || ' ' || team FROM complaint WHERE reference = 'Q-2'")" "0 QTeam"

v=$(ver Q-2)
q "UPDATE complaint SET status = 'acknowledged' WHERE reference = 'Q-2'" >/dev/null
is "a stale version is a conflict" "$(drv "$sup" assign "$(kid Q-2)" "$v" "$ag2_id" '')" conflict
is "and writes nothing" "$(q "SELECT coalesce(owner_staff_id, 0) FROM complaint WHERE reference = 'Q-2'")" 0
v=$(ver Q-2)
is "the supervisor assigns it to an agent of another team" "$(drv "$sup" assign "$(kid Q-2)" "$v" "$ag2_id" '')" saved
is "it joins that agent's team" "$(q "SELECT owner_staff_id || ' ' || team FROM complaint WHERE reference = 'Q-2'")" "$ag2_id QOther"
v2=$(ver Q-2)
is "the same assignment sent again with the old version (a retry) reports success" \
   "$(drv "$sup" assign "$(kid Q-2)" "$v" "$ag2_id" '')" saved
is "and writes nothing more" "$(ver Q-2) $(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id
                                              WHERE k.reference = 'Q-2' AND h.kind = 'assignment'")" "$v2 1"
unlike "it left the supervisor's queue" "$(rows "$(drv "$sup" list)")" "Q-2 "
is "to a team: nobody owns it, the team's queue does" "$(drv "$sup" assign "$(kid Q-1)" "$(ver Q-1)" 0 QOther)" saved
is "Q-1 now" "$(q "SELECT coalesce(owner_staff_id, 0) || ' ' || team FROM complaint WHERE reference = 'Q-1'")" "0 QOther"
like "an unknown team is refused" "$(drv "$sup" assign "$(kid Q-6)" "$(ver Q-6)" 0 Nowhere)" 'refused There is no team called "Nowhere"'
like "an inactive staff member cannot be given work" "$(drv "$sup" assign "$(kid Q-6)" "$(ver Q-6)" "$gone_id" '')" \
     "refused That staff member cannot be given complaints"
like "nor field staff" "$(drv "$sup" assign "$(kid Q-6)" "$(ver Q-6)" "$fld_id" '')" "refused That staff member"
like "nor a resolved complaint" "$(drv "$sup" assign "$(kid Q-7)" "$(ver Q-7)" "$ag_id" '')" "refused Complaint Q-7 is resolved"
is "a supervisor takes someone else's" "$(drv "$sup" assign "$(kid Q-10)" "$(ver Q-10)" "$(id_of "$sup")" '')" saved

# Escalating.
req=$(q "SELECT gen_random_uuid()")
v=$(ver Q-3)
is "an agent escalates with a reason" "$(drv "$ag" escalate "$(kid Q-3)" "$v" "$req" 'Customer is vulnerable')" saved
is "severity one step up" "$(q "SELECT severity FROM complaint WHERE reference = 'Q-3'")" high
is "a retry of the same escalation reports success" "$(drv "$ag" escalate "$(kid Q-3)" "$v" "$req" 'Customer is vulnerable')" saved
is "and neither raises it again nor adds a second note" \
   "$(q "SELECT k.severity || ' ' || count(*) FROM complaint k JOIN complaint_history h ON h.complaint_id = k.id
          WHERE k.reference = 'Q-3' AND h.note LIKE 'Escalated from medium to high: Customer is vulnerable' GROUP BY k.severity")" "high 1"
is "a stale escalation is a conflict" "$(drv "$sup" escalate "$(kid Q-3)" "$v" "$(q "SELECT gen_random_uuid()")" 'again')" conflict
like "a reason is needed" "$(drv "$sup" escalate "$(kid Q-3)" "$(ver Q-3)" "$(q "SELECT gen_random_uuid()")" ' ')" "refused Say why"
q "UPDATE complaint SET severity = 'critical' WHERE reference = 'Q-6'" >/dev/null
like "critical is as far as it goes" "$(drv "$sup" escalate "$(kid Q-6)" "$(ver Q-6)" "$(q "SELECT gen_random_uuid()")" 'x')" \
     "refused Complaint Q-6 is already critical"

# Every write is in the audit log under the person who made it.
is "assignments and escalations are audited as their makers" \
   "$(q "SELECT string_agg(DISTINCT actor, ' ' ORDER BY actor) FROM audit_log
          WHERE entity = 'complaint' AND action = 'update' AND entity_id IN (SELECT id::text FROM complaint WHERE reference IN ('Q-2', 'Q-3'))
            AND (details -> 'changed' ? 'owner_staff_id' OR details -> 'changed' ? 'severity')")" "$(printf '%s\n' "$ag" "$sup" | sort | tr '\n' ' ' | sed 's/ $//')"

# The push every open queue hears.
out=$(printf 'LISTEN careline_queue;\nUPDATE complaint SET status = %s WHERE reference = %s;\nSELECT 1;\n' "'acknowledged'" "'Q-6'" |
      psql -X -q -At -d "$TEST_DB" 2>&1)
like "a status change is pushed on careline_queue with the complaint's id" "$out" \
     "Asynchronous notification \"careline_queue\" with payload \"\\{\"id\" : \"$(kid Q-6)\""
out=$(printf 'LISTEN careline_queue;\nUPDATE complaint SET description = %s WHERE reference = %s;\nSELECT 1;\n' "'reworded'" "'Q-6'" |
      psql -X -q -At -d "$TEST_DB" 2>&1)
unlike "a change the queue does not show is not" "$out" "Asynchronous notification"

tap_done
