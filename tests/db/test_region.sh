#!/usr/bin/env bash
# test_region.sh — the utility's region (utility_region): shape checks that hold in every country, phone_nsn for any country code, the region row's own checks and who may change it, US federal holidays by rule (observed days, any year) in SQL and in the C calendar, the compensation scheme, SMS numbers; `careline seed --region us-nyc` (boroughs, ZIP codes, +1 numbers, New York time, no GSS, the same data for the same N) and search by NANP numbers and ZIP codes.
set -u
. "$TOP/tests/lib/tap.sh"

DB=careline_t_region_$$ NYC=careline_t_region_nyc_$$ NYC2=careline_t_region_nyc2_$$
admin=region_admin_$$ agent=region_agent_$$          # roles are cluster wide: unique per run
cleanup() {
    for d in "$DB" "$NYC" "$NYC2"; do dropdb --if-exists "$d" >/dev/null 2>&1; done
    for r in "$admin" "$agent"; do q "DROP ROLE IF EXISTS $r" postgres >/dev/null 2>&1; done
}
trap cleanup EXIT
createdb -T "$MIGRATED_TEMPLATE" "$DB" || { not_ok "copy the migrated template"; tap_done; exit 1; }
export PGDATABASE=$DB TEST_DB=$DB
q "CREATE ROLE $admin LOGIN IN ROLE careline_admin; CREATE ROLE $agent LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$admin', 'Region Admin', 'admin'), ('$agent', 'Region Agent', 'agent')" >/dev/null
fails() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1" >/dev/null 2>&1 && echo accepted || echo refused; }

# ---- the region row -------------------------------------------------------------------------
is "an installation is British until told otherwise" \
    "$(q "SELECT concat_ws(' ', code, country, currency_code, currency_symbol, currency_decimals, calling_code, timezone, holiday_rules, compensation_scheme, postcode_label) FROM utility_region")" \
    "gb-eng GB GBP £ 2 44 Europe/London none uk_gss Postcode"
is "the time zone lives in the region row only" "$(q "SELECT count(*) FROM app_setting WHERE key = 'timezone'")" 0
is "a second region row is refused" "$(fails "INSERT INTO utility_region SELECT * FROM utility_region")" refused
for bad in "timezone = 'Mars/Olympus_Mons'" "currency_code = 'usd'" "currency_decimals = 3" "country = 'USA'" \
           "sms_pattern = '('" "calling_code = '0'" "trunk_prefix = 'x'" "compensation_scheme = 'gss'" \
           "holiday_rules = 'easter'" "postcode_label = ''" "currency_symbol = E'\\x1b'"; do
    is "refused: $bad" "$(fails "UPDATE utility_region SET $bad")" refused
done
v0=$(q "SELECT version FROM utility_region")
q "UPDATE utility_region SET name = 'Wessex Water Demo'" >/dev/null
is "a change bumps the version" "$(q "SELECT version FROM utility_region")" "$((v0 + 1))"
is "and is audited" "$(q "SELECT details -> 'changed' ? 'name' FROM audit_log WHERE entity = 'utility_region' ORDER BY id DESC LIMIT 1")" t
is "an agent cannot change the region" \
    "$(PGUSER=$agent fails "UPDATE utility_region SET currency_symbol = 'X'")" refused
is "nor choose one" "$(PGUSER=$agent fails "SELECT utility_region_use('us-nyc')")" refused
like "an unknown region is named with the ones there are" "$(q "SELECT utility_region_use('fr-par')" 2>&1)" \
    'no shipped region "fr-par" \(there are: gb-eng, us-nyc\)'
check "an administrator chooses New York" env PGUSER="$admin" psql -X -q -v ON_ERROR_STOP=1 -c "SELECT utility_region_use('us-nyc')"
is "the row is New York's" \
    "$(q "SELECT concat_ws(' ', code, currency_code, currency_symbol, calling_code, trunk_prefix, international_prefix, timezone, holiday_rules, compensation_scheme, postcode_label) FROM utility_region")" \
    "us-nyc USD \$ 1 1 011 America/New_York us_federal none ZIP code"
is "careline_timezone() follows it" "$(q "SELECT careline_timezone()")" America/New_York

