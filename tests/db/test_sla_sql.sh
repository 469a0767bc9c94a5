#!/usr/bin/env bash
# test_sla_sql.sh — the C rules (careline report due) and the SQL rules (working_add_hours/days) give the same due times on a grid of starts, amounts, regions and zones.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
DB=careline_sla_sql_$$
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
createdb -T "$MIGRATED_TEMPLATE" "$DB" || { not_ok "copy of the migrated template"; tap_done; exit 1; }
export PGDATABASE=$DB TEST_DB=$DB

# Besides the seeded calendar (Monday to Friday 08:00-18:00, UK bank
# holidays, England/Wales and Scotland differing), two calendars whose
# windows contain the clock changes, so the wall-clock counting and the
# times that do not exist or exist twice are compared too:
#   allday  every day 00:00-24:00, its own holiday on 2 January 2027
#   night   its own Saturday 22:00-24:00 and Sunday 00:30-03:30; Monday to
#           Friday from the rows for every region (as working_window falls back)
check "calendars allday and night added" q "
   INSERT INTO working_hours (region, isodow, opens, closes)
   SELECT 'allday', d, time '00:00', time '24:00' FROM generate_series(1, 7) d
   UNION ALL VALUES ('night', 6, time '22:00', time '24:00'), ('night', 7, time '00:30', time '03:30');
   INSERT INTO holiday (holiday_on, region, name) VALUES ('2027-01-02', 'allday', 'Test holiday')"

is "careline_timezone() is the seeded Europe/London" "$(q "SELECT careline_timezone()")" "Europe/London"

# The grid: every 7 hours over two stretches (Easter and the March change;
# the October change, Christmas and the new year), and every 15 minutes
# around both changes, plus opening and closing times on the edges.
q "COPY (SELECT extract(epoch FROM t)::bigint FROM (
     SELECT generate_series(timestamptz '2026-03-14 00:00+00', '2026-04-20', '7 hours') t
     UNION SELECT generate_series(timestamptz '2026-10-16 03:00+00', '2027-01-08', '7 hours')
     UNION SELECT generate_series(timestamptz '2026-03-28 21:00+00', '2026-03-29 04:00+00', '15 minutes')
     UNION SELECT generate_series(timestamptz '2026-10-24 21:00+00', '2026-10-25 04:00+00', '15 minutes')
     UNION VALUES (timestamptz '2026-03-27 18:00+00'), ('2026-03-27 17:59:59+00'), ('2026-03-30 08:00+01'),
                  ('2026-10-23 18:00+01'), ('2026-10-26 08:00+00'), ('2026-12-24 18:00+00'),
                  ('2026-12-31 17:30+00'), ('2027-01-04 07:59:59+00'), ('2026-04-02 18:00+01')) g
     ORDER BY 1) TO STDOUT" >"$T/starts"
n=$(wc -l <"$T/starts")
if [ "$n" -ge 300 ]; then ok "grid of $n start times"; else not_ok "grid of start times" "only $n"; fi
sed 's/^/@/' "$T/starts" >"$T/starts.in"

# Amounts: none, negative, less than a minute, within a day, exactly a
# day's window, several days. (Scotland differs from England only in its
# holidays: checked below. The SQL functions take most of the time here.)
HOURS="-1 0 0.01 0.5 1 4 9.99 10 16 37.5"
DAYS="0 1 2 10"
days_for() { case $1 in allday|night) echo "0 1 2" ;; *) echo "$DAYS" ;; esac; }   # 10 days there is slow in SQL
REGIONS="- england allday night"

# The SQL answers, one statement per region, printed in the utility's zone as text,
# the way careline prints them.
q "CREATE TABLE sla_grid_start (at bigint);" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "\\copy sla_grid_start FROM '$T/starts'" || not_ok "load the grid"
hours_sql=$(echo "$HOURS" | sed 's/ /),(/g')
start=$SECONDS
for region in $REGIONS; do   # one psql per region, side by side
    rsql=NULL
    [ "$region" != - ] && rsql="'$region'"
    days_sql=$(days_for "$region" | sed 's/ /),(/g')
    psql -X -q -v ON_ERROR_STOP=1 -At -F '|' >"$T/sql.$region" <<SQL &
SET timezone = 'Europe/London';
SELECT '$region', k.kind, k.n,
       CASE k.kind WHEN 'hours' THEN working_add_hours(to_timestamp(s.at), k.n::numeric, $rsql)
                   ELSE working_add_days(to_timestamp(s.at), k.n::integer, $rsql) END
  FROM (SELECT 'hours' AS kind, n FROM (VALUES ($hours_sql)) h(n)
        UNION ALL SELECT 'days', n FROM (VALUES ($days_sql)) d(n)) k
 CROSS JOIN sla_grid_start s
 ORDER BY k.kind DESC, k.n, s.at;
