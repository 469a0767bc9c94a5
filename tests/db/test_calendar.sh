#!/usr/bin/env bash
# test_calendar.sh — state that follows the calendar: a bill past its due date reads as overdue and its customer in arrears, with nothing written since (customer view, search flags); `careline maintain` brings the stored copies up to today, twice at once safely, a second run changing nothing; across a real change of day (libfaketime, own cluster).
. "$TOP/tests/lib/tap.sh"
export TEST_DB=calendar_$$
admin=cal_admin_$$ agent=cal_agent_$$          # roles are cluster wide: unique per run
T=$(mktemp -d)
chmod 755 "$T"
cleanup() {
    dropdb --if-exists "$TEST_DB" >/dev/null 2>&1
    for r in "$admin" "$agent"; do q "DROP ROLE IF EXISTS $r" postgres >/dev/null 2>&1; done
    rm -rf "$T"
}
trap cleanup EXIT
createdb -T "$MIGRATED_TEMPLATE" "$TEST_DB" || { not_ok "copy the migrated template"; tap_done; exit 1; }
export PGDATABASE=$TEST_DB
q "CREATE ROLE $admin LOGIN IN ROLE careline_admin; CREATE ROLE $agent LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$admin', 'Cal Admin', 'admin'), ('$agent', 'Cal Agent', 'agent')" >/dev/null

# Customers 770001..770009, one premise each; every date below is relative to today.
check "fixtures load" psql -X -q -v ON_ERROR_STOP=1 -c "
INSERT INTO zone (code, name, region) VALUES ('CAL', 'Calendar zone', 'england');
INSERT INTO customer (id, account_no, first_name, last_name, name, segment)
SELECT 770000 + i, '47700000' || lpad(i::text, 2, '0'), 'Cal', 'Customer' || i, 'Cal Customer' || i, 'residential_single'
  FROM generate_series(1, 9) i;
INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
SELECT 770000 + i, 'CAL-' || i, i || ' Calendar Row', 'Testbury', 'CA1 1AA', (SELECT id FROM zone WHERE code = 'CAL'), 'house'
  FROM generate_series(1, 9) i;
INSERT INTO customer_premise (customer_id, premise_id, start_date)
SELECT 770000 + i, 770000 + i, careline_today() - 400 FROM generate_series(1, 9) i;"
view() { "$CARELINE" view "$1" 2>/dev/null; }
part() { view "$1" | grep "^$2|"; }
field() { part "$1" "$2" | head -1 | cut -d'|' -f"$3"; }   # field ACCOUNT PART N (1 = the part's name)
flags() { "$CARELINE" search --csv "$1" 2>/dev/null | awk -F, 'NR == 2 { print $(NF - 1) }'; }

# ---- written through the normal path: due tomorrow --------------------------------------------------
q "INSERT INTO bill (customer_id, premise_id, period_start, period_end, issued_on, due_on, amount)
   VALUES (770001, 770001, careline_today() - 120, careline_today() - 30, careline_today() - 27, careline_today() + 1, 100)" >/dev/null
is "a bill due tomorrow reads as issued" "$(field 4770000001 bills 7)" issued
is "its customer owes 100.00, none of it in arrears" "$(field 4770000001 header 10)/$(field 4770000001 header 11)" "100.00/0.00"
is "no ARREARS flag in search" "$(flags 4770000001)" ""

# ---- state stored before the due date passed: a bulk load (or a day) since -------------------------
# As the seed or an import writes them, triggers off: the bill 'issued', the
# customer's balance and arrears as they were before yesterday's due date.
q "SET session_replication_role = replica;
   INSERT INTO bill (customer_id, premise_id, period_start, period_end, issued_on, due_on, amount, status)
   VALUES (770002, 770002, careline_today() - 120, careline_today() - 30, careline_today() - 28, careline_today() - 1, 80, 'issued'),
          (770003, 770003, careline_today() - 120, careline_today() - 30, careline_today() - 28, careline_today() - 1, 55.50, 'issued'),
          (770003, 770003, careline_today() - 30, careline_today(), careline_today(), careline_today() + 27, 20, 'issued'),
          (770004, 770004, careline_today() - 90, careline_today() - 60, careline_today() - 59, careline_today() - 31, 40, 'paid');
   UPDATE customer SET balance = 80, arrears = 0 WHERE id = 770002;
   UPDATE customer SET balance = 75.50, arrears = 0 WHERE id = 770003;" >/dev/null
