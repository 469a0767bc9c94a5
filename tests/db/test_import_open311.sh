#!/usr/bin/env bash
# test_import_open311.sh — `careline import open311` (GeoReport v2 JSON and XML read the same), its mapping (service names, Careline's own codes, agencies), errors a server sends, and `careline export open311`: well-formed, escaped, filtered by --since, and read back by the importer into another database as the same requests.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nyc311.sh"
A=o311a_$$ B=o311b_$$ C=o311c_$$
W=$(mktemp -d "${TMPDIR:-/tmp}/open311.XXXXXX")
trap 'dropdb --if-exists "$A"; dropdb --if-exists "$B"; dropdb --if-exists "$C"; rm -rf "$W"' EXIT
for d in "$A" "$B" "$C"; do nyc311_db "$d" || { not_ok "the New York fixture in $d"; tap_done; exit 1; }; done
imp() { local db=$1; shift; PGDATABASE=$db "$CARELINE" import "$@" 2>&1; }
exp() { local db=$1; shift; PGDATABASE=$db "$CARELINE" export open311 "$@" 2>/dev/null; }

cat > "$W/requests.json" <<'EOF'
[
  {"service_request_id": "SR-1", "status": "open", "service_name": "No Water Complaint", "service_code": "4fd3b167e750846744000005",
   "description": "No water since \"this morning\" <kitchen & bath>", "agency_responsible": "Water Department",
   "requested_datetime": "2024-02-01T09:00:00-05:00", "updated_datetime": "2024-02-01T09:05:00-05:00",
   "address": "350 5th Avenue, New York, NY", "zipcode": "10118", "lat": 40.7484, "long": -73.9857,
   "media_url": "https://example.org/p.jpg", "extended_attributes": {"x": [1, {"y": "]"}]}},
  {"service_request_id": "SR-2", "status": "closed", "status_notes": "Pressure restored", "service_name": "Anything",
   "service_code": "supply.low_pressure", "agency_responsible": "Water Department",
   "requested_datetime": "2024-02-02T10:00:00-05:00", "updated_datetime": "2024-02-03T15:00:00-05:00",
   "address": "123 West 45th Street", "zipcode": "10036"},
  {"service_request_id": "SR-3", "status": "open", "service_name": "Pothole", "agency_responsible": "Streets",
   "requested_datetime": "2024-02-04T10:00:00-05:00", "address": "1 Centre Street", "zipcode": "10007"},
  {"service_request_id": "SR-4", "status": "open", "service_name": "Water On Street Complaint",
   "requested_datetime": "2024-02-05 11:00", "address": "Corner of 5th Avenue and West 34th Street", "zipcode": "10118"},
  {"service_request_id": "SR-5", "status": "open", "service_name": "No Water Complaint", "requested_datetime": "yesterday"},
  {"code": 403, "description": "Invalid api_key"}
]
EOF
out=$(imp "$A" open311 "$W/requests.json"); rc=$?
is "JSON with two bad items exits 6" "$rc" 6
like "the layout" "$out" 'Open311\): 6 requests read'
like "a bad date by line" "$out" 'requests.json:15: has a created date that cannot be read: "yesterday"'
like "an error the server sent, by line" "$out" 'requests.json:16: the server sent an error, not a request: Invalid api_key'
like "an unknown service is unmapped" "$out" 'unmapped \(no category\) +1.*Streets / Pothole /  +1'
like "three new, two opened, one waits" "$out" 'new requests +3.*complaints opened +2.*unmatched +1'
c() { PGDATABASE=$1 q "SELECT $2 FROM complaint k WHERE k.external_ref = '$3'"; }
is "by service name" "$(c "$A" "(SELECT code FROM complaint_category WHERE id = k.category_id) || ' ' || premise_id || ' ' || status" SR-1)" \
   "supply.interruption 9900101 new"
is "by Careline's own code, closed at its update" \
   "$(c "$A" "(SELECT code FROM complaint_category WHERE id = k.category_id) || ' ' || status || ' ' || to_char(closed_at AT TIME ZONE 'UTC', 'MM-DD HH24:MI') || ' ' || resolution_summary" SR-2)" \
   "supply.low_pressure closed 02-03 20:00 Pressure restored"
