#!/usr/bin/env bash
# test_import_nyc311.sh — `careline import nyc311`: the 41-column, 23-column and snake_case layouts, portal and ISO dates in New York time, matching (exact, through the words, ambiguous, intersections), hostile rows reported as FILE:LINE, a second import that changes nothing, a later extract that moves complaints on, the runs, due times as the trigger's, search by the city's number, and bad usage and mapping files.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nyc311.sh"
export TEST_DB=nyc311_$$
W=$(mktemp -d "${TMPDIR:-/tmp}/nyc311.XXXXXX")
agent=n3_agent_$$ super=n3_super_$$
trap 'dropdb --if-exists "$TEST_DB"; q "DROP ROLE IF EXISTS $agent; DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1; rm -rf "$W"' EXIT
nyc311_db "$TEST_DB" || { not_ok "the New York fixture"; tap_done; exit 1; }
export PGDATABASE=$TEST_DB
imp() { "$CARELINE" import "$@" 2>&1; }

# -- the 41-column portal export ------------------------------------------------------------------
{
    echo "$NYC311_HEADER"
    nyc311_row 59893661 '01/15/2024 08:30:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open ''
    nyc311_row 59893662 '01/15/2024 09:00:00 AM' '' HPD 'HEAT/HOT WATER' 'ENTIRE BUILDING' 10036 '123 WEST 45 STREET' Open ''
    nyc311_row 59893663 '01/15/2024 10:00:00 AM' '' DEP 'Water System' 'Weird Thing (XX9)' 10036 '123 WEST 45 STREET' Open ''
    nyc311_row 59893664 '01/16/2024 07:15:00 PM' '' DEP Sewer 'Street Flooding (SJ)' 10036 '' Open '' 'WEST 45 STREET' '8 AVENUE'
    nyc311_row 59893665 '01/10/2024 11:00:00 AM' '01/12/2024 03:30:00 PM' DEP 'Water Quality' 'Cloudy Or Milky Water (QB1)' 10036 '123 W 45TH ST' Closed '"DEP found the water safe; ""cloudy"" from air."'
    nyc311_row 59893666 '01/17/2024 08:00:00 AM' '' DEP 'Water System' 'Low Water Pressure - WLWP' 11201 '200 CLINTON STREET' Open ''
    nyc311_row 59893667 '01/17/2024 09:00:00 AM' '' DEP 'Water System' 'NO WATER - WNW' 10012 '45 BLEEKER STREET' Open ''
    nyc311_row 59893668 '13/45/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open ''
    nyc311_row 59893669 '01/18/2024 09:00:00 AM' '' DEP 'Water System' 'Leak (Use Comments) (WA2)' 11419 '123-45 97 AVENUE' 'In Progress' ''
    nyc311_row 59893670 '06/01/2023 09:00:00 AM' '' DEP 'Water System' 'Leak (WA2)' 10007 '1 CENTRE STREET' Open ''
    nyc311_row 59893671 '06/01/2024 09:00:00 AM' '' DEP 'Water System' 'Leak (WA2)' 10007 '1 CENTRE STREET' Open ''
    nyc311_row 59893672 '06/01/2024 09:00:00 AM' '' DEP 'Water System' 'Leak (WA2)' 10001 '99 NOWHERE STREET' Open ''
    nyc311_row 59893673 '06/02/2024 09:00:00 AM' '' DEP Sewer 'Sewer Odor (SA2)' 10118 '350 5 AVENUE' Open ''
    nyc311_row 59893673 '06/02/2024 09:00:00 AM' '' DEP Sewer 'Sewer Odor (SA2)' 10118 '350 5 AVENUE' Assigned ''
} > "$W/portal.csv"
out=$(imp nyc311 "$W/portal.csv"); rc=$?
is "a file with a bad row exits 6" "$rc" 6
like "the bad row by file and line, with why" "$out" "$W/portal.csv:9: has a created date that cannot be read: \"13/45/2024 10:00:00 AM\" has no such month"
like "the layout is named" "$out" 'NYC 311.*14 requests read'
like "other agencies counted by agency" "$out" 'skipped \(other agencies\) +1  HPD 1'
like "unmapped counted and listed" "$out" 'unmapped \(no category\) +1.*DEP / Water System / Weird Thing \(XX9\)  1'
like "the repeated key counted" "$out" 'repeated later in the file +1'
like "new requests" "$out" 'new requests +10'
like "complaints opened" "$out" 'complaints opened +7'
like "unmatched" "$out" 'unmatched +3  on the unmatched requests screen'
like "and how many wait in all" "$out" 'waiting for an agent, in all +3'
is "the run is recorded with its counts" \
   "$(q "SELECT rows_read, imported, unmatched, skipped_agency, unmapped, bad, duplicates, details -> 'skipped' ->> 'HPD' FROM import_run")" \
   "14|7|3|1|1|1|1|1"
