#!/usr/bin/env bash
# test_event_cli.sh — `careline event`: bad usage exits 2 naming the option, the screen's check refuses bad values, declare/update/close as a supervisor (idempotent, version-checked: exit 5), agents refused, list, show, templates.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/event_fixture.sh"
export TEST_DB=evcli_$$
createdb -T "$MIGRATED_TEMPLATE" "$TEST_DB" || { not_ok "copy the migrated template"; tap_done; exit 1; }
agent=ec_agent_$$; super=ec_super_$$
trap 'dropdb --if-exists "$TEST_DB"; q "DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1; q "DROP ROLE IF EXISTS $super" postgres >/dev/null 2>&1' EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor" postgres >/dev/null
event_fixture_load "$agent" "$super" || not_ok "load the fixture"
export PGDATABASE=$TEST_DB
ev() { PGUSER=$super "$CARELINE" event "$@" 2>&1; }
ev_as() { local who=$1; shift; PGUSER=$who "$CARELINE" event "$@" 2>&1; }
F=(--field area=Headingley --field "bottled_water_point=Asda car park")

# -- bad usage: exit 2, the option named, before any database -----------------------------------
usage() {   # usage NAME REGEX ARGS...
    local name=$1 re=$2; shift 2
    local out rc
    out=$(PGHOST=/nonexistent "$CARELINE" event "$@" 2>&1); rc=$?
    is "$name exits 2" "$rc" 2
    like "$name says why" "$out" "$re"
}
usage "no subcommand" "needs a subcommand" 
usage "an unknown subcommand" "unknown subcommand 'frob'" frob
usage "an unknown option" "unknown option '--frob'" list --frob
usage "an option of another subcommand" "list does not take --kind" list --kind boil_water
usage "a missing value" "--title needs a value" declare --kind boil_water --title
usage "update without its ID" "update needs the event ID" update --restore +1h
usage "list with an ID" "list takes no event ID" list abcdef
usage "two IDs" "takes one event ID, got also 'b'" show a b
usage "a bad --version" "--version wants the version" update abcdef --version x
usage "--version 0" "--version wants" close abcdef --version 0
usage "a bad --field" "--field wants NAME=VALUE" declare --kind boil_water --field nonsense
usage "a field given twice" "--field area is given twice" declare --kind boil_water --field area=a --field area=b
usage "a bad --id" "--id wants a UUID" declare --kind boil_water --id 123
usage "declare without --kind" "declare needs --kind" declare --title x
usage "cap with neither" "cap needs the event ID" cap
usage "both read-out options" "not both" declare --kind low_pressure --read-out a --read-out-file b

# -- the check: exit 2 naming the option ----------------------------------------------------------
check() {   # check NAME REGEX ARGS...
    local name=$1 re=$2; shift 2
    local out rc
    out=$(ev "$@"); rc=$?
    is "$name exits 2" "$rc" 2
    like "$name: the option and the reason" "$out" "$re"
}
check "an unknown kind" "declare --kind: choose the kind" declare --kind flood --title x --zone za --read-out r
check "no title" "declare --title: give the event a title" declare --kind supply_interruption --zone za --read-out r "${F[@]}"
check "no area" "declare --zone: name at least one zone or postcode sector" declare --kind supply_interruption --title T --read-out r "${F[@]}"
check "a bad sector" "--sector: \"LS62\" is not a postcode sector" declare --kind supply_interruption --title T --sector LS62 --read-out r "${F[@]}"
check "a bad restore time" "--restore: not a time: \"25:99\"" declare --kind supply_interruption --title T --zone za --restore 25:99 --read-out r "${F[@]}"
check "a restore before the start" "--restore: the estimated restore time must be after the start" declare --kind supply_interruption --title T --zone za --start +2h --restore +1h --read-out r "${F[@]}"
check "a missing field" "--field: fill in \\{bottled_water_point\\}" declare --kind supply_interruption --title T --zone za --restore +3h --read-out r --field area=x
check "a misspelt field" "--field: the message \"supply_interruption\" has no field \\{aera\\}" declare --kind supply_interruption --title T --zone za --restore +3h --read-out r "${F[@]}" --field aera=x
check "no read-out" "--read-out: write what agents read out" declare --kind supply_interruption --title T --zone za --restore +3h "${F[@]}"
out=$(ev declare --kind supply_interruption --title T --zone za --restore +3h --read-out r "${F[@]}" --template nope); rc=$?
is "an unknown template exits 2" "$rc" 2
like "and names it" "$out" '--template: no active message has the code "nope"'
out=$(ev declare --kind supply_interruption --title T --zone zq --restore +3h --read-out r "${F[@]}"); rc=$?
is "an unknown zone exits 2" "$rc" 2
like "naming the zone" "$out" 'declare --zone: no zone has the code "ZQ"'
is "nothing was declared by any of these" "$(q "SELECT count(*) FROM critical_event")" 0

# -- preview, declare ----------------------------------------------------------------------------
decl=(declare --kind supply_interruption --title "Burst main" --zone za --sector "ls6 3" --start -- --restore +3h)
decl=(declare --kind supply_interruption --title "Burst main" --zone za --sector "ls6 3" --restore +3h
      --read-out "Sorry: a burst main." "${F[@]}")