SQL
done
wait
cat "$T"/sql.* >"$T/sql"
echo "# SQL side: $(wc -l <"$T/sql") due times in $((SECONDS - start)) s"

# The same with the C rules, one careline run per region and amount.
: >"$T/c"
for region in $REGIONS; do
    ropt=()
    [ "$region" != - ] && ropt=(--region "$region")
    for kind in hours days; do
        list=$HOURS
        [ $kind = days ] && list=$(days_for "$region")
        for amount in $(printf '%s\n' $list | sort -g); do
            "$CARELINE" report due --from - --$kind "$amount" "${ropt[@]}" <"$T/starts.in" 2>"$T/err" |
                sed "s/^/$region|$kind|$amount|/" >>"$T/c"
            [ -s "$T/err" ] && not_ok "careline report due --$kind $amount ${ropt[*]} ran cleanly" "$(head -5 "$T/err")"
        done
    done
done

# Compare per region and amount: one test each, the first differences shown.
for region in $REGIONS; do
    for kind in hours days; do
        list=$HOURS
        [ $kind = days ] && list=$(days_for "$region")
        for amount in $(printf '%s\n' $list | sort -g); do
            # psql prints numeric amounts as given; normalise both sides' keys.
            pick='$1 == r && $2 == k && ($3 + 0) == (a + 0) { print $4 }'
            awk -F'|' -v r="$region" -v k="$kind" -v a="$amount" "$pick" "$T/sql" >"$T/s1"
            awk -F'|' -v r="$region" -v k="$kind" -v a="$amount" "$pick" "$T/c" >"$T/c1"
            if [ "$(wc -l <"$T/s1")" != "$n" ] || [ "$(wc -l <"$T/c1")" != "$n" ]; then
                not_ok "C and SQL agree: region $region, $amount working $kind" \
                    "SQL gave $(wc -l <"$T/s1") answers, C $(wc -l <"$T/c1"), for $n starts"
            elif cmp -s "$T/s1" "$T/c1"; then
                ok "C and SQL agree: region $region, $amount working $kind ($n starts)"
            else
                not_ok "C and SQL agree: region $region, $amount working $kind" \
                    "$(paste -d' ' "$T/starts" "$T/s1" "$T/c1" | awk '$2" "$3 != $4" "$5 { print "from @"$1": SQL "$2" "$3", C "$4" "$5 }' | head -5)"
            fi
        done
    done
done

# Spot checks that the grid is not comparing two wrong answers.
is "Friday before the March change + 2 h: Monday 09:00 BST" \
    "$("$CARELINE" report due --from '2026-03-27 17:00' --hours 2)" "2026-03-30 09:00:00+01"
is "Christmas Eve + 4 working days (England): 4 January 18:00" \
    "$("$CARELINE" report due --from '2026-12-24 11:00' --days 4 --region england)" "2027-01-04 18:00:00+00"
is "Easter Monday is a holiday in England, not in Scotland (1 day from Thursday 2 April)" \
    "$("$CARELINE" report due --from '2026-04-02 12:00' --days 1 --region england) $("$CARELINE" report due --from '2026-04-02 12:00' --days 1 --region scotland)" \
    "2026-04-07 18:00:00+01 2026-04-06 18:00:00+01"
is "a time that does not exist (01:30 on 29 March) resolves as PostgreSQL does" \
    "$("$CARELINE" report due --from '2026-03-29 00:00' --hours 1.5 --region allday)|$(q "SELECT working_add_hours('2026-03-29 00:00', 1.5, 'allday')")" \
    "2026-03-29 02:30:00+01|2026-03-29 02:30:00+01"

# The process zone is the database's, whatever TZ the terminal has.
out_ny=$(TZ=America/New_York "$CARELINE" report due --from - --hours 10 <"$T/starts.in" 2>&1)
is "report due counts in careline_timezone(), not in the terminal's TZ" \
    "$out_ny" "$(awk -F'|' '$1 == "-" && $2 == "hours" && $3 == "10" { print $4 }' "$T/c")"

