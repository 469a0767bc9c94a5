#!/usr/bin/env bash
# test_notify_delivery.sh — an event's notifications through a real MTA (exim4 behind sendmail) and a real SMS gateway (Kannel with the fake SMSC), started here on loopback: exactly one mail or SMS per customer, two workers at once sending nothing twice, a gateway that is down making messages wait and then arrive once.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/outside.sh"
export TEST_DB=notify_delivery_$$
export PGDATABASE=$TEST_DB
OUT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/careline-notify.XXXXXX")
chmod 755 "$OUT_DIR"
W=
cleanup() {
    [ -n "$W" ] && outside_kill "$W"
    outside_cleanup
    dropdb --if-exists "$TEST_DB"
    rm -rf "$OUT_DIR"
}
trap cleanup EXIT
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }

exim_setup
kannel_setup
if ! kannel_start; then
    not_ok "Kannel starts" "$(tail -5 "$OUT_DIR"/kannel/*.out "$OUT_DIR"/kannel/*.log 2>/dev/null)"
    tap_done; exit 1
fi
ok "exim4 (private configuration) and Kannel (bearerbox, smsbox, fake SMSC) are up on loopback"

conf() {   # conf RETRY_SECONDS: the worker's configuration file
    cat >"$OUT_DIR/careline.conf" <<EOF
notify = {
  sendmail = "$OUT_DIR/sendmail";
  mail_from = "Careline Water <care@careline.test>";
  sms_url = "$KANNEL_SENDSMS";
  sms_username = "careline";
  sms_password = "s3cret";
  sms_from = "Careline";
  batch = 7;
  retry_seconds = $1;
  max_attempts = 50;
  timeout_seconds = 5;
};
EOF
}
conf 1
# (Background workers run the binary itself, so $! is the worker and gets the signal.)
notify() { "$CARELINE" -c "$OUT_DIR/careline.conf" notify "$@"; }

