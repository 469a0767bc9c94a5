#!/usr/bin/env bash
# notify.sh — `make bench`: time to queue and hand off an event's notifications over the whole largest zone, through a real MTA (exim4, queue only) and Kannel with its fake SMSC on loopback (a measurement, never pass/fail).
#
# Sourced by bench.sh (notify_all prints the report's lines), or run alone
# against $PGDATABASE: `bash tests/bench/notify.sh` (CARELINE, TOP as in bench.sh).
# Knobs: BENCH_NOTIFY_WORKERS (2), BENCH_NOTIFY_BATCH (200).
# The event, its messages and the contacts they made are deleted afterwards,
# so the cached benchmark database stays as seeded.

notify_q() { psql -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }

# notify_clean EVENT: remove the bench's event and everything it made.
notify_clean() {
    notify_q "DELETE FROM interaction WHERE id IN (SELECT id FROM notify_message WHERE event_id = '$1')
                 OR id IN (SELECT interaction_id FROM notify_call WHERE event_id = '$1');
              DELETE FROM critical_event WHERE id = '$1'" >/dev/null 2>&1
}

notify_all() {
    . "$TOP/tests/lib/outside.sh"
    local workers=${BENCH_NOTIFY_WORKERS:-2} batch=${BENCH_NOTIFY_BATCH:-200}
    OUT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/careline-bench-notify.XXXXXX")
    chmod 755 "$OUT_DIR"
    exim_setup
    # Hand-off is what is timed: exim takes the message into its queue
    # (-odq) and would deliver it afterwards.
    sed -i 's/ -odi / -odq /' "$OUT_DIR/sendmail"
    kannel_setup
    if ! kannel_start; then
        echo "notifications: Kannel did not start; not measured"
        outside_cleanup; rm -rf "$OUT_DIR"; return 0
    fi
    cat >"$OUT_DIR/careline.conf" <<EOF
connection = { statement_timeout_ms = 0; };
notify = {
  sendmail = "$OUT_DIR/sendmail";
  mail_from = "Careline <care@careline.test>";
  sms_url = "$KANNEL_SENDSMS";
  sms_username = "careline";
  sms_password = "s3cret";
  batch = $batch;
};
EOF
    local zone n t0 t1 queue_s ev emails smss calls pids=() p out
    zone=$(notify_q "SELECT zone_id FROM premise GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    t0=$EPOCHREALTIME
    ev=$(notify_q "BEGIN;
        INSERT INTO critical_event (kind, title, agent_message, customer_message)
        VALUES ('supply_interruption', 'Bench: the whole zone', 'Bench.', 'Careline: water supply in your area is interrupted. We expect it back by 18:00.')
        RETURNING id;
        INSERT INTO critical_event_zone SELECT id, $zone FROM critical_event WHERE title = 'Bench: the whole zone';
        COMMIT;" | head -1)
    t1=$EPOCHREALTIME
    queue_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    n=$(notify_q "SELECT count(*) FROM notify_message WHERE event_id = '$ev'")
    emails=$(notify_q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND channel = 'email'")
    smss=$(notify_q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND channel = 'sms'")
    calls=$(notify_q "SELECT count(*) FROM notify_call WHERE event_id = '$ev'")
    t0=$EPOCHREALTIME
    for ((p = 0; p < workers; p++)); do
        "$CARELINE" --config "$OUT_DIR/careline.conf" notify --once --worker "bench$p" >"$OUT_DIR/w$p.out" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    t1=$EPOCHREALTIME
    local hand_s sent first_sms
    hand_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    sent=$(notify_q "SELECT count(*) FROM notify_message WHERE event_id = '$ev' AND status = 'sent'")
    # The first priority customers' messages are out in a fraction of that.
    first_sms=$(notify_q "SELECT round(extract(epoch FROM min(sent_at) FILTER (WHERE priority = 1) - to_timestamp($t0))::numeric, 2)
                          FROM notify_message WHERE event_id = '$ev'")
    echo "$queue_s $hand_s" >"${W:-$OUT_DIR}/notify.fig"   # for the goals' table (report.sh)
    echo
    echo "### Notifications: an event over the largest zone ($n affected customers of $(notify_q "SELECT count(*) FROM customer"))"
    echo
    printf -- '- queued (declare, commit: one message per customer): %s s (%s messages, %s on the call list)\n' \
        "$queue_s" "$n" "$calls"
    printf -- '- handed off, %s e-mail to exim (queue only) and %s SMS to Kannel: %s s (%s of %s sent, %s workers, batch %s)\n' \
        "$emails" "$smss" "$hand_s" "$sent" "$((emails + smss))" "$workers" "$batch"
    printf -- '- messages handed off per second: %s\n' \
        "$(awk -v n="$sent" -v s="$hand_s" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }')"
    printf -- '- first non-priority message out after: %s s\n' "${first_sms:--}"
    printf -- '- SMS the fake SMSC received (may lag the hand-off): %s\n' "$(sms_numbers | grep -c .)"
    notify_clean "$ev"
    outside_cleanup
    rm -rf "$OUT_DIR"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
    CARELINE=${CARELINE:-$TOP/build/careline}
    notify_all
fi