is "the first bad row is kept with the run" "$(q "SELECT details -> 'bad' -> 0 ->> 'line' FROM import_run")" 9

c() { q "SELECT $1 FROM complaint k WHERE k.external_ref = '$2'"; }
is "exact: house, street (5 = 5th) and ZIP" "$(c "customer_id || ' ' || premise_id || ' ' || channel" 59893661)" "9900001 9900101 311"
is "opened at the city's time, New York's zone" "$(c "to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')" 59893661)" "2024-01-15 13:30"
is "W 45TH ST is West 45th Street" "$(c premise_id 59893665)" 9900102
is "a closed request arrives closed, at its closing time" \
   "$(c "status || ' ' || to_char(closed_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI')" 59893665)" "closed 2024-01-12 15:30"
is "with the city's resolution and the cause recorded elsewhere" \
   "$(c "resolution_summary || ' / ' || (SELECT code FROM root_cause WHERE id = k.root_cause_id)" 59893665)" \
   'DEP found the water safe; "cloudy" from air. / external'
is "the resolution is a note for the customer" \
   "$(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id WHERE k.external_ref = '59893665' AND h.details ->> 'audience' = 'customer'")" 1
is "a misspelt street through the words" "$(q "SELECT match_kind || ' ' || premise_id FROM service_request WHERE external_id = '59893667'")" "words 9900108"
is "a hyphenated Queens house number" "$(c "premise_id || ' ' || status" 59893669)" "9900103 investigating"
is "the customer who held the premise then (2023)" "$(c customer_id 59893670)" 9900006
is "the customer who holds it now (2024)" "$(c customer_id 59893671)" 9900007
is "the later of two rows with one key counts" "$(c status 59893673)" acknowledged
note() { q "SELECT match_note FROM service_request WHERE external_id = '$1'"; }
like "an intersection waits for an agent" "$(note 59893664)" '^an intersection \(WEST 45 STREET and 8 AVENUE\)'
like "two flats at one address wait" "$(note 59893666)" '^2 premises have this address'
like "a premise nobody held waits" "$(note 59893672)" 'no customer has ever held it'
is "every complaint's due times are the trigger's own" \
   "$(q "SELECT count(*) FILTER (WHERE (k.ack_due_at, k.response_due_at, k.resolution_due_at) IS DISTINCT FROM (d.ack_due_at, d.response_due_at, d.resolution_due_at)) || '/' || count(*) FROM complaint k JOIN customer cu ON cu.id = k.customer_id CROSS JOIN LATERAL complaint_due_times(k.category_id, customer_region(k.customer_id, k.premise_id), cu.customer_type, k.opened_at) d")" "0/7"
is "routed to the category's team" "$(c team 59893661)" Operations
like "search finds the customer by the city's number" "$("$CARELINE" search --csv 59893661)" '9000000001.*request'

# -- the same file again: nothing changes, the run is recorded ------------------------------------
snap() { q "SELECT (SELECT count(*) FROM complaint) || ' ' || (SELECT count(*) FROM complaint_history) || ' ' || (SELECT sum(version) FROM service_request) || ' ' || (SELECT count(*) FROM audit_log) || ' ' || (SELECT sum(version) FROM complaint)"; }
before=$(snap)
out=$(imp nyc311 "$W/portal.csv"); rc=$?
is "the same file again exits as before" "$rc" 6
like "every known request unchanged" "$out" 'unchanged +10'
like "nothing new" "$out" 'complaints opened +0'
is "no complaint, history, request or audit row changed" "$(snap)" "$before"
is "both runs are recorded" "$(q "SELECT count(*) FROM import_run")" 2
like "careline import runs lists them" "$(imp runs)" 'RUN.*OPENED.*portal.csv'