# -- the event over three zones; one customer's address the MTA cannot take -----------------
zones=$(q "SELECT string_agg(id::text, ',') FROM (SELECT id FROM zone ORDER BY id LIMIT 3) z")
bad=$(q "SELECT c.id FROM customer c JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL
          JOIN premise p ON p.id = cp.premise_id WHERE p.zone_id IN ($zones) AND c.preferred_channel = 'email'
           AND c.email IS NOT NULL AND NOT c.non_digital ORDER BY c.id LIMIT 1")
q "UPDATE customer SET email = 'two,people@example.com' WHERE id = $bad" >/dev/null
ev=$(q "BEGIN;
        INSERT INTO critical_event (id, kind, title, agent_message, customer_message, estimated_restore_at)
        VALUES (gen_random_uuid(), 'supply_interruption', 'Burst main, Testbury', 'Read the notice.',
                'Careline Water: a burst main has cut your supply. We expect it back by 18:00. Bottled water: Testbury Leisure Centre.',
                now() + interval '6 hours') RETURNING id;
        INSERT INTO critical_event_zone SELECT id, z FROM critical_event, unnest('{$zones}'::int[]) z
         WHERE title = 'Burst main, Testbury';
        COMMIT;" | head -1)
emails=$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND channel = 'email'")
smss=$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND channel = 'sms'")
affected=$(q "SELECT count(DISTINCT customer_id) FROM critical_event_affected('$ev')")
is "one message per affected customer" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev'")" "$affected"
[ "$emails" -gt 5 ] && [ "$smss" -gt 5 ] && ok "both channels in use ($emails e-mail, $smss SMS)" ||
    not_ok "both channels in use" "e-mail $emails, SMS $smss"

# -- two workers at the same time, small batches so they interleave -------------------------
"$CARELINE" -c "$OUT_DIR/careline.conf" notify --once --batch 3 --worker one >"$OUT_DIR/w1.out" 2>&1 &
w1=$!
"$CARELINE" -c "$OUT_DIR/careline.conf" notify --once --batch 3 --worker two >"$OUT_DIR/w2.out" 2>&1 &
w2=$!
wait "$w1"; rc1=$?
wait "$w2"; rc2=$?
is "both workers end cleanly" "$rc1 $rc2" "0 0"
is "every message is settled" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND status IN ('queued','sending') AND channel <> 'call'")" 0
is "both workers took part" "$(q "SELECT count(DISTINCT worker) FROM notify_attempt a JOIN notify_message m ON m.id = a.message_id WHERE m.event_id = '$ev'")" 2

want=$(q "SELECT address FROM notify_message WHERE event_id = '$ev' AND channel = 'email' AND status = 'sent' ORDER BY 1")
got=$(mail_recipients | sort)
is "the MTA received exactly one mail per e-mail customer" "$got" "$want"
is "and none twice" "$(mail_recipients | sort | uniq -d)" ""
is "every e-mail customer but the unusable address was sent one" "$(echo "$want" | grep -c .)" "$((emails - 1))"
for _ in $(seq 1 50); do [ "$(sms_numbers | grep -c .)" -ge "$smss" ] && break; sleep 0.1; done
want=$(q "SELECT substr(address, 2) FROM notify_message WHERE event_id = '$ev' AND channel = 'sms' ORDER BY 1")
is "the fake SMSC received exactly one SMS per SMS customer" "$(sms_numbers | sort)" "$want"
is "and none twice" "$(sms_numbers | sort | uniq -d)" ""

f=$(ls "$OUT_DIR"/maildir/new | head -1)
mail=$(cat "$OUT_DIR/maildir/new/$f")
like "the mail has RFC 5322 headers" "$mail" 'From: Careline Water <care@careline.test>.*Subject: Water supply interruption - Burst main, Testbury.*Message-ID: <[0-9a-f-]{36}@careline.test>.*Content-Type: text/plain; charset=UTF-8'
like "and the event's message" "$mail" 'a burst main has cut your supply'

is "the unusable address went to the call list" "$(q "SELECT k.reason || ' ' || m.status FROM notify_call k JOIN notify_message m ON m.id = k.message_id WHERE m.customer_id = $bad AND m.event_id = '$ev'")" "failed failed"
like "saying why" "$(q "SELECT last_error FROM notify_message WHERE customer_id = $bad AND event_id = '$ev'")" 'not a mail address'
acct=$(q "SELECT c.account_no FROM notify_message m JOIN customer c ON c.id = m.customer_id WHERE m.event_id = '$ev' AND m.channel = 'sms' AND m.status = 'sent' ORDER BY c.id LIMIT 1")
like "the customer's contacts show the SMS sent" "$("$CARELINE" view "$acct" 2>/dev/null | grep '^contacts|')" '\|sms\|.*Water supply interruption - Burst main, Testbury \(SMS to \+44'
is "as outbound contacts" "$(q "SELECT DISTINCT i.direction FROM interaction i JOIN notify_message m ON m.id = i.id WHERE m.event_id = '$ev'")" outbound
is "one contact per message sent" "$(q "SELECT count(*) FROM interaction i JOIN notify_message m ON m.id = i.id WHERE m.event_id = '$ev'")" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND status = 'sent'")"

out=$(notify --once)
like "a second run finds nothing to send" "$out" 'sent 0 .*0 still queued'
is "and the MTA got nothing more" "$(mail_recipients | grep -c .)" "$((emails - 1))"

# -- the gateway is down when the event is updated: SMS wait, then arrive once --------------
kannel_stop
q "UPDATE critical_event SET customer_message = 'Careline Water: update two, supply back by 20:00.' WHERE id = '$ev'" >/dev/null
is "the update queued version 2" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND event_version = 2")" "$affected"
"$CARELINE" -c "$OUT_DIR/careline.conf" notify >"$OUT_DIR/worker.out" 2>&1 &
W=$!
for _ in $(seq 1 100); do
    [ "$(q "SELECT count(DISTINCT a.message_id) FROM notify_attempt a JOIN notify_message m ON m.id = a.message_id
            WHERE m.event_id = '$ev' AND m.event_version = 2 AND a.outcome = 'retry'")" -ge "$smss" ] && break
    sleep 0.1
done
is "with the gateway down every SMS waits for a retry" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND event_version = 2 AND channel = 'sms' AND status IN ('queued', 'sending') AND attempts >= 1")" "$smss"
like "saying the gateway did not answer" "$(q "SELECT last_error FROM notify_message WHERE event_id = '$ev' AND event_version = 2 AND channel = 'sms' LIMIT 1")" 'SMS gateway: .*(onnect|refused)'
is "nobody goes on the call list for it" "$(q "SELECT count(*) FROM notify_call k JOIN notify_message m ON m.id = k.message_id WHERE m.event_id = '$ev' AND m.event_version = 2 AND k.reason = 'failed' AND m.channel = 'sms'")" 0
sleep 1
kannel_start || not_ok "Kannel starts again"
for _ in $(seq 1 300); do
    [ "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND event_version = 2 AND channel = 'sms' AND status = 'sent'")" = "$smss" ] && break
    sleep 0.1
done
is "once it is back every SMS is sent" "$(q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND event_version = 2 AND channel = 'sms' AND status = 'sent'")" "$smss"
for _ in $(seq 1 50); do [ "$(grep -c 'update two' "$OUT_DIR/kannel/fakesmsc.out")" -ge "$smss" ] && break; sleep 0.1; done
is "each arrived exactly once" "$(grep 'update two' "$OUT_DIR/kannel/fakesmsc.out" | sed -n 's/.*Got message [0-9]*: <[^ ]* \([0-9]*\) .*/\1/p' | sort | uniq -c | awk '$1 != 1' | wc -l) $(grep -c 'update two' "$OUT_DIR/kannel/fakesmsc.out")" "0 $smss"

kill -TERM "$W"
for _ in $(seq 1 100); do kill -0 "$W" 2>/dev/null || break; sleep 0.05; done
wait "$W"; rc=$?; W=
is "SIGTERM stops the worker cleanly" "$rc" 0
like "with a summary" "$(cat "$OUT_DIR/worker.out")" 'notify: sent [0-9]+ .*to retry'

out=$("$CARELINE" -c "$OUT_DIR/careline.conf" notify --batch 0 2>&1); rc=$?
is "bad usage exits 2" "$rc" 2
like "naming the option" "$out" '--batch wants a whole number'
sed -i 's|mail_from = .*|mail_from = "nobody";|' "$OUT_DIR/careline.conf"
out=$(notify --once 2>&1); rc=$?
is "a From without an address is a configuration error" "$rc" 2
like "naming the setting" "$out" 'notify.mail_from'

tap_done