v_before=$(q "SELECT string_agg(version::text, ',' ORDER BY id) FROM customer WHERE id IN (770002, 770003)")
is "a bill made due yesterday reads as overdue, though stored as issued" "$(field 4770000002 bills 7)" overdue
is "its customer's arrears follow: the whole 80.00" "$(field 4770000002 header 11)" "80.00"
is "search flags the arrears" "$(flags 4770000002)" ARREARS
is "with a bill not yet due beside it: only the part due is arrears" "$(field 4770000003 header 10)/$(field 4770000003 header 11)" \
   "75.50/55.50"
is "each bill with its own status" "$(part 4770000003 bills | cut -d'|' -f7 | tr '\n' ' ')" "issued overdue "
is "a paid bill stays paid" "$(field 4770000004 bills 7)" paid
is "the stored copies are untouched by reading" \
   "$(q "SELECT string_agg(status, ',' ORDER BY due_on) FROM bill WHERE customer_id = 770002")/$(q "SELECT arrears FROM customer WHERE id = 770002")" \
   "issued/0.00"

# ---- careline maintain --------------------------------------------------------------------------------
out=$(PGUSER=$admin "$CARELINE" maintain 2>&1); rc=$?
is "maintain exits 0" "$rc" 0
like "it says how many bills turned overdue" "$out" "bills now overdue: 2"
like "and whose arrears changed" "$out" "customers whose arrears changed: 2"
is "the stored statuses are today's" "$(q "SELECT string_agg(customer_id || ':' || status, ',' ORDER BY customer_id, due_on) FROM bill")" \
   "770001:issued,770002:overdue,770003:overdue,770003:issued,770004:paid"
is "the stored arrears are today's" "$(q "SELECT string_agg(arrears::text, ',' ORDER BY id) FROM customer WHERE id IN (770001, 770002, 770003)")" \
   "0.00,80.00,55.50"
is "and say how long they hold: to the next due date, or for ever" \
   "$(q "SELECT string_agg(CASE WHEN arrears_until = 'infinity' THEN 'infinity' ELSE (arrears_until - careline_today())::text END,
                            ',' ORDER BY id) FROM customer WHERE id IN (770001, 770002, 770003)")" \
   "1,infinity,27"
is "an agent's open edit is not made stale (versions kept)" \
   "$(q "SELECT string_agg(version::text, ',' ORDER BY id) FROM customer WHERE id IN (770002, 770003)")" "$v_before"
is "nor is the audit log filled with caches" \
   "$(q "SELECT count(*) FROM audit_log WHERE customer_id IN (770002, 770003) AND action <> 'customer.open'")" 0
out=$(PGUSER=$admin "$CARELINE" maintain 2>&1); rc=$?
is "a second run exits 0" "$rc" 0
like "and changes nothing" "$out" "nothing was out of date"
like "bills: none" "$out" "bills now overdue: 0"

# Two at once: both wait behind a session holding the job's lock, then run.
# The state as the triggers wrote it three days ago, before a due date two
# days ago: nothing in arrears, holding until that due date.
q "SET session_replication_role = replica;
   INSERT INTO bill (customer_id, premise_id, period_start, period_end, issued_on, due_on, amount, status)
   SELECT 770000 + i, 770000 + i, careline_today() - 120, careline_today() - 30, careline_today() - 28, careline_today() - 2, 10 * i, 'issued'
     FROM generate_series(5, 9) i;
   UPDATE customer SET balance = 10 * (id - 770000), arrears = 0, arrears_until = careline_today() - 2
    WHERE id BETWEEN 770005 AND 770009;" >/dev/null
psql -X -q -c "SELECT pg_advisory_lock(hashtext('careline.maintain')); SELECT pg_sleep(3)" >/dev/null 2>&1 &
holder=$!
sleep 0.5
PGUSER=$admin "$CARELINE" maintain >"$T/m1" 2>&1 &
m1=$!
PGUSER=$admin "$CARELINE" maintain >"$T/m2" 2>&1 &
m2=$!
waiting=0
for _ in $(seq 25); do
    waiting=$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%careline_maintain()%' AND wait_event_type = 'Lock'")
    [ "$waiting" = 2 ] && break
    sleep 0.1
