#!/usr/bin/env bash
# test_event_cap.sh — `careline event cap`: each alert well-formed (xmllint) and valid against CAP 1.2's required subset (tests/db/cap/cap12-subset.xsd); Alert, then Update referencing every earlier version, Cancel on close; hostile text escaped; the --active feed.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/event_fixture.sh"
export TEST_DB=evcap_$$
createdb -T "$MIGRATED_TEMPLATE" "$TEST_DB" || { not_ok "copy the migrated template"; tap_done; exit 1; }
agent=ecap_agent_$$; super=ecap_super_$$
T=$(mktemp -d)
trap 'dropdb --if-exists "$TEST_DB"; rm -rf "$T"; q "DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1; q "DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1' EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
event_fixture_load "$agent" "$super" || not_ok "load the fixture"
export PGDATABASE=$TEST_DB
XSD=$TOP/tests/db/cap/cap12-subset.xsd
ev() { PGUSER=$super "$CARELINE" event "$@"; }
x() { xmllint --xpath "$2" "$1" 2>/dev/null; }       # x FILE XPATH
el() { x "$1" "string(//*[local-name()='$2'])"; }     # el FILE NAME: text of the first such element

valid() {   # valid NAME FILE: well-formed, and valid against the subset
    local out
    if out=$(xmllint --noout "$2" 2>&1); then ok "$1: well-formed"; else not_ok "$1: well-formed" "$out"; fi
    if out=$(xmllint --noout --schema "$XSD" "$2" 2>&1); then ok "$1: has every required element"
    else not_ok "$1: has every required element" "$out" "$(cat "$2")"; fi
}

# A title and read-out with everything XML must escape.
E=00000000-0000-4000-8000-00000000ca01
TITLE="Burst <main> & \"valve\" 'A1' ]]>"
ev declare --id $E --kind supply_interruption --title "$TITLE" --zone za --sector "LS6 3" --restore +4h \
   --read-out "Tell them: <b>no water</b> & sorry" --field "area=Hyde Park & <Woodhouse>" \
   --field "bottled_water_point=Asda" >/dev/null 2>&1 || not_ok "declare"
