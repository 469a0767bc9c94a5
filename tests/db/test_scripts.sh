#!/usr/bin/env bash
# test_scripts.sh — recovery scripts in the database: the shipped files load, an unchanged reload adds nothing, a change makes a new version, a bad file stores nothing (file:line), the seed stores exactly the shipped files, the most specific script fits a complaint, a recorded run and its answers replayed give one row each, a credit step makes one credit.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
DB=careline_scripts_$$
SEEDED=careline_scripts_seeded_$$
ADMIN=t_sadmin_$$ AGENT=t_sagent_$$       # roles are cluster wide: unique per run
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1
    dropdb --if-exists "$SEEDED" >/dev/null 2>&1
    for r in "$ADMIN" "$AGENT"; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
    rm -rf "$T"
}
trap cleanup EXIT
createdb -T "$MIGRATED_TEMPLATE" "$DB" || { not_ok "copy of the migrated template"; tap_done; exit 1; }
export TEST_DB=$DB
q "CREATE ROLE $ADMIN LOGIN IN ROLE careline_admin; CREATE ROLE $AGENT LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, team, group_role)
   VALUES ('$ADMIN', 'Sam Admin', 'Systems', 'admin'), ('$AGENT', 'Alex Agent', 'Care', 'agent')" >/dev/null
