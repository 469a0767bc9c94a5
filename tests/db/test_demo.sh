#!/usr/bin/env bash
# test_demo.sh — `make demo` (.ci/demo.sh, without a terminal): an agent and a supervisor login, each its own role with a staff row, printed with how to open Careline as the other; the shipped scripts loaded; its private cluster gone afterwards.
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
out=$(DEMO_AS=boss bash "$TOP/.ci/demo.sh" </dev/null 2>&1); rc=$?
is "DEMO_AS other than agent or supervisor: exit 2" "$rc" 2
like "saying so" "$out" "DEMO_AS must be agent or supervisor"
tap_done
