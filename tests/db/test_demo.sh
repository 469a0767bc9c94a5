#!/usr/bin/env bash
# test_demo.sh — `make demo` (.ci/demo.sh, without a terminal): an agent and a supervisor login, each its own role with a staff row, printed with how to open Careline as the other; the shipped scripts loaded; its private cluster gone afterwards; REGION=us-nyc: the New York utility with a month of 311 requests imported, every row accounted for; bad REGION, DEMO_CUSTOMERS or DEMO_AS values refused with exit 2.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
chmod 711 "$T"   # the server runs as postgres and keeps its cluster in here
trap 'rm -rf "$T"' EXIT
# Its own throwaway cluster, as `make demo` starts one (not the tests' server).
out=$(TMPDIR=$T DEMO_CUSTOMERS=150 bash "$TOP/.ci/demo.sh" </dev/null 2>&1); rc=$?
is "the demo builds without a terminal and exits 0" "$rc" 0
like "it prints the agent login" "$out" "agent +careline_demo +careline_agent"
like "and the supervisor login" "$out" "supervisor +careline_demo_supervisor +careline_supervisor"
like "and how to open Careline as the supervisor in another terminal, with the server's socket and port" "$out" \
     "PGHOST=$T/careline-pg\\.[A-Za-z0-9]+/sock PGPORT=[0-9]+ PGDATABASE=careline PGUSER=careline_demo_supervisor [^ ]*/build/careline"
like "the agent login works, as an agent on the staff list" "$out" "login careline_demo: agent"
like "the supervisor login works, as a supervisor on the staff list" "$out" "login careline_demo_supervisor: supervisor"
like "the shipped scripts are loaded" "$out" "Recovery scripts: $(ls "$TOP"/conf/scripts/*.conf | wc -l) from conf/scripts loaded"
is "its cluster is removed when it ends" "$(ls "$T")" ""
like "the British utility when no region is named" "$out" "Generating demo data for 150 customers \\(gb-eng\\)"
unlike "and no 311 requests" "$out" "NYC 311"

# The New York demo: its utility, and a month of the city's 311 requests
# imported through `careline import nyc311`, every row accounted for.
out=$(TMPDIR=$T DEMO_CUSTOMERS=150 REGION=us-nyc bash "$TOP/.ci/demo.sh" </dev/null 2>&1); rc=$?
is "REGION=us-nyc builds too and exits 0" "$rc" 0
like "a New York utility" "$out" "seeded 150 customers \\(us-nyc\\)"
like "a month of 311 requests is imported" "$out" "nyc311-month\\.csv \\(NYC 311\\): 200 requests read"
skipped=$(printf '%s\n' "$out" | sed -n 's/^  skipped (other agencies) *\([0-9]*\).*/\1/p')
opened=$(printf '%s\n' "$out" | sed -n 's/^    complaints opened *\([0-9]*\).*/\1/p')
waiting=$(printf '%s\n' "$out" | sed -n 's/^    unmatched *\([0-9]*\).*/\1/p')
is "every row is accounted for: skipped, opened or waiting for an agent" "$((skipped + opened + waiting))" 200
is "DEP's requests are 9 in 10" "$skipped" 20
like "most of them become complaints" "$opened" '^1[0-9]{2}$'
like "some wait on the unmatched requests screen" "$waiting" '^[1-9][0-9]*$'
like "nothing is bad" "$out" "bad \\(not read\\) +0"
like "how to be the supervisor names the region" "$out" "DEMO_AS=supervisor make demo REGION=us-nyc"
is "its cluster is removed too" "$(ls "$T")" ""
for bad in fr-par '../seed' 'us-nyc gb-eng' ' '; do
    out=$(REGION=$bad bash "$TOP/.ci/demo.sh" </dev/null 2>&1); rc=$?
    is "REGION='$bad': exit 2" "$rc" 2
    unlike "before a database is started" "$out" "Demo database"
    like "naming the regions there are" "$out" "REGION must be one of: gb-eng us-nyc \\(not '$bad'\\)"
done
out=$(DEMO_CUSTOMERS=ten bash "$TOP/.ci/demo.sh" </dev/null 2>&1); rc=$?
is "DEMO_CUSTOMERS=ten: exit 2" "$rc" 2
like "saying what it wants" "$out" "DEMO_CUSTOMERS must be a whole number"
out=$(DEMO_AS=boss bash "$TOP/.ci/demo.sh" </dev/null 2>&1); rc=$?
is "DEMO_AS other than agent or supervisor: exit 2" "$rc" 2
like "saying so" "$out" "DEMO_AS must be agent or supervisor"
tap_done