as_admin() { PGDATABASE=$DB PGUSER=$ADMIN "$CARELINE" "$@"; }
as_agent() { PGDATABASE=$DB PGUSER=$AGENT "$CARELINE" "$@"; }
SCRIPTS=("$TOP"/conf/scripts/*.conf)
N=${#SCRIPTS[@]}
versions() { q "SELECT string_agg(version || ':' || active, ' ' ORDER BY version) FROM recovery_script WHERE code = '$1'"; }

# ---- the shipped files ------------------------------------------------------------------------
for code in high_bill estimated_bill no_water no_water_event low_pressure discoloured_water taste_odour \
            sewer_flooding missed_appointment staff_conduct general; do
    f=$TOP/conf/scripts/$code.conf
    if [ -f "$f" ] && grep -q "code = \"$code\";" "$f" && grep -q 'kind = "end"' "$f" &&
       grep -q 'action = "follow_up"' "$f" && grep -q 'when = { vulnerable = true; }' "$f"; then
        ok "$code.conf is shipped, with a step for vulnerable customers, a follow-up and an end"
    else
        not_ok "$code.conf is shipped, with a step for vulnerable customers, a follow-up and an end"
    fi
done
out=$(PGHOST=$T PGPORT=1 "$CARELINE" scripts check "${SCRIPTS[@]}" 2>&1); rc=$?
is "scripts check passes every shipped file, with no database" "$rc" 0
is "one ok line per file" "$(printf '%s\n' "$out" | grep -c ': ok: ')" "$N"

# ---- load, reload, change ------------------------------------------------------------------------
out=$(as_admin scripts load "${SCRIPTS[@]}" 2>&1); rc=$?
is "an admin loads every shipped script" "$rc" 0
is "each becomes version 1" "$(printf '%s\n' "$out" | grep -c ': version 1 loaded from ')" "$N"
is "one active version per file" "$(q "SELECT count(*) FROM recovery_script WHERE active")" "$N"
is "recorded as loaded by the admin" "$(q "SELECT DISTINCT loaded_by FROM recovery_script")" "$ADMIN"
hb="FROM script_step t JOIN recovery_script s ON s.id = t.script_id WHERE s.code = 'high_bill'"
is "steps are stored in file order" \
   "$(q "SELECT min(step_no) || ' ' || count(*) || ' ' || (array_agg(step_key ORDER BY step_no))[1] || ' '
            || (array_agg(step_key ORDER BY step_no DESC))[1] $hb")" "1 15 acknowledge close"
is "answers and their branches are stored as jsonb" \
   "$(q "SELECT jsonb_path_query_array(options, '\$.answers[*].next')::text $hb AND step_key = 'reading_type'")" \
   '["ask_reading", "usage_change"]'
is "conditions are stored as jsonb" "$(q "SELECT condition::text $hb AND step_key = 'support'")" '{"vulnerable": true}'
is "actions with their settings" \
   "$(q "SELECT action_kind || ' ' || (options ->> 'amount') $hb AND step_key = 'goodwill'")" "goodwill_credit 25.00"
is "follow-up days and channel" \
   "$(q "SELECT options ->> 'days' || ' ' || (options ->> 'channel') $hb AND step_key = 'follow_up'")" "10 preferred"
is "the source is the file's text" "$(q "SELECT source FROM recovery_script WHERE code = 'high_bill'")" \
   "$(cat "$TOP/conf/scripts/high_bill.conf")"
is "\"*\" is stored as no categories (every category)" \
   "$(q "SELECT cardinality(categories) FROM recovery_script WHERE code = 'general'")" 0
is "applies_when is stored" \
   "$(q "SELECT string_agg(code || '=' || requires_event, ' ' ORDER BY code) FROM recovery_script WHERE requires_event IS NOT NULL")" \
   "no_water=false no_water_event=true"

out=$(as_admin scripts load "${SCRIPTS[@]}" 2>&1); rc=$?
is "reloading unchanged files exits 0" "$rc" 0
is "and says each is unchanged" "$(printf '%s\n' "$out" | grep -c ': unchanged (version 1)')" "$N"
is "and adds no version" "$(q "SELECT count(*) FROM recovery_script")" "$N"

sed 's/worrying, and I want/worrying, and I really want/' "$TOP/conf/scripts/high_bill.conf" >"$T/high_bill.conf"
out=$(as_admin scripts load "$T/high_bill.conf" 2>&1); rc=$?
is "a changed file loads" "$rc" 0
like "as version 2" "$out" "^high_bill: version 2 loaded from $T/high_bill.conf"
is "version 1 is now inactive, version 2 active" "$(versions high_bill)" "1:false 2:true"
is "version 2 has its own steps" "$(q "SELECT count(*) $hb AND s.version = 2")" 15
like "with the new text" "$(q "SELECT text $hb AND s.version = 2 AND step_key = 'apology'")" "I really want"
like "version 1 keeps the old text" "$(q "SELECT text $hb AND s.version = 1 AND step_key = 'apology'")" "and I want"
out=$(as_admin scripts load "$TOP/conf/scripts/high_bill.conf" 2>&1)
like "going back to the old file is a new version again" "$out" "^high_bill: version 3 loaded"
is "only the newest is active" "$(versions high_bill)" "1:false 2:false 3:true"

# ---- bad files: every problem with file:line, nothing stored -------------------------------------
cat >"$T/broken.conf" <<'EOF'
code = "broken";
name = "Broken";
categories = [ "billing.high_bill", "billing.nope" ];
steps = (
  { key = "a"; kind = "sing"; text = "Hi"; },
  { key = "b"; kind = "say"; text = "Hello {nme}"; next = "zz"; },
  { key = "c"; kind = "end"; text = "Bye"; }
);
EOF
sed 's/thank you for telling us about it\./thank you so much for telling us./' "$TOP/conf/scripts/general.conf" >"$T/general.conf"
is "the changed copy differs" "$(cmp -s "$TOP/conf/scripts/general.conf" "$T/general.conf" && echo same)" ""
before=$(q "SELECT count(*) FROM recovery_script")
out=$(as_admin scripts load "$T/general.conf" "$T/broken.conf" 2>&1); rc=$?
is "a bad file among good ones: exit 2" "$rc" 2
like "unknown category, with file:line" "$out" "$T/broken.conf:3: unknown category 'billing.nope'"
like "unknown step kind, with file:line" "$out" "$T/broken.conf:5: step 'a': unknown step kind 'sing'"
like "unknown placeholder, with file:line" "$out" "$T/broken.conf:6: unknown placeholder \\{nme\\}"
like "dangling next, with file:line" "$out" "$T/broken.conf:6: step 'b': next = \"zz\" but no step has that key"
like "unreachable step, with file:line" "$out" "$T/broken.conf:7: step 'c' cannot be reached"
like "and says nothing was stored" "$out" "1 of 2 file\\(s\\) not valid: nothing stored"
is "nothing was stored, not even the good file" "$(q "SELECT count(*) FROM recovery_script")" "$before"
is "general is still at version 1" "$(versions general)" "1:true"
out=$(PGHOST=$T PGPORT=1 "$CARELINE" scripts check "$T/broken.conf" 2>&1); rc=$?
is "scripts check on the bad file: exit 2 without a database" "$rc" 2
like "the same file:line reasons" "$out" "$T/broken.conf:5: step 'a': unknown step kind 'sing'"
unlike "categories need the database to be checked" "$out" "billing.nope"
cp "$TOP/conf/scripts/high_bill.conf" "$T/copy.conf"
out=$(as_admin scripts load "$TOP/conf/scripts/high_bill.conf" "$T/copy.conf" 2>&1); rc=$?
is "two files with one code: exit 2" "$rc" 2
like "named with file:line" "$out" "$T/copy.conf:[0-9]+: script code 'high_bill' is also the code of"
out=$(as_admin scripts load "$T/missing.conf" 2>&1); rc=$?
is "a missing file: exit 2" "$rc" 2
like "named" "$out" "$T/missing.conf:0: cannot read"
out=$(as_agent scripts load "$T/general.conf" 2>&1); rc=$?
is "an agent may not load scripts" "$rc" 1
like "the database says so" "$out" "permission denied"
is "and nothing changed" "$(versions general)" "1:true"

# ---- the command line --------------------------------------------------------------------------------
for args in "scripts" "scripts frob" "scripts load" "scripts check" "scripts list x" "scripts try" \
            "scripts try T-1 --record not-a-uuid" "scripts load --force x.conf"; do
    # shellcheck disable=SC2086
    out=$(PGDATABASE=$DB "$CARELINE" $args 2>&1); rc=$?
    is "'careline $args' is a usage error (exit 2)" "$rc" 2
done
out=$(as_admin scripts list 2>&1); rc=$?
is "scripts list exits 0" "$rc" 0
like "with a header" "$out" "^CODE +VERSION +ACTIVE +NAME +CATEGORIES"
like "every version, its state, name and categories" "$out" \
     "high_bill +1 +no +High or unexpected bill +billing.high_bill.*high_bill +3 +yes"
like "\"*\" for every category" "$out" "general +1 +yes +General service recovery +\\*"

# ---- the demo seed stores the shipped files, as `scripts load` does --------------------------------
if createdb -T "$SEEDED_TEMPLATE" "$SEEDED" 2>/dev/null; then
    is "the seed stored one active version 1 of every shipped script, nothing else" \
       "$(q "SELECT count(*) || ' ' || bool_and(active AND version = 1) FROM recovery_script" "$SEEDED")" "$N true"
    same=0
    for f in "${SCRIPTS[@]}"; do
        code=$(sed -n 's/^code = "\([a-z_0-9]*\)";.*/\1/p' "$f")
        [ "$(q "SELECT source FROM recovery_script WHERE code = '$code'" "$SEEDED")" = "$(cat "$f")" ] && same=$((same + 1))
    done
    is "each seeded script's text is its shipped file's" "$same" "$N"
    is "with the steps the files give (high_bill: 15)" \
       "$(q "SELECT count(*) FROM script_step t JOIN recovery_script s ON s.id = t.script_id WHERE s.code = 'high_bill'" "$SEEDED")" 15
    out=$(PGDATABASE=$SEEDED "$CARELINE" scripts load "${SCRIPTS[@]}" 2>&1); rc=$?
    is "loading the shipped files over the seed exits 0" "$rc" 0
    is "and finds every one unchanged" "$(printf '%s\n' "$out" | grep -c ': unchanged (version 1) from ')" "$N"
else
    not_ok "copy of the seeded template"
fi

# ---- a credit step makes the credit --------------------------------------------------------------------
cat >"$T/credit_answers.conf" <<'EOF'
code = "credit_answers";
name = "Credit with answers";
categories = [ "billing" ];
steps = (
  { key = "credit"; kind = "action"; action = "goodwill_credit"; amount = 10; text = "Offer 10 pounds.";
    answers = ( { label = "Credit offered"; value = "offered"; }, { label = "Not needed"; value = "no"; } ); },
  { key = "bye"; kind = "end"; text = "Bye."; }
);
EOF
out=$(PGHOST=$T PGPORT=1 "$CARELINE" scripts check "$T/credit_answers.conf" 2>&1); rc=$?
is "a credit step with answers (\"Credit offered\" moves no money) is refused: exit 2" "$rc" 2
like "with file:line" "$out" "$T/credit_answers.conf:6: step 'credit': a goodwill_credit step takes no answers"

# ---- which script fits a complaint -------------------------------------------------------------------
# Two zones, one under an active incident; customers plain, vulnerable and
# non-digital Welsh-speaking; extra scripts to rank against the shipped ones.
check "fixtures load" psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "
INSERT INTO zone (code, name, region) VALUES ('SEV', 'Incident zone', 'england'), ('SPL', 'Quiet zone', 'england');
INSERT INTO customer (id, account_no, title, first_name, last_name, name, segment, vulnerability,
                      priority_services, non_digital, language, preferred_channel) VALUES
    (880001, '4880000001', 'Ms', 'Ada', 'Event', 'Ada Event', 'residential_single', '{}', false, false, 'en', 'sms'),
    (880002, '4880000002', 'Mr', 'Ben', 'Plain', 'Ben Plain', 'residential_single', '{}', false, false, 'en', 'phone'),
    (880003, '4880000003', 'Mrs', 'Cara', 'Care', 'Cara Care', 'senior', '{medical_water}', true, false, 'en', 'phone'),
    (880004, '4880000004', 'Mr', NULL, 'Nodigital', 'D Nodigital', 'residential_single', '{}', false, true, 'cy', 'letter');
INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
SELECT 880000 + i, 'SCR-' || i, i || ' Burst Lane', 'Testbury', 'ZZ1 1ZZ',
       (SELECT id FROM zone WHERE code = CASE WHEN i = 1 THEN 'SEV' ELSE 'SPL' END), 'house'
  FROM generate_series(1, 4) i;
INSERT INTO customer_premise (customer_id, premise_id, start_date)
SELECT 880000 + i, 880000 + i, date '2020-01-01' FROM generate_series(1, 4) i;
INSERT INTO critical_event (id, kind, title, agent_message, estimated_restore_at)
VALUES ('00000000-0000-4000-8000-0000000000f1', 'supply_interruption', 'Burst main on Burst Lane',
        'A main has burst and our crews are on site.', timestamptz '2030-01-01 18:00+00');
INSERT INTO critical_event_zone (event_id, zone_id) SELECT '00000000-0000-4000-8000-0000000000f1', id FROM zone WHERE code = 'SEV';
INSERT INTO complaint (reference, customer_id, premise_id, category_id, channel, description)
SELECT v.ref, v.cust, v.cust, (SELECT id FROM complaint_category WHERE code = v.cat), 'phone', 'Test complaint'
  FROM (VALUES ('T-EVENT', 880001, 'supply.interruption'), ('T-NOEVENT', 880002, 'supply.interruption'),
               ('T-VULN', 880003, 'supply.interruption'), ('T-WELSH', 880004, 'supply.interruption'),
               ('T-LOWP-EV', 880001, 'supply.low_pressure'), ('T-LOWP', 880002, 'supply.low_pressure'),
               ('T-BILL', 880002, 'billing.high_bill'), ('T-BILL-VULN', 880003, 'billing.high_bill'),
               ('T-DISPUTE', 880002, 'billing.charges_dispute'), ('T-HARD', 880002, 'quality.hardness'))
       AS v(ref, cust, cat);"
cat >"$T/extra.conf" <<'EOF'
code = "billing_any";
name = "Any billing complaint";
categories = [ "billing" ];
steps = ( { key = "hi"; kind = "say"; text = "Hello."; }, { key = "bye"; kind = "end"; text = "Bye."; } );
EOF
cat >"$T/extra2.conf" <<'EOF'
code = "high_bill_support";
name = "High bill, customer with support needs";
categories = [ "billing.high_bill" ];
applies_when = { requires_vulnerability = true; };
steps = ( { key = "hi"; kind = "say"; text = "Hello."; }, { key = "bye"; kind = "end"; text = "Bye."; } );
EOF
cat >"$T/extra3.conf" <<'EOF'
code = "supply_welsh";
name = "Any supply complaint, in Welsh";
categories = [ "supply" ];
applies_when = { language = "cy"; };
steps = ( { key = "hi"; kind = "say"; text = "Helo."; }, { key = "bye"; kind = "end"; text = "Hwyl."; } );
EOF
check "extra scripts to rank against load" as_admin scripts load "$T/extra.conf" "$T/extra2.conf" "$T/extra3.conf"
fits() { as_admin scripts try "$1" 2>&1 | head -1; }
like "no water with an incident: the incident script" "$(fits T-EVENT)" "^script no_water_event version 1:"
like "no water without one: the other" "$(fits T-NOEVENT)" "^script no_water version 1:"
like "low pressure with an incident: the incident script" "$(fits T-LOWP-EV)" "^script no_water_event version 1:"
like "low pressure without: its own script" "$(fits T-LOWP)" "^script low_pressure version 1:"
like "high bill: the newest active version" "$(fits T-BILL)" "^script high_bill version 3:"
like "same category, more conditions met: the more specific" "$(fits T-BILL-VULN)" "^script high_bill_support version 1:"
like "a parent category beats \"*\"" "$(fits T-DISPUTE)" "^script billing_any version 1:"
like "no specific script: the general one" "$(fits T-HARD)" "^script general version 1:"
like "a nearer category beats more conditions" "$(fits T-WELSH)" "^script no_water version 1:"
sector_event() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "$1" >/dev/null; }
sector_event "INSERT INTO critical_event (id, kind, title, agent_message)
              VALUES ('00000000-0000-4000-8000-0000000000f2', 'low_pressure', 'Sector only', 'Low pressure in ZZ1 1.');
              INSERT INTO critical_event_sector (event_id, sector) VALUES ('00000000-0000-4000-8000-0000000000f2', 'ZZ1 1')"
