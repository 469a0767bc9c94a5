# outside.sh — the real outside parts notification tests talk to, started on loopback in a test's own folder and stopped on exit: exim4 behind sendmail(8) delivering to a maildir, Kannel's bearerbox + smsbox with the fake SMSC.
# Source, set OUT_DIR (a folder of the test's own), call outside_cleanup from the test's EXIT trap.

OUT_PIDS=()

outside_port() {   # outside_port: a TCP port on 127.0.0.1 nobody listens on
    local p
    for _ in $(seq 1 100); do
        p=$(( 20000 + (RANDOM * 7 + $$) % 30000 ))
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
}

# exim_setup: a private exim configuration that takes every address and
# delivers it to $OUT_DIR/maildir, and $OUT_DIR/sendmail, the sendmail(8) to
# give Careline (exim's own, with that configuration; -odi: delivered before
# it returns, so a test can count at once).
exim_setup() {
    local d=$OUT_DIR/exim
    mkdir -p "$d/spool" "$d/log" "$OUT_DIR/maildir"
    chmod 777 "$OUT_DIR/maildir"
    if [ "$(id -u)" = 0 ]; then chown Debian-exim: "$d/spool" "$d/log"; fi
    cat >"$d/exim.conf" <<EOF
primary_hostname = careline.test
spool_directory = $d/spool
log_file_path = $d/log/%slog
pid_file_path = $d/exim.pid
never_users =
trusted_users = root
keep_environment =
begin routers
everything:
  driver = accept
  transport = to_maildir
begin transports
to_maildir:
  driver = appendfile
  directory = $OUT_DIR/maildir
  maildir_format
  user = Debian-exim
  create_directory
  envelope_to_add
  return_path_add
  mode = 0644
EOF
    printf '#!/bin/sh\nexec /usr/sbin/exim4 -C %s -odi "$@"\n' "$d/exim.conf" >"$OUT_DIR/sendmail"
    chmod 755 "$OUT_DIR/sendmail"
}

# mail_recipients: one line per delivered mail, its Envelope-to address
mail_recipients() {
    local f
    for f in "$OUT_DIR"/maildir/new/*; do
        [ -f "$f" ] && sed -n 's/^Envelope-to: //p' "$f" | head -1
    done
}

# kannel_setup: a configuration on free ports; sets KANNEL_SENDSMS (the URL)
kannel_setup() {
    local d=$OUT_DIR/kannel
    mkdir -p "$d/store"
    KANNEL_ADMIN=$(outside_port); KANNEL_BOX=$(outside_port); KANNEL_SMSC=$(outside_port); KANNEL_HTTP=$(outside_port)
    cat >"$d/kannel.conf" <<EOF
group = core
admin-port = $KANNEL_ADMIN
admin-password = adminpw
smsbox-port = $KANNEL_BOX
box-allow-ip = "127.0.0.1"
log-file = "$d/bearerbox.log"
log-level = 1
store-type = spool
store-location = "$d/store"

group = smsc
smsc = fake
smsc-id = FAKE
port = $KANNEL_SMSC
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = $KANNEL_HTTP
log-file = "$d/smsbox.log"
log-level = 1

group = sendsms-user
username = careline
password = s3cret
EOF
    KANNEL_SENDSMS=http://127.0.0.1:$KANNEL_HTTP/cgi-bin/sendsms
}

outside_wait_port() {   # outside_wait_port PORT: until something listens (10 s)
    for _ in $(seq 1 200); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# kannel_start: bearerbox, smsbox, then the fake SMSC, which prints every
# message it receives into $OUT_DIR/kannel/fakesmsc.out.
kannel_start() {
    local d=$OUT_DIR/kannel
    bearerbox "$d/kannel.conf" >>"$d/bearerbox.out" 2>&1 &
    KANNEL_BB=$!; OUT_PIDS+=("$KANNEL_BB")
    outside_wait_port "$KANNEL_SMSC" || { echo "bearerbox did not start" >&2; return 1; }
    smsbox "$d/kannel.conf" >>"$d/smsbox.out" 2>&1 &
    KANNEL_SB=$!; OUT_PIDS+=("$KANNEL_SB")
    outside_wait_port "$KANNEL_HTTP" || { echo "smsbox did not start" >&2; return 1; }
    /usr/lib/kannel/test/fakesmsc -H 127.0.0.1 -r "$KANNEL_SMSC" -i 0.1 -m 0 "123 345 text nop" \
        >>"$d/fakesmsc.out" 2>&1 &
    KANNEL_FAKE=$!; OUT_PIDS+=("$KANNEL_FAKE")
    # Ready when a message goes all the way through (to a number no test uses).
    for _ in $(seq 1 100); do
        curl -s "$KANNEL_SENDSMS?username=careline&password=s3cret&from=Probe&to=440000000000&text=probe" \
            2>/dev/null | grep -q '^0:' && break
        sleep 0.1
    done
    for _ in $(seq 1 100); do
        grep -q 'Got message.*440000000000' "$d/fakesmsc.out" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "Kannel did not pass a message through" >&2
    return 1
}

outside_kill() {   # outside_kill PID...: stop and reap
    local p
    for p in "$@"; do
        [ -n "$p" ] || continue
        kill "$p" 2>/dev/null
    done
    for p in "$@"; do
        [ -n "$p" ] || continue
        for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    return 0
}

kannel_stop() { outside_kill "$KANNEL_FAKE" "$KANNEL_SB" "$KANNEL_BB"; KANNEL_FAKE= KANNEL_SB= KANNEL_BB=; }

# sms_numbers: one line per message the fake SMSC received (the receiver),
# probes left out
sms_numbers() {
    sed -n 's/.*Got message [0-9]*: <[^ ]* \([0-9+]*\) .*/\1/p' "$OUT_DIR/kannel/fakesmsc.out" 2>/dev/null |
        grep -v '^440000000000$'
}

outside_cleanup() { outside_kill "${OUT_PIDS[@]}"; OUT_PIDS=(); }