out=$(ev "${decl[@]}" --preview); rc=$?
is "--preview exits 0" "$rc" 0
like "it counts who would hear" "$out" 'reach: 5 customers, 1 on the Priority Services Register, 2 vulnerable, 1 non-digital'
like "by channel" "$out" 'by sms: 1'
like "and shows the message and its length" "$out" 'customer message: Careline: water supply in Headingley is interrupted.*message length: 1 SMS \(GSM-7'
is "--preview writes nothing" "$(q "SELECT count(*) FROM critical_event")" 0
out=$(ev_as "$agent" "${decl[@]}"); rc=$?
is "an agent cannot declare: exit 1" "$rc" 1
like "told why" "$out" '[Pp]ermission|not allowed|supervisor'
ID=00000000-0000-4000-8000-00000000c11a
out=$(ev "${decl[@]}" --id $ID); rc=$?
is "a supervisor declares: exit 0" "$rc" 0
is "it says so" "$out" "declared $ID version 1"
out=$(ev "${decl[@]}" --id $ID); rc=$?
is "the same declare again exits 0" "$rc" 0
like "and changes nothing" "$out" "already declared \\(nothing changed\\): $ID version 1"
is "one event, one revision" "$(q "SELECT count(*) FROM critical_event_revision")" 1
is "its message is the filled template" "$(q "SELECT customer_message FROM critical_event")" \
   "Careline: water supply in Headingley is interrupted. We expect it back by $(q "SELECT to_char(estimated_restore_at AT TIME ZONE careline_timezone(), 'HH24:MI') FROM critical_event"). Bottled water: Asda car park. Sorry for the trouble."
is "the sector normalised" "$(q "SELECT string_agg(sector, ',') FROM critical_event_sector")" "LS6 3"

# -- list, show, templates -------------------------------------------------------------------------
out=$(ev list); rc=$?
is "list exits 0" "$rc" 0
like "list shows the event" "$out" "${ID:0:8}  active  supply_interruption  updated [0-9]{2}:[0-9]{2}  v1 +Burst main  \\[Alpha, LS6 3\\]"
out=$(ev list --csv)
like "list --csv has a header and the full id" "$out" "^id,status,kind,title,area.*
$ID,active,supply_interruption,Burst main,\"Alpha, LS6 3\","
out=$(ev show "${ID:0:8}"); rc=$?
is "show takes the id's first characters" "$rc" 0
like "show has the reach" "$out" 'reach: 5 customers'
like "show has the revision" "$out" 'revision 1: declare at [0-9:]+ by '
out=$(ev show 00000000-dead); rc=$?
is "an unknown id exits 1" "$rc" 1
like "and says so" "$out" 'no event has the id "00000000-dead"'
out=$(ev show XYZ); rc=$?
is "a malformed id exits 2" "$rc" 2
like "saying what an id looks like" "$out" 'is not an event id'
out=$(ev templates); rc=$?
is "templates exits 0" "$rc" 0
like "templates lists each with its fields" "$out" 'boil_water \(boil_water, active\): fields area bottled_water_point'

# -- update ---------------------------------------------------------------------------------------
out=$(ev update "$ID"); rc=$?
is "an update that changes nothing exits 2" "$rc" 2
like "saying so" "$out" 'nothing to update'
out=$(ev update "$ID" --restore +6h --version 1 --request 00000000-0000-4000-8000-0000000000d1); rc=$?
is "update at the version seen exits 0" "$rc" 0
is "it says the new version" "$out" "updated $ID to version 2"
out=$(ev update "$ID" --restore +6h --version 1 --request 00000000-0000-4000-8000-0000000000d1); rc=$?
is "the same request again is the same update" "$out" "updated $ID to version 2"
out=$(ev update "$ID" --restore +7h --version 1); rc=$?
is "an update at an old version exits 5" "$rc" 5
like "saying someone else changed it" "$out" 'changed by someone else since version 1: nothing was written'
out=$(ev update "$ID" --zone zb --field "bottled_water_point=Leisure centre"); rc=$?
is "without --version it updates the current version" "$out" "updated $ID to version 3"
like "the stored fields are kept, the given one replaced" "$(q "SELECT customer_message FROM critical_event")" 'in Headingley .*Bottled water: Leisure centre\.'

# -- close ----------------------------------------------------------------------------------------
out=$(ev close "$ID" --at +2h); rc=$?
is "a close in the future exits 2" "$rc" 2
like "naming --at" "$out" 'close --at: that is in the future'
out=$(ev close "$ID" --root-cause nonsense); rc=$?
is "an unknown root cause exits 1" "$rc" 1
like "naming it" "$out" 'nonsense'
out=$(ev close "$ID" --root-cause infrastructure_asset.main_burst); rc=$?
is "close exits 0" "$rc" 0
like "it says the version and the payments" "$out" "^closed $ID at version 4; 0 guaranteed payments credited, 0.00 in all$"
is "the closing message" "$(q "SELECT customer_message FROM critical_event")" \
   "Careline: water supply in Headingley is back. If it looks cloudy or discoloured, run the cold kitchen tap until clear. Thank you for your patience."
out=$(ev close "$ID"); rc=$?
is "closing again exits 1" "$rc" 1
like "it has ended" "$out" 'has already ended'
out=$(ev update "$ID" --restore +1h); rc=$?
is "an ended event is not updated" "$rc" 1

tap_done