like "an incident by postcode sector alone (no zone) counts too" "$(fits T-NOEVENT)" "^script no_water_event version 1:"
sector_event "UPDATE critical_event SET status = 'ended', ended_at = greatest(now(), started_at)
              WHERE id = '00000000-0000-4000-8000-0000000000f2'"
like "once it has ended, the plain script again" "$(fits T-NOEVENT)" "^script no_water version 1:"

# ---- what the agent sees: placeholders and conditional steps --------------------------------------
out=$(as_agent scripts try T-EVENT 2>&1)
like "the situation is shown" "$out" "incident yes, language en"
like "the event's title fills {event_title}" "$out" "affected by an incident we're already working on: Burst main on Burst Lane\\."
like "its approved words fill {event_message}" "$out" "word for word: A main has burst and our crews are on site\\."
like "the restore estimate in the utility's time zone" "$out" "back to normal by 18:00 on Tuesday 1 January\\."
like "the agent's own name" "$out" "My name is Alex Agent\\."
like "the customer's first name" "$out" "Thank you for calling, Ada\\."
unlike "no bottled-water check for a customer without support needs" "$out" "bottled_water \\[check\\]"
out=$(as_agent scripts try T-VULN 2>&1)
like "the bottled-water check for a vulnerable customer" "$out" \
     "bottled_water \\[check\\] This customer has support needs \\(medical water, Priority Services Register\\)"