# ---- shapes that hold in every country ----------------------------------------------------
q "INSERT INTO zone (code, name, region) VALUES ('RGN', 'Region zone', 'new_york')" >/dev/null
premise() { fails "INSERT INTO premise (premise_ref, address_line1, town, postcode, zone_id, premise_type)
                    VALUES ('RGN-' || md5(random()::text), '1 Test Street', 'Testville', $1, (SELECT id FROM zone WHERE code = 'RGN'), 'house')"; }
for pc in "'SW1A 1AA'" "'LS6 2AB'" "'10001'" "'10001-1234'" "'K1A 0B1'" "'1011 AB'" "'GIR 0AA'"; do
    is "postcode accepted: $pc" "$(premise "$pc")" accepted
done
for pc in "'sw1a 1aa'" "' SW1A 1AA'" "'SW1A  1AA'" "'10001-'" "'-10001'" "'ABCDEFGHIJK'" "'A'" "'1000€'" \
          "E'10001\\n'" "'10001 '" "''"; do
    is "postcode refused: $pc" "$(premise "$pc")" refused
done
is "a zone's region is a code" "$(fails "INSERT INTO zone (code, name, region) VALUES ('RGN2', 'x', 'New York')")" refused
is "event sectors of any shape (a ZIP prefix)" \
    "$(q "SELECT '104' ~ '^[A-Z0-9]+([ -][A-Z0-9]+)*\$' AND 'LS6 2' ~ '^[A-Z0-9]+([ -][A-Z0-9]+)*\$'")" t
is "phone_nsn strips any country code" \
    "$(q "SELECT string_agg(phone_nsn(x), ' ' ORDER BY o) FROM unnest(ARRAY['+447700900123','+12125550134','+33123456789','+353861234567','+79161234567','+8613812345678']) WITH ORDINALITY u(x, o)")" \
    "7700900123 2125550134 123456789 861234567 9161234567 13812345678"

# ---- US federal holidays, by rule, any year -------------------------------------------------
hol() { q "SELECT coalesce(us_federal_holiday('$1'), '-')"; }
while IFS='|' read -r day want; do
    is "$day: $want" "$(hol "$day")" "$want"
done <<'EOF'
2021-06-18|Juneteenth National Independence Day (observed)
2021-07-05|Independence Day (observed)
2021-12-24|Christmas Day (observed)
2021-12-31|New Year's Day (observed)
2022-06-20|Juneteenth National Independence Day (observed)
2022-12-26|Christmas Day (observed)
2023-01-02|New Year's Day (observed)
2023-11-10|Veterans Day (observed)
2026-07-03|Independence Day (observed)
2027-12-31|New Year's Day (observed)
2024-01-15|Birthday of Martin Luther King, Jr.
2025-02-17|Washington's Birthday
2030-05-27|Memorial Day
2032-09-06|Labor Day
2029-10-08|Columbus Day
2028-11-23|Thanksgiving Day
2100-11-25|Thanksgiving Day
2022-07-04|Independence Day
2020-06-19|-
2021-07-04|-
2022-12-25|-
2023-11-11|-
1985-01-21|-
2026-11-27|-
EOF
is "dated rows (the shipped British ones) are listed beside the rules" \
    "$(q "SELECT count(*) FROM careline_holidays('2026-01-01', '2026-12-31') WHERE name ~ 'Good Friday|Early May'")" 2
q "DELETE FROM holiday" >/dev/null
is "eleven a year: 110 from 2021 to 2030 (New Year's Day 2022 and 2028 on the 31 Decembers before)" \
    "$(q "SELECT count(*) FROM careline_holidays('2021-01-01', '2030-12-31')")" 110
# Due times in SQL and in the C calendar over Thanksgiving, Christmas, New Year and the 4th of July.
for spec in "2026-11-25 17:00|1" "2026-12-24 17:00|1" "2026-12-31 12:00|2" "2027-07-02 12:00|1" "2027-01-15 17:00|1" "2027-11-24 09:00|3"; do
    from=${spec%|*} days=${spec#*|}
    sqlv=$(psql -X -At -v ON_ERROR_STOP=1 -c "SET timezone = 'America/New_York'" -c "SELECT working_add_days('$from', $days, 'new_york')" | tail -1)
    is "$from + $days working day(s): C and SQL agree ($sqlv)" \
        "$("$CARELINE" report due --from "$from" --days "$days" --region new_york 2>&1)" "$sqlv"
done
is "Thanksgiving and the day after: due on the Monday" "$(q "SET timezone = 'America/New_York'; SELECT working_add_days('2026-11-25 17:00', 1, 'new_york')")" \
    "2026-11-27 18:00:00-05"

# ---- compensation scheme ----------------------------------------------------------------------
gss() { q "SELECT count(*) FROM applicable_standards(NULL, 'england', 'household', current_date) a JOIN response_standard r ON r.id = a.standard_id WHERE r.gss_code IS NOT NULL"; }
q "UPDATE utility_region SET compensation_scheme = 'uk_gss'" >/dev/null
is "uk_gss: the Guaranteed Standards apply" "$([ "$(gss)" -gt 0 ] && echo yes)" yes
q "UPDATE utility_region SET compensation_scheme = 'own'" >/dev/null
is "own: they do not" "$(gss)" 0
q "UPDATE utility_region SET compensation_scheme = 'none'" >/dev/null
is "none: nor do they" "$(gss)" 0
q "INSERT INTO customer (id, account_no, name, segment) VALUES (990001, '4999000001', 'Scheme Test', 'residential_single');
   INSERT INTO complaint (id, customer_id, category_id, channel, description)
   VALUES ('00000000-0000-4000-8000-00000000c0c0', 990001, (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'), 'phone', 'scheme');
   INSERT INTO compensation_payment (complaint_id, response_standard_id, amount)
   VALUES ('00000000-0000-4000-8000-00000000c0c0', (SELECT min(id) FROM response_standard), 40)" >/dev/null 2>&1
is "none: no payment row is ever made" "$(q "SELECT count(*) FROM compensation_payment")" 0

# ---- text messages --------------------------------------------------------------------------
is "New York: any +1 number with a real area code takes a text" \
    "$(q "SELECT notify_is_mobile('+12125550134')::text || notify_is_mobile('+447700900123')::text || notify_is_mobile('+11125550134')::text")" \
    "truefalsefalse"
q "SELECT utility_region_use('gb-eng')" >/dev/null
is "Britain: mobiles are +447" "$(q "SELECT notify_is_mobile('+447700900123')::text || notify_is_mobile('+12125550134')::text")" "truefalse"

# ---- careline seed --region --------------------------------------------------------------------
out=$("$CARELINE" seed --customers 10 --region fr-par 2>&1); rc=$?
is "an unknown demo region: exit 2" "$rc" 2
like "and the regions there are" "$out" "no demo region 'fr-par' \(there are: gb-eng, us-nyc\)"
out=$("$CARELINE" seed --customers 10 --region 2>&1); rc=$?
is "--region without a code: exit 2" "$rc" 2
N=2000   # enough open complaints for every SLA state, as in test_seed.sh
createdb "$NYC" && createdb "$NYC2" || { not_ok "createdb"; tap_done; exit 1; }
for d in "$NYC" "$NYC2"; do PGDATABASE=$d "$CARELINE" migrate >/dev/null || not_ok "migrate $d"; done
day() { q "SELECT (now() AT TIME ZONE 'America/New_York')::date" "$NYC"; }
day_before=$(day)
check "seed $N New York customers" env PGDATABASE="$NYC" "$CARELINE" seed --customers $N --region us-nyc
check "and again in another database" env PGDATABASE="$NYC2" "$CARELINE" seed --region=us-nyc --customers=$N
same_day=$([ "$day_before" = "$(day)" ] && echo yes)
export PGDATABASE=$NYC TEST_DB=$NYC
is "the region is New York's" "$(q "SELECT code || ' ' || currency_code || ' ' || timezone FROM utility_region")" \
    "us-nyc USD America/New_York"
is "the five boroughs are the zones" "$(q "SELECT string_agg(name, ', ' ORDER BY name) FROM zone WHERE region = 'new_york'")" \
    "Brooklyn, Manhattan, Queens, Staten Island, The Bronx"
is "every zone has customers" "$(q "SELECT count(DISTINCT zone_id) FROM premise")" 5
is "every premise has a New York ZIP code" \
    "$(q "SELECT count(*) FROM premise WHERE postcode !~ '^(10[0-4][0-9]{2}|11[0-6][0-9]{2})\$'")" 0
is "and a house number and street (or an industrial unit)" \
    "$(q "SELECT count(*) FROM premise WHERE address_line1 !~ '^([0-9]+ [A-Z0-9]|Unit [0-9]+, )'")" 0
is "Queens premises are in its neighbourhoods" \
    "$(q "SELECT count(*) > 0 AND bool_and(town <> 'New York') FROM premise p JOIN zone z ON z.id = p.zone_id WHERE z.code = 'QN'")" t
is "every phone number is +1 with a New York area code" \
    "$(q "SELECT count(*) FROM customer WHERE phone_e164 !~ '^\+1(212|646|332|917|718|347|929)[2-9][0-9]{6}\$'")" 0
is "phone numbers are unique" "$(q "SELECT count(*) = count(DISTINCT phone_e164) FROM customer")" t
is "no British e-mail domains" "$(q "SELECT count(*) FROM customer WHERE email ~ '\.uk\$'")" 0
is "Spanish is spoken" "$(q "SELECT count(*) > 0 FROM customer WHERE language = 'es'")" t
is "no dated British holidays; the federal ones by rule" \
    "$(q "SELECT (SELECT count(*) FROM holiday) || ' ' || (SELECT count(*) FROM careline_holidays(make_date(extract(year FROM current_date)::int, 1, 1), make_date(extract(year FROM current_date)::int, 12, 31)) WHERE name = 'Thanksgiving Day')")" \
    "0 1"
is "no Guaranteed Standards payments, nor their article" \
    "$(q "SELECT (SELECT count(*) FROM compensation_payment) || ' ' || (SELECT count(*) FROM kb_article WHERE 'gss' = ANY (tags))")" "0 0"
is "the active event's message gives New York times" \
    "$(q "SELECT agent_message LIKE '%since ' || to_char(started_at AT TIME ZONE 'America/New_York', 'HH24:MI') || '%' FROM critical_event WHERE status = 'active'")" t
is "and says where bottled water is" "$(q "SELECT agent_message ~ 'Borough Hall plaza' FROM critical_event WHERE status = 'active'")" t
is "open complaints in every SLA state" \
    "$(q "SELECT string_agg(DISTINCT sla_state, ',' ORDER BY sla_state) FROM complaint_sla")" \
    "breached_ack,breached_resolution,breached_response,due_soon,on_time,paused"
digest="SELECT md5(string_agg(concat_ws('|', c.id, c.account_no, c.name, c.phone_e164, c.email, c.language, p.address_line1, p.address_line2, p.town, p.postcode, z.code), ',' ORDER BY c.id, p.id)) FROM customer c JOIN customer_premise cp ON cp.customer_id = c.id JOIN premise p ON p.id = cp.premise_id JOIN zone z ON z.id = p.zone_id"
if [ "$same_day" = yes ]; then
    is "the same N and region give the same data" "$(q "$digest" "$NYC")" "$(q "$digest" "$NYC2")"
else
    skip "the same N and region give the same data" "the run crossed midnight in New York"
fi
like "seeding again is refused" "$(PGDATABASE=$NYC2 "$CARELINE" seed --customers 10 2>&1)" "already has customers"
is "and leaves the region as it was" "$(q "SELECT code FROM utility_region" "$NYC2")" us-nyc

# ---- search in New York ----------------------------------------------------------------------
q "INSERT INTO customer (id, account_no, name, segment, phone_e164) VALUES (990101, '4999010101', 'Nanp Test', 'residential_single', '+12125550134');
   INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
   VALUES (990101, 'RGN-1', '350 Xylophone Avenue', 'New York', '10001-1234', (SELECT id FROM zone WHERE code = 'MN'), 'flat');
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES (990101, 990101, current_date - 10);" >/dev/null
first() { "$CARELINE" search --csv "$1" 2>/dev/null | awk -F, 'NR == 2 { print $1 }'; }
for typed in "(212) 555-0134" "212-555-0134" "212.555.0134" "+1 212 555 0134" "1-212-555-0134" "2125550134" "011 1 212 555 0134"; do
    is "search \"$typed\" finds the number" "$(first "$typed")" 4999010101
done
like "four digits of it do too" "$("$CARELINE" search --csv 0134 2>/dev/null)" 4999010101
like "so do the digits after a 1 (\"1555\" is not a trunk prefix)" \
    "$(q "UPDATE customer SET phone_e164 = '+12125551555' WHERE id = 990101"; "$CARELINE" search --csv 1555 2>/dev/null)" 4999010101
is "a ZIP+4 finds its premise" "$(first 10001-1234)" 4999010101
zip=$("$CARELINE" search --csv 10001 2>/dev/null)
like "five digits find the ZIP+4 premise" "$zip" 4999010101
like "and the premises with the plain ZIP code" "$zip" "$(q "SELECT c.account_no FROM customer c JOIN customer_premise cp ON cp.customer_id = c.id JOIN premise p ON p.id = cp.premise_id WHERE p.postcode = '10001' ORDER BY c.id LIMIT 1")"
like "the table says ZIP CODE" "$("$CARELINE" search 10001 2>/dev/null | head -1)" "ZIP CODE"
like "an empty-handed search names ZIP codes" "$("$CARELINE" search ' ' 2>&1)" "ZIP code, address"
like "the customer view prints times in New York's zone" \
    "$("$CARELINE" view "$(q "SELECT c.account_no FROM customer c WHERE c.id = 1")" 2>/dev/null | grep '^events|')" \
    "\|$(q "SELECT to_char(started_at AT TIME ZONE 'America/New_York', 'Dy DD Mon HH24:MI') FROM critical_event WHERE status = 'active'")\|"

# An event by ZIP code: the premises whose postcode begins with it, ZIP+4 included.
ev() { "$CARELINE" event declare --kind supply_interruption --title "Main break" --restore +4h --read-out "Sorry" \
           --field area=Midtown --field "bottled_water_point=the firehouse" "$@" 2>&1; }
like "a ZIP code's first three digits reach every ZIP code in them" "$(ev --sector 100 --preview)" \
    "reach: $(q "SELECT count(DISTINCT cp.customer_id) FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id WHERE p.postcode LIKE '100%' AND cp.end_date IS NULL") customers"
like "a British sector is refused, saying how to write one here" "$(ev --sector 'LS6 2' --preview)" \
    '"LS6 2" is not a ZIP code sector: write it as a ZIP code \(10462\) or its first three digits \(104\)'
check "declared for ZIP code 10001" ev --sector 10001
is "the ZIP+4 premise's customer is in the event" \
    "$(q "SELECT count(*) FROM critical_event_customer ec JOIN critical_event e ON e.id = ec.event_id WHERE e.title = 'Main break' AND ec.customer_id = 990101")" 1
is "its customers who prefer texts get one on their +1 number" \
    "$(q "SELECT count(*) > 0 AND bool_and(m.address ~ '^\+1[2-9]') FROM notify_message m JOIN critical_event e ON e.id = m.event_id WHERE e.title = 'Main break' AND m.channel = 'sms'")" t
is "and nobody outside 10001" \
    "$(q "SELECT count(*) FROM critical_event_customer ec JOIN critical_event e ON e.id = ec.event_id JOIN premise p ON p.id = ec.premise_id WHERE e.title = 'Main break' AND p.postcode NOT LIKE '10001%'")" 0

# A British utility finds numbers from abroad by their own country code.
export PGDATABASE=$DB TEST_DB=$DB
q "INSERT INTO customer (id, account_no, name, segment, phone_e164) VALUES (990201, '4999020101', 'Abroad Test', 'residential_single', '+12125550199')" >/dev/null
is "Britain: \"+1 212 555 0199\" finds an American number" "$(first "+1 212 555 0199")" 4999020101
is "Britain: \"001 212 555 0199\" too" "$(first "001 212 555 0199")" 4999020101
tap_done