# Another utility zone: the same agreement (US clocks change on other days).
q "UPDATE utility_region SET timezone = 'America/New_York'" >/dev/null
is "careline_timezone() follows the region's time zone" "$(q "SELECT careline_timezone()")" "America/New_York"
for spec in "hours 10" "hours 37.5" "days 1" "days 10"; do
    set -- $spec
    sqlv=$(psql -X -At -v ON_ERROR_STOP=1 -c "SET timezone = 'America/New_York'" -c "
        SELECT CASE '$1' WHEN 'hours' THEN working_add_hours(to_timestamp(at), $2)
                         ELSE working_add_days(to_timestamp(at), $2::integer) END
          FROM sla_grid_start ORDER BY at" | grep -v '^SET')
    cv=$("$CARELINE" report due --from - --$1 "$2" <"$T/starts.in" 2>&1)
    if [ "$sqlv" = "$cv" ]; then ok "America/New_York: C and SQL agree on $2 working $1"
    else not_ok "America/New_York: C and SQL agree on $2 working $1" \
        "$(diff <(echo "$sqlv") <(echo "$cv") | head -6)"; fi
done
like "the database refuses a zone it does not know" \
    "$(q "UPDATE utility_region SET timezone = 'Mars/Olympus_Mons'" 2>&1)" 'time zone "Mars/Olympus_Mons" is not known'
# One this machine's tzdata lacks while the server's has it: written past the check.
q "ALTER TABLE utility_region DISABLE TRIGGER utility_region_check;
   UPDATE utility_region SET timezone = 'Mars/Olympus_Mons';
   ALTER TABLE utility_region ENABLE TRIGGER utility_region_check" >/dev/null
out=$("$CARELINE" report due --from '2026-03-27 17:00' --hours 2 2>&1); rc=$?
is "a zone this machine does not know: exit 1" "$rc" 1
like "and says which zone" "$out" "time zone 'Mars/Olympus_Mons'.*not known"
q "CREATE TABLE region_kept AS SELECT * FROM utility_region; DELETE FROM utility_region" >/dev/null
is "no region row: careline_timezone() says Europe/London" "$(q "SELECT careline_timezone()")" "Europe/London"
is "and so does the C side" "$("$CARELINE" report due --from '2026-03-27 17:00' --hours 2)" "2026-03-30 09:00:00+01"
q "INSERT INTO utility_region SELECT * FROM region_kept; UPDATE utility_region SET timezone = 'Europe/London'" >/dev/null

# The trigger's due times (no due times sent) are the calendar rules too.
q "INSERT INTO zone (code, name, region) VALUES ('SLA1', 'SLA zone', 'scotland');
   INSERT INTO customer (id, account_no, name, segment) VALUES (880001, '4888888801', 'Sla Test', 'residential_single');
   INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
   VALUES (880001, 'SLA-1', '1 Clock Row', 'Testbury', 'ZZ1 1ZZ', (SELECT id FROM zone WHERE code = 'SLA1'), 'house');
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES (880001, 880001, '2020-01-01');" >/dev/null
q "INSERT INTO complaint (customer_id, premise_id, category_id, channel, description, opened_at)
   VALUES (880001, 880001, (SELECT id FROM complaint_category WHERE code = 'supply.low_pressure'), 'phone', 'x',
           '2026-04-02 16:30+01')" >/dev/null
got=$(q "SELECT ack_due_at || ' ' || response_due_at || ' ' || resolution_due_at FROM complaint WHERE customer_id = 880001")
std=$(q "SELECT ack_hours || ' ' || first_response_days || ' ' || resolution_days FROM response_standard
          WHERE category_id = (SELECT id FROM complaint_category WHERE code = 'supply.low_pressure') AND region IS NULL")
set -- $std
want="$("$CARELINE" report due --from '2026-04-02 16:30+01' --hours "$1" --region scotland) $("$CARELINE" report due --from '2026-04-02 16:30+01' --days "$2" --region scotland) $("$CARELINE" report due --from '2026-04-02 16:30+01' --days "$3" --region scotland)"
is "the complaint trigger's due times (Scotland, over Easter) are the C rules' ($std)" "$got" "$want"

# Pause and resume: the trigger moves deadlines not yet met by the time
# spent waiting. In a UTC session that is exactly the elapsed pause, as
# sla_resume() does.
pause_shift() {   # pause_shift SESSION_TZ: seconds the resolution deadline moved minus the seconds paused
    local before after
    before=$(q "SELECT paused_seconds FROM complaint WHERE customer_id = 880001")
    after=$(psql -X -q -At -v ON_ERROR_STOP=1 <<SQL
SET timezone = '$1';
UPDATE complaint SET status = 'acknowledged' WHERE customer_id = 880001 AND status = 'new';
UPDATE complaint SET status = 'waiting_customer', resolution_due_at = '2026-10-23 12:00+01'
 WHERE customer_id = 880001;
UPDATE complaint SET paused_since = now() - interval '3 days 2 hours' WHERE customer_id = 880001;
UPDATE complaint SET status = 'investigating' WHERE customer_id = 880001
RETURNING extract(epoch FROM resolution_due_at - timestamptz '2026-10-23 12:00+01')::bigint || ' ' || paused_seconds;
SQL
)
    set -- $after
    echo $(($1 - ($2 - before)))
}
utc_diff=$(pause_shift UTC)
is "resume in a UTC session: deadlines move by exactly the pause (as sla_resume)" "$utc_diff" 0
london_diff=$(pause_shift Europe/London)
is "resume in a Europe/London session: deadlines move by exactly the pause, across a clock change" "$london_diff" 0

tap_done