# The steps that promise a Guaranteed Standards payment are for a region that pays one.
pays_step='standard \[say\] .*Guaranteed Standards Scheme'
like "the Guaranteed Standards payment is promised where the scheme applies" "$(as_agent scripts try T-EVENT same 2>&1)" "$pays_step"
q "UPDATE utility_region SET compensation_scheme = 'none'" >/dev/null
unlike "and passed over under the compensation scheme 'none'" "$(as_agent scripts try T-EVENT same 2>&1)" "$pays_step"
q "UPDATE utility_region SET compensation_scheme = 'uk_gss'" >/dev/null
out=$(PGDATABASE=$DB "$CARELINE" scripts try T-WELSH 2>&1)
like "title and surname without a first name" "$out" "Thank you for calling, Mr Nodigital\\."
like "a role that is not staff: a visible marker for the name" "$out" "My name is \\[your name\\]\\."
out=$(as_agent scripts try T-NOEVENT yes open 2>&1); rc=$?
is "a walk that runs out of answers exits 0" "$rc" 0
like "and says where it waits" "$out" "waiting for an answer at step 'pipes'$"
out=$(as_agent scripts try T-NOEVENT maybe 2>&1); rc=$?
is "an answer that is not an option: exit 1" "$rc" 1
like "with the reason" "$out" "step 'neighbours', answer 'maybe': Choose one of the answers listed"
out=$(as_agent scripts try T-NOPE 2>&1); rc=$?
is "an unknown reference: exit 1" "$rc" 1
like "named" "$out" "no complaint with reference T-NOPE"