out=$(ev cap $E 2>&1 >"$T/v1.xml"); rc=$?
is "cap exits 0" "$rc" 0
is "and writes nothing to stderr" "$out" ""
valid "the first alert" "$T/v1.xml"
like "it starts with the XML declaration" "$(head -1 "$T/v1.xml")" '^<\?xml version="1.0" encoding="UTF-8"\?>$'
is "namespace CAP 1.2" "$(x "$T/v1.xml" "namespace-uri(/*)")" "urn:oasis:names:tc:emergency:cap:1.2"
is "msgType Alert" "$(el "$T/v1.xml" msgType)" Alert
is "no references yet" "$(x "$T/v1.xml" "count(//*[local-name()='references'])")" 0
is "the headline is the title, exactly, after escaping" "$(el "$T/v1.xml" headline)" "$TITLE"
is "the instruction is the customer message" "$(el "$T/v1.xml" instruction)" "$(q "SELECT customer_message FROM critical_event WHERE id = '$E'")"
is "the description is the read-out" "$(el "$T/v1.xml" description)" "Tell them: <b>no water</b> & sorry"
is "category, urgency, severity, certainty for an interruption" \
   "$(el "$T/v1.xml" category) $(el "$T/v1.xml" urgency) $(el "$T/v1.xml" severity) $(el "$T/v1.xml" certainty)" \
   "Infra Immediate Moderate Observed"
is "the sector is a geocode" "$(x "$T/v1.xml" "string(//*[local-name()='geocode'][*[local-name()='valueName']='postcode_sector']/*[local-name()='value'])")" "LS6 3"
is "so is the zone" "$(x "$T/v1.xml" "string(//*[local-name()='geocode'][*[local-name()='valueName']='supply_zone']/*[local-name()='value'])")" "ZA"
is "areaDesc names the zone and the sector" "$(el "$T/v1.xml" areaDesc)" "Alpha, LS6 3"
like "sent has a numeric offset, never Z" "$(el "$T/v1.xml" sent)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[-+][0-9]{2}:[0-9]{2}$'
unlike "no raw < or & from the text is left" "$(grep -v '^<?xml' "$T/v1.xml" | sed -e 's/<[/]*[a-zA-Z]*>//g; s/<alert xmlns="[^"]*">//; s/&amp;\|&lt;\|&gt;\|&quot;\|&apos;//g')" '[<&]'
id1=$(el "$T/v1.xml" identifier)
sent1=$(el "$T/v1.xml" sent)
sender=$(el "$T/v1.xml" sender)
is "the sender is the setting" "$sender" "alerts@careline.invalid"

# -- updates reference every earlier version -------------------------------------------------------
ev update $E --restore +6h >/dev/null 2>&1 || not_ok "update 1"
ev cap $E >"$T/v2.xml"
valid "the first update" "$T/v2.xml"
is "msgType Update" "$(el "$T/v2.xml" msgType)" Update
is "it references the alert: sender,identifier,sent" "$(el "$T/v2.xml" references)" "$sender,$id1,$sent1"
unlike "its own identifier is new" "$(el "$T/v2.xml" identifier)" "^$id1\$"
ev update $E --zone zb >/dev/null 2>&1 || not_ok "update 2"
ev cap $E >"$T/v3.xml"
valid "the second update" "$T/v3.xml"
is "it references both earlier versions" "$(el "$T/v3.xml" references | wc -w)" 2
like "the alert first" "$(el "$T/v3.xml" references)" "^$sender,$id1,"
is "the new zone is in the area" "$(x "$T/v3.xml" "count(//*[local-name()='geocode'][*[local-name()='valueName']='supply_zone'])")" 2

# -- the --active feed ------------------------------------------------------------------------------
E2=00000000-0000-4000-8000-00000000ca02
ev declare --id $E2 --kind boil_water --title "Boil notice" --sector "LS6 2" --restore +2d --read-out "Boil it" \
   --field area=Headingley --field "bottled_water_point=Asda" >/dev/null 2>&1 || not_ok "declare 2"
out=$(ev cap --active 2>&1 >"$T/feed.xml"); rc=$?
is "cap --active exits 0" "$rc" 0
if out=$(xmllint --noout "$T/feed.xml" 2>&1); then ok "the feed is well-formed"; else not_ok "the feed is well-formed" "$out"; fi
is "an Atom feed" "$(x "$T/feed.xml" "namespace-uri(/*)")" "http://www.w3.org/2005/Atom"
is "with one CAP alert per active event" "$(x "$T/feed.xml" "count(//*[local-name()='alert'][namespace-uri()='urn:oasis:names:tc:emergency:cap:1.2'])")" 2
for n in 1 2; do
    { echo '<?xml version="1.0" encoding="UTF-8"?>'; x "$T/feed.xml" "(//*[local-name()='alert'])[$n]"; } >"$T/feed$n.xml"
    valid "the feed's alert $n" "$T/feed$n.xml"
done
is "the boil notice is Health, Severe" "$(el "$T/feed.xml" category)$(x "$T/feed.xml" "string((//*[local-name()='category'])[2])")" "HealthInfra"

# -- close: Cancel ------------------------------------------------------------------------------------
ev close $E >/dev/null 2>&1 || not_ok "close"
ev cap $E >"$T/v4.xml"
valid "the cancel" "$T/v4.xml"
is "msgType Cancel" "$(el "$T/v4.xml" msgType)" Cancel
is "it references all three earlier versions" "$(el "$T/v4.xml" references | wc -w)" 3
is "urgency Past" "$(el "$T/v4.xml" urgency)" Past
ev cap --active >"$T/feed2.xml"
is "the closed event leaves the feed" "$(x "$T/feed2.xml" "count(//*[local-name()='alert'])")" 1

# -- text no XML can carry ------------------------------------------------------------------------------
q "UPDATE critical_event SET title = E'Bell\\x07 and \\x01 escape\\x1b[2J', agent_message = E'tab\\there'
   WHERE id = '$E2'" >/dev/null
ev cap $E2 >"$T/ctl.xml"
valid "an alert with control characters in its text" "$T/ctl.xml"
is "they become U+FFFD" "$(el "$T/ctl.xml" headline)" "Bell� and � escape�[2J"
q "UPDATE app_setting SET value = 'bad sender, <with> & spaces' WHERE key = 'cap_sender'" >/dev/null
ev cap $E2 >"$T/sender.xml"
valid "a sender setting with forbidden characters" "$T/sender.xml"
is "loses them" "$(el "$T/sender.xml" sender)" "badsenderwithspaces"

out=$(ev cap 00000000-0000-4000-8000-00000000ffff 2>&1); rc=$?
is "an unknown event exits 1" "$rc" 1
tap_done