done
is "two runs at once: both wait for the one holding the lock" "$waiting" 2
wait "$m1"; rc1=$?; wait "$m2"; rc2=$?; wait "$holder"
is "both exit 0" "$rc1 $rc2" "0 0"
sum() { sed -n "s/^$1: //p" "$T/m1" "$T/m2" | awk '{ s += $1 } END { print s + 0 }'; }
is "the 5 new overdue bills are counted once between them" "$(sum 'bills now overdue')" 5
is "and the 5 customers' arrears once" "$(sum 'customers whose arrears changed')" 5
is "one of them found nothing left" "$(cat "$T/m1" "$T/m2" | grep -c 'nothing was out of date')" 1
is "the result is right" "$(q "SELECT string_agg(arrears::text, ',' ORDER BY id) FROM customer WHERE id BETWEEN 770005 AND 770009")" \
   "50.00,60.00,70.00,80.00,90.00"
out=$(PGUSER=$admin "$CARELINE" maintain 2>&1)
like "a third run changes nothing" "$out" "nothing was out of date"

# A payment works the cache out again at once.
q "INSERT INTO payment (customer_id, paid_on, amount, method) VALUES (770002, careline_today(), 80, 'card')" >/dev/null
is "paid: no arrears" "$(field 4770000002 header 11)/$(q "SELECT arrears FROM customer WHERE id = 770002")" "0.00/0.00"

# Misuse and rights.
out=$("$CARELINE" maintain now 2>&1); rc=$?
is "maintain takes no arguments: exit 2" "$rc" 2
like "with usage" "$out" "takes no arguments.*careline --help"
out=$(PGUSER=$agent "$CARELINE" maintain 2>&1); rc=$?
is "an agent may not run it: exit 1" "$rc" 1
like "the database says so" "$out" "permission denied"

# ---- across a real change of day: the clock moves, nothing is written -------------------------------
lib=
for f in /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1; do
    [ -f "$f" ] && { lib=$f; break; }
done
if [ -z "$lib" ]; then
    not_ok "libfaketime is installed (apt-get install faketime)"
else
    (
        # Only the server's clock moves: every date here is the server's.
        # The library goes into the server's commands alone: preloaded into
        # runuser, it would make a semaphore as root that the postgres-owned
        # server then may not open (a start that fails now and then).
        export FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME=+0
        . "$TOP/tests/lib/pgtmp.sh"
        pgtmp_as() {
            if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env LD_PRELOAD="$lib" "$@"; else LD_PRELOAD=$lib "$@"; fi
        }
        pgtmp_start "$T/pg" >/dev/null 2>&1 || { echo "not ok - a private cluster for the clock"; exit 1; }
        createdb clock && export PGDATABASE=clock TEST_DB=clock && "$CARELINE" migrate >/dev/null || exit 1
        psql -X -q -v ON_ERROR_STOP=1 -c "
            INSERT INTO customer (id, account_no, name, segment) VALUES (1, '4000000001', 'Clock Customer', 'residential_single');
            INSERT INTO bill (customer_id, period_start, period_end, issued_on, due_on, amount)
            VALUES (1, careline_today() - 90, careline_today() - 2, careline_today() - 1, careline_today() + 1, 42)" || exit 1
        echo "before|$(field 4000000001 bills 7)|$(field 4000000001 header 11)|$(flags 4000000001)"
        # The terminal left running, the database left alone: three days pass.
        pgtmp_server_stop
        export FAKETIME=+$((3 * 86400))
        pgtmp_server_start || { echo "not ok - the cluster starts three days later"; exit 1; }
        echo "after|$(field 4000000001 bills 7)|$(field 4000000001 header 11)|$(flags 4000000001)"
        echo "stored|$(q "SELECT status FROM bill")|$(q "SELECT arrears FROM customer")"
        "$CARELINE" maintain >/dev/null
        echo "maintained|$(q "SELECT status FROM bill")|$(q "SELECT arrears FROM customer")"
        pgtmp_stop
    ) >"$T/clock.out" 2>&1
    got() { grep "^$1|" "$T/clock.out"; }
    is "the day before its due date: issued, no arrears" "$(got before)" "before|issued|0.00|"
    is "three days later, nothing written: overdue, in arrears, flagged" "$(got after)" "after|overdue|42.00|ARREARS"
    is "the stored copies were still the old day's" "$(got stored)" "stored|issued|0.00"
    is "until maintain brought them to today" "$(got maintained)" "maintained|overdue|42.00"
    grep -q '^not ok' "$T/clock.out" && not_ok "the clock part ran" "$(cat "$T/clock.out")"
fi

tap_done