is "a date without a zone is the utility's" "$(PGDATABASE=$A q "SELECT to_char(requested_at AT TIME ZONE 'UTC', 'HH24:MI') FROM service_request WHERE external_id = 'SR-4'")" "16:00"
is "the citizen's words in the description" "$(c "$A" "description ~ 'No water since \"this morning\" <kitchen & bath>'" SR-1)" t

# -- the same requests as XML read the same -------------------------------------------------------
cat > "$W/requests.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<service_requests>
  <request>
    <service_request_id>SR-1</service_request_id><status>open</status>
    <service_name>No Water Complaint</service_name><service_code>4fd3b167e750846744000005</service_code>
    <description>No water since "this morning" &lt;kitchen &amp; bath&gt;</description>
    <agency_responsible>Water Department</agency_responsible>
    <requested_datetime>2024-02-01T09:00:00-05:00</requested_datetime><updated_datetime>2024-02-01T09:05:00-05:00</updated_datetime>
    <address>350 5th Avenue, New York, NY</address><zipcode>10118</zipcode><lat>40.7484</lat><long>-73.9857</long>
    <media_url>https://example.org/p.jpg</media_url><attributes><attribute><code>x</code></attribute></attributes>
  </request>
  <request>
    <service_request_id>SR-2</service_request_id><status>closed</status><status_notes>Pressure restored</status_notes>
    <service_name>Anything</service_name><service_code>supply.low_pressure</service_code>
    <agency_responsible>Water Department</agency_responsible>
    <requested_datetime>2024-02-02T10:00:00-05:00</requested_datetime><updated_datetime>2024-02-03T15:00:00-05:00</updated_datetime>
    <address>123 West 45th Street</address><zipcode>10036</zipcode>
  </request>
  <request><service_request_id>SR-3</service_request_id><status>open</status><service_name>Pothole</service_name>
    <agency_responsible>Streets</agency_responsible><requested_datetime>2024-02-04T10:00:00-05:00</requested_datetime>
    <address>1 Centre Street</address><zipcode>10007</zipcode></request>
  <request><service_request_id>SR-4</service_request_id><status>open</status><service_name>Water On Street Complaint</service_name>
    <requested_datetime>2024-02-05 11:00</requested_datetime><address>Corner of 5th Avenue and West 34th Street</address><zipcode>10118</zipcode></request>
</service_requests>
EOF
out=$(imp "$C" open311 "$W/requests.xml"); rc=$?
is "the XML document exits 0" "$rc" 0
like "named as XML" "$out" 'Open311\): 4 requests read'
rows() { PGDATABASE=$1 q "SELECT string_agg(concat_ws('|', external_id, agency, request_type, descriptor, status, requested_at, closed_at, resolution, description, address, zip, latitude, longitude, media_url, premise_id, customer_id), E'\n' ORDER BY external_id) FROM service_request"; }
is "JSON and XML give the same requests" "$(rows "$C")" "$(rows "$A")"

# -- a mapping of one's own: agencies taken, the rest skipped -------------------------------------
cat > "$W/mine.conf" <<'EOF'
agencies = [ "Water Department" ];
status = ( ("open", "new"), ("closed", "closed") );
map = ( { agency = "Water Department"; type = "No Water Complaint"; descriptors = ( ("", "supply.interruption") ); } );
EOF
out=$(imp "$B" open311 --map "$W/mine.conf" --dry-run "$W/requests.json"); rc=$?
like "other agencies skipped by name (before anything else is read)" "$out" 'skipped \(other agencies\) +3  \(no agency\) 2, Streets 1'
like "a code of its own not taken without careline_codes" "$out" 'Water Department / Anything / supply.low_pressure +1'