# -- a later extract: the city's status, closing time and resolution ------------------------------
q "INSERT INTO follow_up (complaint_id, customer_id, due_on, channel, what_to_confirm)
   SELECT id, customer_id, current_date + 7, 'phone', 'Pressure held' FROM complaint WHERE external_ref = '59893669'" >/dev/null
{
    echo "$NYC311_HEADER"
    nyc311_row 59893661 '01/15/2024 08:30:00 AM' '01/16/2024 10:00:00 AM' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Closed 'Service line repaired; water is back.'
    nyc311_row 59893665 '01/10/2024 11:00:00 AM' '' DEP 'Water Quality' 'Cloudy Or Milky Water (QB1)' 10036 '123 W 45TH ST' Open ''
    nyc311_row 59893669 '01/18/2024 09:00:00 AM' '01/19/2024 09:00:00 AM' DEP 'Water System' 'Leak (Use Comments) (WA2)' 11419 '123-45 97 AVENUE' Closed 'Leak repaired.'
    nyc311_row 59893673 '06/02/2024 09:00:00 AM' '' DEP Sewer 'Sewer Odor (SA2)' 10118 '350 5 AVENUE' Open ''
} > "$W/later.csv"
out=$(imp nyc311 "$W/later.csv"); rc=$?
is "a clean extract exits 0" "$rc" 0
like "four updated" "$out" 'updated +4'
like "three complaints moved on" "$out" 'complaints moved on +3'
like "one kept resolved for its follow-up" "$out" 'closed by the city, kept +1'
is "closed at the city's closing time" \
   "$(c "status || ' ' || to_char(closed_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI') || ' ' || resolution_summary" 59893661)" \
   "closed 2024-01-16 10:00 Service line repaired; water is back."
like "each step in the history" "$(q "SELECT string_agg(to_status, ' ' ORDER BY h.at, to_status) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id WHERE k.external_ref = '59893661' AND kind = 'status'")" 'acknowledged'
is "a request the city reopened reopens its complaint" "$(c status 59893665)" investigating
is "an open follow-up keeps it resolved" "$(c status 59893669)" resolved
is "never backwards: acknowledged stays" "$(c status 59893673)" acknowledged

# -- 23 columns in another order, ISO dates; snake_case with zones --------------------------------
printf '%s\r\n' 'Descriptor,Unique Key,Agency,Complaint Type,Created Date,Closed Date,Location Type,Incident Zip,Incident Address,Street Name,Cross Street 1,Cross Street 2,Intersection Street 1,Intersection Street 2,City,Status,Due Date,Resolution Description,Resolution Action Updated Date,Borough,Latitude,Longitude,Location' \
    'Dirty Water (WE),70000001,DEP,Water System,2024-03-10T01:30:00,,,10118,350 5TH AVE,5 AVENUE,,,,,NEW YORK,Open,,,,MANHATTAN,40.7484,-73.9857,' > "$W/l23.csv"
out=$(imp nyc311 "$W/l23.csv"); rc=$?
is "23 columns exit 0" "$rc" 0
like "23 columns named" "$out" 'l23.csv \(NYC 311\).*1 requests read'
is "an ISO date without a zone is New York's (the night the clocks went forward)" \
   "$(c "to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || premise_id" 70000001)" "2024-03-10 06:30 9900101"
is "the coordinates are kept" "$(q "SELECT latitude || ',' || longitude FROM service_request WHERE external_id = '70000001'")" "40.7484,-73.9857"
printf '%s\n' 'unique_key,created_date,closed_date,agency,complaint_type,descriptor,incident_zip,incident_address,status,resolution_description' \
    '70000002,2024-07-01T12:00:00Z,2024-07-02T12:00:00-04:00,DEP,Sewer,Sewer Backup (Use Comments) (SA),11419,123-45 97th Avenue,Closed,Cleared' > "$W/snake.csv"
out=$(imp nyc311 "$W/snake.csv"); rc=$?
is "snake_case exits 0" "$rc" 0
like "snake_case named" "$out" 'snake.csv'
is "ISO zones kept" "$(c "to_char(opened_at AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || to_char(closed_at AT TIME ZONE 'UTC', 'DD HH24:MI')" 70000002)" "12:00 02 16:00"

# -- due times over a year of working calendar: nights, weekends, federal holidays, clock changes --
descr=('No Water (WNW)' 'Low Water Pressure - WLWP' 'Sewer Odor (SA2)' 'Hydrant Running (WC3)')
types=('Water System' 'Water System' 'Sewer' 'Water System')
{
    echo "$NYC311_HEADER"
    for i in $(seq 0 159); do
        when=$(date -u -d "2024-01-01 00:00 UTC + $((i * 55)) hours + $((i * 13)) minutes" '+%Y-%m-%dT%H:%M:%S')
        nyc311_row $((71000000 + i)) "$when" '' DEP "${types[i % 4]}" "${descr[i % 4]}" 10118 '350 5 AVENUE' Open ''
    done
    # The nights the clocks changed, and the federal holidays of 2024.
    for when in 2024-03-10T01:59:00 2024-03-10T03:00:00 2024-11-03T01:30:00 2024-11-03T02:30:00 2024-07-03T17:59:00 \
                2024-07-04T09:00:00 2024-11-27T17:30:00 2024-11-28T12:00:00 2024-12-24T16:00:00 2024-12-31T23:59:59; do
        i=$((i + 1))
        nyc311_row $((71000000 + i)) "$when" '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open ''
    done
} > "$W/year.csv"
out=$(imp nyc311 "$W/year.csv"); rc=$?
is "a year of requests imports" "$rc" 0
like "every one opened" "$out" 'complaints opened +170'
is "every due time, worked out for all at once, is the trigger's own" \
   "$(q "SELECT count(*) FILTER (WHERE (k.ack_due_at, k.response_due_at, k.resolution_due_at) IS DISTINCT FROM (d.ack_due_at, d.response_due_at, d.resolution_due_at)) || '/' || count(*) FROM complaint k JOIN customer cu ON cu.id = k.customer_id CROSS JOIN LATERAL complaint_due_times(k.category_id, customer_region(k.customer_id, k.premise_id), cu.customer_type, k.opened_at) d WHERE k.external_ref LIKE '71%'")" "0/170"

# -- hostile rows: each bad one reported, the rest imported ---------------------------------------
long=$(head -c 10000 /dev/zero | tr '\0' 'x')
{
    echo "$NYC311_HEADER"
    nyc311_row 80000001 '02/01/2024 10:00:00 AM' '02/02/2024 10:00:00 AM' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Closed "\"$long\""
    nyc311_row 80000002 '02/01/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open '"Quote ""in"", comma"'
    nyc311_row 80000003 '02/01/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open $'\e[2J\e]0;owned\a'
    nyc311_row 80000004 '02/01/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 $'"350 5 AVENUE\nSECOND LINE"' Open $'"line one\r\nline two"'
    nyc311_row 80000005 '02/30/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open ''
    nyc311_row '' '02/01/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open ''
    printf '80000007,02/01/2024 10:00:00 AM,,DEP\r\n'
    nyc311_row 80000008 '02/01/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Frozen ''
    nyc311_row 80000009 '02/01/2024 10:00:00 AM' 'tomorrow' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Closed ''
    nyc311_row 80000010 '02/01/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open ''
} > "$W/hostile.csv"
out=$(imp nyc311 "$W/hostile.csv"); rc=$?
is "hostile rows exit 6" "$rc" 6
like "an impossible day (after a row of three lines)" "$out" 'hostile.csv:8: has a created date that cannot be read: "02/30/2024 10:00:00 AM" has no such day in that month'
like "no number" "$out" 'hostile.csv:9: has no request number'
like "too few fields" "$out" 'hostile.csv:10: the row has 4 fields, the header 41'
like "an unknown status" "$out" 'hostile.csv:11: has a status the mapping file does not list: "Frozen"'
like "a bad closing date" "$out" 'hostile.csv:12: has a closed date that cannot be read'
unlike "no escape sequence reaches the terminal" "$out" $'\e'
like "the rest imported" "$out" 'bad \(not read\) +5.*new requests +5.*complaints opened +4'
is "10,000 characters kept whole" "$(q "SELECT length(resolution) FROM service_request WHERE external_id = '80000001'")" 10000
is "quotes and commas kept" "$(q "SELECT resolution FROM service_request WHERE external_id = '80000002'")" 'Quote "in", comma'
is "the escape sequence stored as sent (drawn safely)" "$(q "SELECT resolution = E'\\x1b[2J\\x1b]0;owned\\x07' FROM service_request WHERE external_id = '80000003'")" t
is "line breaks inside fields kept" "$(q "SELECT address = E'350 5 AVENUE\\nSECOND LINE' AND resolution = E'line one\\r\\nline two' FROM service_request WHERE external_id = '80000004'")" t

# -- dry run, bad usage, broken files and mapping files -------------------------------------------
{ echo "$NYC311_HEADER"; nyc311_row 90000001 '03/01/2024 10:00:00 AM' '' DEP 'Water System' 'No Water (WNW)' 10118 '350 5 AVENUE' Open ''; } > "$W/dry.csv"
runs=$(q "SELECT count(*) FROM import_run")
out=$(imp nyc311 --dry-run "$W/dry.csv"); rc=$?
is "a dry run exits 0" "$rc" 0
like "it says what would happen" "$out" 'dry run, nothing written.*complaints opened +1'
is "and writes nothing" "$(q "SELECT count(*) FROM service_request WHERE external_id = '90000001'") $(q "SELECT count(*) FROM import_run")" "0 $runs"
usage() { local name=$1 re=$2; shift 2; out=$(PGHOST=/nonexistent imp "$@"); rc=$?; is "$name exits 2" "$rc" 2; like "$name says why" "$out" "$re"; }
usage "no kind" 'needs nyc311, open311 or runs'
usage "an unknown kind" "unknown kind of file 'csv'" csv x.csv
usage "no file" 'nyc311 needs the FILE' nyc311
usage "two files" 'takes one FILE' nyc311 a.csv b.csv
usage "an unknown option" "does not take '--frob'" nyc311 --frob a.csv
usage "a file that is not there" 'cannot read /nonexistent.csv' nyc311 /nonexistent.csv
printf 'Unique Key,Agency,Complaint Type,Descriptor\n1,DEP,Sewer,x\n' > "$W/nodate.csv"
out=$(imp nyc311 "$W/nodate.csv"); rc=$?
is "a file without a required column exits 1" "$rc" 1
like "naming the file, line and column" "$out" "$W/nodate.csv:1: no \"Created Date\" column \\(or created_date\\)"
is "and records no run" "$(q "SELECT count(*) FROM import_run")" "$runs"
printf 'map = ( { agency = "DEP"; type = "Sewer"; descriptors = ( ("Odor (SA2)", "sewer.smell") ); } );\nstatus = ( ("Open", "new") );\n' > "$W/badcat.conf"
out=$(imp nyc311 --map "$W/badcat.conf" "$W/dry.csv"); rc=$?
is "a mapping file naming no category exits 2" "$rc" 2
like "with its file and line" "$out" "$W/badcat.conf:1: \"sewer.smell\" is not an active category"
printf 'status = ( ("Open", "opened") );\nmap = ();\n' > "$W/badstatus.conf"
out=$(imp nyc311 --map "$W/badstatus.conf" "$W/dry.csv"); rc=$?
is "an unknown complaint status exits 2" "$rc" 2
like "with its line" "$out" "$W/badstatus.conf:1: status: \"opened\" is not one of"
printf 'status = ( ("Open", "new") ;\n' > "$W/syntax.conf"
out=$(imp nyc311 --map "$W/syntax.conf" "$W/dry.csv"); rc=$?
is "a mapping file that does not parse exits 2" "$rc" 2
like "with its line" "$out" "$W/syntax.conf:1: "
printf 'timezone = "Mars/Olympus";\nstatus = ( ("Open", "new") );\nmap = ();\n' > "$W/tz.conf"
out=$(imp nyc311 --map "$W/tz.conf" "$W/dry.csv"); rc=$?
is "an unknown time zone exits 2" "$rc" 2
like "with its line" "$out" "$W/tz.conf:1: the database does not know the time zone"

# -- who may import: a supervisor, not an agent ---------------------------------------------------
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$super', 'Sue Pervisor', 'supervisor')" >/dev/null
out=$(PGUSER=$super imp nyc311 "$W/dry.csv"); rc=$?
is "a supervisor imports: exit 0" "$rc" 0
like "one complaint opened" "$out" 'complaints opened +1'
is "created by the supervisor, recorded as theirs" \
   "$(q "SELECT (SELECT display_name FROM staff WHERE id = k.created_by) || ' ' || (SELECT run_by FROM import_run ORDER BY id DESC LIMIT 1) FROM complaint k WHERE external_ref = '90000001'")" \
   "Sue Pervisor $super"
out=$(PGUSER=$agent imp nyc311 "$W/dry.csv"); rc=$?
is "an agent cannot import: exit 1" "$rc" 1
like "told why, nothing imported" "$out" 'nothing was imported: only supervisors and administrators import 311 requests'

tap_done