# ---- recording a run: replays give one row each --------------------------------------------------
run=$(q "SELECT gen_random_uuid()")
out=$(as_agent scripts try T-NOEVENT --record "$run" yes open no 2>&1); rc=$?
is "an agent records a whole run" "$rc" 0
like "to the end" "$out" "finished$"
runs() { q "SELECT count(*) FROM complaint_script_run WHERE id = '$run'"; }
answers() { q "SELECT count(*) FROM script_answer WHERE run_id = '$run'"; }
history() { q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id
               WHERE k.reference = 'T-NOEVENT' AND h.kind = 'script'"; }
is "one run" "$(runs)" 1
is "one answer per step walked" "$(answers)" 9
is "started and finished in the complaint's history" "$(history)" 2
is "the run points at the version followed, by this agent, finished" \
   "$(q "SELECT s.code || s.version || ' ' || st.login_role || ' ' || r.outcome FROM complaint_script_run r
         JOIN recovery_script s ON s.id = r.script_id JOIN staff st ON st.id = r.staff_id WHERE r.id = '$run'")" \
   "no_water1 $AGENT completed"
as_agent scripts try T-NOEVENT --record "$run" yes open no >/dev/null 2>&1
is "replayed: still one run" "$(runs)" 1
is "replayed: still one answer per step" "$(answers)" 9
is "replayed: no new history" "$(history)" 2
out=$(as_agent scripts try --record "$run" T-NOEVENT no 2>&1); rc=$?
is "answering differently on the same run" "$rc" 0
is "still one row per step" "$(answers)" 9
is "the answer is replaced" \
   "$(q "SELECT a.answer FROM script_answer a JOIN script_step t ON t.id = a.step_id
         WHERE a.run_id = '$run' AND t.step_key = 'neighbours'")" "no"
# The high-bill path through its credit step (the file suggests 25 pounds).
credits() { q "SELECT count(*) || ' ' || coalesce(string_agg(g.amount || ' ' || g.status, ',' ORDER BY g.amount), '')
               FROM goodwill_credit g JOIN complaint k ON k.id = g.complaint_id WHERE k.reference = '$1'"; }
bal_bill=$(q "SELECT balance FROM customer WHERE id = 880002")
crun=$(q "SELECT gen_random_uuid()")
out=$(as_agent scripts try T-BILL --record "$crun" estimated lower no 2>&1); rc=$?
is "a recorded walk through the credit step exits 0" "$rc" 0
like "and says what became of the credit" "$out" "and say why\\.[[:space:]]+credit 25\\.00: applied"
is "the credit step made exactly one credit, of the suggested amount, applied" "$(credits T-BILL)" "1 25.00 applied"
is "for the run's customer: the balance is 25 lower" "$(q "SELECT balance FROM customer WHERE id = 880002")" \
   "$(q "SELECT $bal_bill - 25")"
is "named after the script and step" "$(q "SELECT reason FROM goodwill_credit g JOIN complaint k ON k.id = g.complaint_id
                                           WHERE k.reference = 'T-BILL'")" "Recovery script high_bill version 3, step goodwill"
as_agent scripts try T-BILL --record "$crun" estimated lower no >/dev/null 2>&1
is "replayed: still exactly one credit" "$(credits T-BILL)" "1 25.00 applied"
out=$(as_agent scripts try T-BILL --record "$crun" estimated lower credit:40 no 2>&1)
like "the same step again with another amount" "$out" "credit 40.00: applied"
is "keeps the one credit already made" "$(credits T-BILL)" "1 25.00 applied"
crun2=$(q "SELECT gen_random_uuid()")
out=$(as_agent scripts try T-BILL --record "$crun2" estimated lower credit:12.5 no 2>&1)
is "another run: its own credit, of the amount given" "$(credits T-BILL)" "2 12.50 applied,25.00 applied"
q "INSERT INTO complaint (reference, customer_id, premise_id, category_id, channel, description)
   VALUES ('T-EST', 880002, 880002, (SELECT id FROM complaint_category WHERE code = 'billing.estimated_bill'), 'phone', 'x')" >/dev/null
crun3=$(q "SELECT gen_random_uuid()")
out=$(as_agent scripts try T-EST --record "$crun3" cannot easy yes "skip:not our fault" 2>&1)
is "a credit step skipped with a reason makes no credit" "$(credits T-EST)" "0 "
is "the skip is recorded" "$(q "SELECT a.skipped_reason FROM script_answer a JOIN script_step t ON t.id = a.step_id
                               WHERE a.run_id = '$crun3' AND t.step_key = 'goodwill'")" "not our fault"
out=$(as_agent scripts try T-BILL estimated lower credit:nope 2>&1); rc=$?
is "an amount that is not one: exit 1" "$rc" 1
like "with the reason" "$out" "answer 'credit:nope': not an amount"
out=$(as_agent scripts try T-BILL estimated lower no 2>&1)
like "without --record nothing is made, and it says so" "$out" "credit 25.00 offered \\(not recorded"
is "so still two credits" "$(credits T-BILL)" "2 12.50 applied,25.00 applied"

run2=$(q "SELECT gen_random_uuid()")
out=$(as_agent scripts try T-NOEVENT --record "$run2" "skip:customer had to go" 2>&1)
is "a skip is recorded with its reason" \
   "$(q "SELECT t.step_key || ': ' || a.skipped_reason || ' / ' || coalesce(a.answer, 'no answer')
         FROM script_answer a JOIN script_step t ON t.id = a.step_id
         WHERE a.run_id = '$run2' AND t.step_key = 'acknowledge'")" \
   "acknowledge: customer had to go / no answer"

tap_done