# -- broken documents: nothing imported, FILE:LINE ------------------------------------------------
printf '[\n {"service_request_id": "X-1", "status": "open"}\n {"service_request_id": "X-2"}\n]\n' > "$W/broken.json"
out=$(imp "$B" open311 "$W/broken.json"); rc=$?
is "broken JSON exits 1" "$rc" 1
like "with its line" "$out" "broken.json:3: JSON: expected ',' or ']' after a request"
printf '<service_requests>\n<request><service_request_id>1</service_code></request>\n</service_requests>\n' > "$W/broken.xml"
out=$(imp "$B" open311 "$W/broken.xml"); rc=$?
is "broken XML exits 1" "$rc" 1
like "with its line" "$out" "broken.xml:2: XML: an end tag that does not match"
is "nothing was imported from either" "$(PGDATABASE=$B q "SELECT count(*) FROM service_request")" 0

# -- export: a document of every complaint, escaped, back as the same requests --------------------
# A complaint of Careline's own, with text that needs escaping, and one resolved.
PGDATABASE=$A q "INSERT INTO complaint (customer_id, premise_id, category_id, channel, description, opened_at)
  VALUES (9900008, 9900108, (SELECT id FROM complaint_category WHERE code = 'quality.taste_odour'), 'phone',
          'Agent notes: customer''s name here', '2024-03-01 10:00-05')" >/dev/null
PGDATABASE=$A q "INSERT INTO complaint (customer_id, premise_id, category_id, channel, description, opened_at, status,
  root_cause_id, resolution_summary, resolved_at)
  VALUES (9900003, 9900103, (SELECT id FROM complaint_category WHERE code = 'supply.leak_public'), 'phone', 'x',
          '2024-03-02 10:00-05', 'resolved', (SELECT id FROM root_cause WHERE code = 'third_party'),
          E'Fixed <main> & \"valve\" \\x01 done', '2024-03-03 12:00-05')" >/dev/null
exp "$A" > "$W/a.json"; rc=$?
is "export exits 0" "$rc" 0
is "four complaints exported" "$(grep -c '"service_request_id"' "$W/a.json")" 4
like "the city's number kept, coordinates as numbers" "$(cat "$W/a.json")" '"service_request_id": "SR-1".*"lat": 40.7484, "long": -73.9857'
unlike "an agent's own text never leaves" "$(cat "$W/a.json")" 'Agent notes'
like "resolved is closed, with what the customer was told" "$(cat "$W/a.json")" '"status": "closed", "status_notes": "Fixed <main> & \\"valve\\" \\u0001 done"'
like "the deadline is the expected time, with its offset" "$(cat "$W/a.json")" '"expected_datetime": "2024-0[0-9]-[0-9]{2}T[0-9:]{8}-0[45]:00"'
exp "$A" --format xml > "$W/a.xml"; rc=$?
is "XML export exits 0" "$rc" 0
check "the XML is well-formed" xmllint --noout "$W/a.xml"
like "escaped, the control character a space" "$(cat "$W/a.xml")" '<status_notes>Fixed &lt;main&gt; &amp; &quot;valve&quot;   done</status_notes>'
out=$(PGHOST=/nonexistent "$CARELINE" export open311 --since tomorrow 2>&1); rc=$?
is "a --since that is not a time exits 2" "$rc" 2
like "saying why" "$out" '--since "tomorrow" is not YYYY-MM-DD'
is "--since leaves out what did not change since" "$(exp "$A" --since '2999-01-01' | tr -d '\n')" "[]"
n=$(exp "$A" --since "$(date -d '-1 day' +%Y-%m-%d)" | grep -c service_request_id)
is "--since yesterday keeps what changed today" "$n" 4

out=$(imp "$B" open311 "$W/a.json"); rc=$?
is "the export reads back: exit 0" "$rc" 0
like "every request opened" "$out" 'complaints opened +4'
exp "$B" > "$W/b.json"
norm() { sed -e 's/"updated_datetime": "[^"]*", //' "$1" | sort; }
is "read back, the same requests come out" "$(norm "$W/b.json")" "$(norm "$W/a.json")"
out=$(imp "$B" open311 "$W/a.json"); rc=$?
like "and once more changes nothing" "$out" 'unchanged +4'
exp "$B" --format xml > "$W/b.xml"
normx() { sed -e 's|<updated_datetime>[^<]*</updated_datetime>||' "$1" | sort; }
is "the XML too" "$(normx "$W/b.xml")" "$(normx "$W/a.xml")"

tap_done
