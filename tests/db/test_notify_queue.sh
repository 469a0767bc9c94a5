#!/usr/bin/env bash
# test_notify_queue.sh — the outbox the database fills: one message per affected customer per event version on the right channel, priority customers first, idempotent; older versions superseded; claims that never overlap; the call list worked by agents with version checks; who may do what.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=notify_queue_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
a1=nq_a1_$$; a2=nq_a2_$$; sup=nq_sup_$$; wk=nq_worker_$$
trap 'dropdb --if-exists "$TEST_DB"; q "DROP ROLE IF EXISTS $a1; DROP ROLE IF EXISTS $a2; DROP ROLE IF EXISTS $sup; DROP ROLE IF EXISTS $wk" postgres >/dev/null 2>&1' EXIT
q "CREATE ROLE $a1 LOGIN IN ROLE careline_agent; CREATE ROLE $a2 LOGIN IN ROLE careline_agent;
   CREATE ROLE $sup LOGIN IN ROLE careline_supervisor; CREATE ROLE $wk LOGIN IN ROLE careline_notifier" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$a1', 'Ann Agent', 'agent'), ('$a2', 'Bob Agent', 'agent'), ('$sup', 'Sue Super', 'supervisor')" >/dev/null
as() { psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$1" -c "$2" 2>&1; }

# -- channel rules, pure ---------------------------------------------------------------------
is "SMS to a UK mobile" "$(q "SELECT notify_channel('sms', '+447700900123', NULL, false)")" sms
is "e-mail when preferred and known" "$(q "SELECT notify_channel('email', '+447700900123', 'a@b.c', false)")" email
is "e-mail preferred, none known: SMS" "$(q "SELECT notify_channel('email', '+447700900123', NULL, false)")" sms
is "phone preferred with a mobile: SMS" "$(q "SELECT notify_channel('phone', '+447700900123', 'a@b.c', false)")" sms
is "a landline only, with e-mail: e-mail" "$(q "SELECT notify_channel('sms', '+442079460999', 'a@b.c', false)")" email
is "a landline only: the call list" "$(q "SELECT notify_channel('sms', '+442079460999', NULL, false)")" call
is "no number, no e-mail: the call list" "$(q "SELECT notify_channel('letter', NULL, NULL, false)")" call
is "non-digital: always called" "$(q "SELECT notify_channel('email', '+447700900123', 'a@b.c', true)")" call
is "pagers are not mobiles" "$(q "SELECT notify_is_mobile('+447600123456')::text || notify_is_mobile('+447624123456')::text")" falsetrue

# -- a supervisor declares: queued at commit, one per affected customer ----------------------
zone=$(q "SELECT p.zone_id FROM premise p GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
ev=$(as "$sup" "BEGIN;
  INSERT INTO critical_event (kind, title, agent_message, customer_message, declared_by)
  VALUES ('boil_water', 'Boil water, zone $zone', 'Tell them to boil water.', 'Boil all tap water before drinking until further notice.', current_staff_id()) RETURNING id;
  INSERT INTO critical_event_zone SELECT id, $zone FROM critical_event WHERE title = 'Boil water, zone $zone';
  COMMIT;" | head -1)
like "the supervisor declared an event" "$ev" '^[0-9a-f-]{36}$'
n=$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev'")
is "one message per affected customer" "$n" "$(q "SELECT count(DISTINCT customer_id) FROM critical_event_affected('$ev')")"
is "no customer twice" "$(q "SELECT count(*) FROM (SELECT customer_id FROM notify_message WHERE event_id = '$ev' GROUP BY 1 HAVING count(*) > 1) x")" 0
is "each on the channel the rule gives" "$(q "SELECT count(*) FROM notify_message m JOIN customer c ON c.id = m.customer_id
    WHERE m.event_id = '$ev' AND m.channel <> notify_channel(c.preferred_channel, c.phone_e164, c.email, c.non_digital)")" 0
is "to the matching address" "$(q "SELECT count(*) FROM notify_message m JOIN customer c ON c.id = m.customer_id
    WHERE m.event_id = '$ev' AND m.address IS DISTINCT FROM CASE m.channel WHEN 'email' THEN c.email ELSE c.phone_e164 END")" 0
is "priority services and vulnerable customers first" "$(q "SELECT count(*) FROM notify_message m JOIN customer c ON c.id = m.customer_id
    WHERE m.event_id = '$ev' AND (m.priority = 0) <> (c.priority_services OR c.vulnerability <> '{}')")" 0
is "every customer to be called is on the call list" "$(q "SELECT count(*) FROM notify_message m LEFT JOIN notify_call k ON k.message_id = m.id
    WHERE m.event_id = '$ev' AND m.channel = 'call' AND k.id IS NULL")" 0
is "non-digital customers as such" "$(q "SELECT count(*) FROM notify_call k JOIN customer c ON c.id = k.customer_id WHERE k.event_id = '$ev' AND (k.reason = 'non_digital') <> c.non_digital")" 0
is "the subject names the kind and the event" "$(q "SELECT DISTINCT subject FROM notify_message WHERE event_id = '$ev'")" "Boil water notice - Boil water, zone $zone"
is "queueing again adds nothing" "$(q "SELECT notify_queue_event('$ev')")/$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev'")" "0/$n"
out=$(as "$a1" "INSERT INTO notify_message (event_id, event_version, customer_id, channel, address, subject, body, priority) VALUES ('$ev', 9, 1, 'sms', '+447700900123', 's', 'b', 1)")
like "agents cannot write the outbox" "$out" 'permission denied'

# -- claims: two workers never get the same message ------------------------------------------
c1=$(as "$wk" "SELECT string_agg(id::text, ' ') FROM notify_claim('w1', 5)")
c2=$(as "$wk" "SELECT string_agg(id::text, ' ') FROM notify_claim('w2', 5)")
is "each claim gets five" "$(echo $c1 | wc -w) $(echo $c2 | wc -w)" "5 5"
is "no message in both" "$(echo $c1 $c2 | tr ' ' '\n' | sort | uniq -d)" ""
is "priority customers are claimed first" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND status = 'sending' AND priority = 1
    AND EXISTS (SELECT 1 FROM notify_message o WHERE o.event_id = '$ev' AND o.status = 'queued' AND o.priority = 0 AND o.channel <> 'call')")" 0
# Held locks: a claim in an open transaction is skipped by the other worker, not waited for.
first=$(echo $c1 | cut -d' ' -f1)
out=$( { echo "BEGIN; SELECT 1 FROM notify_message WHERE status = 'queued' AND channel <> 'call' ORDER BY priority, next_attempt_at LIMIT 3 FOR UPDATE;"; sleep 2; echo "COMMIT;"; } |
      psql -X -q -At -d "$TEST_DB" >/dev/null & sleep 0.5; timeout 1 psql -X -q -At -d "dbname=$TEST_DB user=$wk" -c "SELECT count(*) FROM notify_claim('w3', 2)"; wait)
is "a claim skips rows another transaction holds, at once" "$out" 2
is "a settle by the wrong worker changes nothing" "$(as "$wk" "SELECT notify_settle('$first', 'w2', 'sent', 'x', 0)")" f
is "the right worker settles it" "$(as "$wk" "SELECT notify_settle('$first', 'w1', 'sent', '0: Accepted', 0)")" t
is "once" "$(as "$wk" "SELECT notify_settle('$first', 'w1', 'sent', '0: Accepted', 0)")" f
is "the sent message is in the customer's contacts" "$(q "SELECT channel || ' ' || direction || ' ' || wrap_up_code FROM interaction WHERE id = '$first'")" "$(q "SELECT channel FROM notify_message WHERE id = '$first'") outbound event_informed"
second=$(echo $c1 | cut -d' ' -f2)
as "$wk" "SELECT notify_settle('$second', 'w1', 'retry', 'HTTP 503', 30)" >/dev/null
is "a retry waits its backoff" "$(q "SELECT status || ' ' || (next_attempt_at > now() + interval '25 seconds') || ' ' || last_error FROM notify_message WHERE id = '$second'")" "queued true HTTP 503"
third=$(echo $c1 | cut -d' ' -f3)
as "$wk" "SELECT notify_settle('$third', 'w1', 'released', 'stopping', 0)" >/dev/null
is "a released message is queued at once, the attempt not counted" "$(q "SELECT status || ' ' || attempts FROM notify_message WHERE id = '$third'")" "queued 0"
# A worker whose server process is gone: its claims go back. (Every psql above has ended:
# w1 is made to look alive by pointing its claims at the session that reclaims.)
is "claims of a worker that is gone are queued again" "$(q "UPDATE notify_message SET claim_pid = pg_backend_pid() WHERE claimed_by = 'w1'; SELECT notify_reclaim(300)")" 7
is "a live worker's claims stay with it" "$(q "SELECT count(*) FROM notify_message WHERE claimed_by = 'w1' AND status = 'sending'")" 2
is "with the reason (w2's five, w3's two)" "$(q "SELECT count(*) FROM notify_message WHERE claimed_by IS NULL AND last_error LIKE 'the worker that claimed it stopped%' AND event_id = '$ev'")" 7

# -- progress for the event screen -------------------------------------------------------------
p=$(q "SELECT event_version, total, sent, sending, to_call FROM notify_progress('$ev')")
is "progress counts the latest version" "$p" "1|$n|1|2|$(q "SELECT count(*) FROM notify_call WHERE event_id = '$ev' AND status = 'open'")"

# -- the event is updated: the new version replaces what was not yet sent ----------------------
as "$sup" "UPDATE critical_event SET customer_message = 'Boil water still. Update at 18:00.' WHERE id = '$ev'" >/dev/null
is "version 2 queued for everyone" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND event_version = 2")" "$n"
is "marked as an update" "$(q "SELECT DISTINCT left(subject, 8) FROM notify_message WHERE event_id = '$ev' AND event_version = 2")" "Update: "
is "version 1 messages not yet sent are superseded" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND event_version = 1 AND status = 'queued'")" 0
is "the sent one stays sent" "$(q "SELECT status FROM notify_message WHERE id = '$first'")" sent
is "old calls leave the list" "$(q "SELECT count(*) FROM notify_call k JOIN notify_message m ON m.id = k.message_id WHERE k.event_id = '$ev' AND m.event_version = 1 AND k.status = 'open'")" 0
still=$(echo $c1 | cut -d' ' -f4)
is "a version-1 message still out fails: superseded, not called" "$(as "$wk" "SELECT notify_settle('$still', 'w1', 'failed', 'bounced', 0)")/$(q "SELECT status FROM notify_message WHERE id = '$still'")/$(q "SELECT count(*) FROM notify_call WHERE message_id = '$still'")" "t/superseded/0"

# -- the call list: version-checked takes and outcomes ----------------------------------------
row=$(q "SELECT id || ' ' || version FROM notify_call WHERE event_id = '$ev' AND status = 'open' ORDER BY priority, created_at LIMIT 1")
call=${row% *}; v=${row#* }
v1=$(as "$a1" "SELECT notify_call_take('$call', $v)")
is "Ann takes the call" "$v1" "$((v + 1))"
is "Bob cannot take it from her" "$(as "$a2" "SELECT coalesce(notify_call_take('$call', $v1)::text, 'refused')")" refused
is "nor record on it" "$(as "$a2" "SELECT notify_call_record('$call', $v1, 'reached', 'hi', gen_random_uuid())")" stale
is "a stale version is refused" "$(as "$a1" "SELECT coalesce(notify_call_take('$call', $v)::text, 'refused')")" refused
contact=$(q "SELECT gen_random_uuid()")
is "no answer: back on the list later" "$(as "$a1" "SELECT notify_call_record('$call', $v1, 'no_answer', '', '$contact')")" again
is "replaying the same contact records nothing new" "$(as "$a1" "SELECT notify_call_record('$call', $v1, 'no_answer', '', '$contact')")/$(q "SELECT count(*) FROM interaction WHERE id = '$contact'")" "again/1"
is "the attempt is an outbound phone contact by Ann" "$(q "SELECT i.channel || ' ' || i.direction || ' ' || i.wrap_up_code || ' ' || s.login_role FROM interaction i JOIN staff s ON s.id = i.staff_id WHERE i.id = '$contact'")" "phone outbound no_answer $a1"
is "it waits before coming back" "$(q "SELECT status || ' ' || no_answers || ' ' || (retry_at > now() + interval '50 minutes') || ' ' || (taken_by IS NULL) FROM notify_call WHERE id = '$call'")" "open 1 true true"
v=$(q "SELECT version FROM notify_call WHERE id = '$call'")
v2=$(as "$a2" "SELECT notify_call_take('$call', $v)")
out=$(as "$a2" "SELECT notify_call_record('$call', $v2, 'reached', 'Told to boil water', gen_random_uuid())")
is "Bob reaches the customer: the call is done" "$out" done
is "it leaves the list" "$(q "SELECT status || ' ' || outcome FROM notify_call WHERE id = '$call'")" "done reached"
msg=$(q "SELECT m.channel || ' ' || m.status FROM notify_call k JOIN notify_message m ON m.id = k.message_id WHERE k.id = '$call'")
is "a customer who was to be called is marked called" "$msg" "call called"
is "progress counts the call" "$(q "SELECT called FROM notify_progress('$ev')")" 1
is "every call is in the customer's contacts" "$(q "SELECT count(*) FROM interaction WHERE customer_id = (SELECT customer_id FROM notify_call WHERE id = '$call') AND channel = 'phone' AND direction = 'outbound' AND summary LIKE 'Update: Boil water notice%'")" 2
out=$(as "$a1" "SELECT notify_call_record('$call', 1, 'shouted', '', gen_random_uuid())")
like "an unknown outcome is refused" "$out" 'reached, no_answer or left_message'
out=$(as "$a1" "UPDATE notify_message SET status = 'sent' WHERE event_id = '$ev'")
like "agents cannot mark messages sent" "$out" 'permission denied'
out=$(as "$a1" "SELECT notify_claim('x', 1)")
like "nor claim them" "$out" 'permission denied'

# -- an event with no customer message queues nothing ------------------------------------------
ev2=$(q "INSERT INTO critical_event (kind, title, agent_message) VALUES ('low_pressure', 'Agents only', 'x') RETURNING id" | head -1)
is "an event without a customer message queues nothing" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev2'")" 0

tap_done
