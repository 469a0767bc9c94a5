#!/usr/bin/env bash
# test_feedback.sh — improvement actions (who may record them, personal data refused, versions) and `careline report feedback`: a month's summary in Markdown and CSV with volumes, satisfaction, the top root causes and their actions, and no customer or staff member in it.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
DB=careline_feedback_$$
super=fb_super_$$ agent=fb_agent_$$
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1
    q "DROP ROLE IF EXISTS $super; DROP ROLE IF EXISTS $agent" postgres >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
createdb -T "$SEEDED_TEMPLATE" "$DB" || { not_ok "copy of the seeded template"; tap_done; exit 1; }
export PGDATABASE=$DB TEST_DB=$DB
q "CREATE ROLE $super LOGIN IN ROLE careline_supervisor; CREATE ROLE $agent LOGIN IN ROLE careline_agent" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, team, group_role)
   VALUES ('$super', 'Sally Supervisor', 'Billing', 'supervisor'), ('$agent', 'Andy Agent', 'Billing', 'agent')" >/dev/null
as() { local who=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -At -U "$who" -c "$1" 2>&1; }
cause=$(q "SELECT id FROM root_cause WHERE code = 'process.estimation'")

# ---- recording an action ---------------------------------------------------------------
id=$(q "SELECT gen_random_uuid()")
out=$(as "$super" "INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on)
                   VALUES ('$id', $cause, 'Meter readers now visit twice a year', careline_today())
                   RETURNING version, recorded_by = current_staff_id()")
is "a supervisor records an action; the database names who recorded it" "$out" "1|t"
out=$(as "$agent" "INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on)
                   VALUES (gen_random_uuid(), $cause, 'x', careline_today())")
like "an agent may not" "$out" "permission denied"
for bad in "Called 07700 900123 to confirm" "Customer +44 7700 900123 agreed" "Wrote to cora@example.org" \
           "Account 4800000001 corrected"; do
    out=$(as "$super" "INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on)
                       VALUES (gen_random_uuid(), $cause, '$bad', careline_today())")
    like "refused, it is published: '$bad'" "$out" "published as written: it must not contain (a phone number|an e-mail address|an account number)"
done
out=$(as "$super" "INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on)
                   VALUES (gen_random_uuid(), $cause, '   ', careline_today())")
like "an empty text is refused" "$out" "violates check constraint"
out=$(as "$super" "INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on)
                   VALUES (gen_random_uuid(), $cause, 'Fine text', date '1999-12-31')")
like "an implausible date is refused" "$out" "not plausible"
out=$(as "$super" "UPDATE improvement_action SET what_changed = 'Meter readers visit twice a year, from April'
                   WHERE id = '$id' AND version = 1 RETURNING version")
is "an edit at the version seen bumps it" "$out" 2
out=$(as "$super" "UPDATE improvement_action SET what_changed = 'stale' WHERE id = '$id' AND version = 1 RETURNING version")
is "an edit at a stale version changes nothing" "$out" ""
is "the audit log has the action's changes" "$(q "SELECT count(*) FROM audit_log WHERE entity = 'improvement_action' AND entity_id = '$id'")" 2

# ---- the published summary --------------------------------------------------------------
month=$(q "SELECT to_char(careline_today(), 'YYYY-MM')")
# A resolved complaint this month whose cause has a Markdown-looking action.
q "UPDATE complaint SET root_cause_id = $cause WHERE id IN (SELECT id FROM complaint WHERE status IN ('resolved','closed')
     AND merged_into IS NULL ORDER BY resolved_at DESC LIMIT 3)" >/dev/null
q "UPDATE complaint SET resolved_at = now() WHERE root_cause_id = $cause AND resolved_at < now()
     AND id IN (SELECT id FROM complaint WHERE root_cause_id = $cause ORDER BY resolved_at DESC LIMIT 3)" >/dev/null
as "$super" "INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on)
             VALUES (gen_random_uuid(), $cause, E'# Not a heading *bold* [link](x) \\x1b[2J', careline_today())" >/dev/null
# A survey answered a minute ago: this month has one, whatever day it is.
q "INSERT INTO interaction (id, customer_id, channel, staff_id, started_at)
   VALUES ('00000000-0000-0000-0000-0000000000f1', 1, 'phone', (SELECT id FROM staff WHERE login_role = '$agent'),
           now());
   INSERT INTO satisfaction_survey (interaction_id, csat, nps, at)
   VALUES ('00000000-0000-0000-0000-0000000000f1', 5, 9, now())" >/dev/null
md=$("$CARELINE" report feedback --month "$month" 2>"$T/err"); rc=$?
is "feedback --month exits 0" "$rc" 0
is "and says nothing on stderr" "$(cat "$T/err")" ""
like "a title naming the month" "$md" "^# What our customers told us, and what we changed: [A-Z][a-z]+ 20[0-9]{2}"
like "volumes" "$md" "## How many customers contacted us.*\| Contacts, all channels \| [0-9]+ \|.*\| Complaints received \| [0-9]+ \|.*Complaints per 10,000 connections"
like "satisfaction" "$md" "## How satisfied they were.*Satisfaction \(1 to 5\), average \| [0-9.]+ from [0-9]+ answers.*Net Promoter Score \| [-+][0-9]+ \(.*Resolved without the customer coming back within 7 days"
like "the top root causes with the actions taken" "$md" "## What caused complaints, and what we changed.*### 1\. .*resolved complaint"
like "an action under its cause, with its date" "$md" "Estimated reading policy.*- [0-9]{4}-[0-9]{2}-[0-9]{2}: Meter readers visit twice a year, from April"
like "Markdown in an action is shown, not obeyed" "$md" '\\# Not a heading \\\*bold\\\* \\\[link\\\]\(x\) \^\\\['
if printf '%s' "$md" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then not_ok "no control characters"; else ok "no control characters"; fi
csv=$("$CARELINE" report feedback --month "$month" --format csv)
is "CSV header" "$(printf '%s\n' "$csv" | head -1)" "section,item,value,percent,date,text"
like "CSV: the period" "$csv" "period,month,,,$month-01,$month-[0-9]{2}"
like "CSV: volumes and satisfaction" "$csv" "volume,contacts,[0-9]+,.*satisfaction,nps,[-+][0-9]+,"
like "CSV: a root cause and its action" "$csv" "root_cause,Estimated reading policy,[0-9]+,[0-9.]+,,Process.*action,Estimated reading policy,,,[0-9-]+,\"Meter readers visit twice a year, from April\""
is "--csv is --format csv" "$("$CARELINE" report feedback --month "$month" --csv)" "$csv"
last=$(q "SELECT to_char(careline_today() - interval '1 month', 'YYYY-MM')")
like "without --month: last month" "$("$CARELINE" report feedback)" "and what we changed: $(q "SELECT trim(to_char(careline_today() - interval '1 month', 'Month')) || ' ' || to_char(careline_today() - interval '1 month', 'YYYY')")"$'\n'
unlike "an action of this month is not in last month's summary" "$("$CARELINE" report feedback --month "$last")" "Meter readers visit twice"

# No personal data: no customer's name, account number, phone number or
# e-mail address, and no staff member's name, anywhere in either form.
q "SELECT name FROM customer UNION SELECT account_no FROM customer UNION SELECT phone_e164 FROM customer WHERE phone_e164 IS NOT NULL
   UNION SELECT phone_nsn FROM customer WHERE phone_nsn IS NOT NULL UNION SELECT email FROM customer WHERE email IS NOT NULL
   UNION SELECT display_name FROM staff UNION SELECT login_role FROM staff" >"$T/personal"
is "the list of personal data to look for is long" "$([ "$(wc -l <"$T/personal")" -gt 6000 ] && echo yes)" yes
for form in md csv; do
    "$CARELINE" report feedback --month "$month" --format "$form" >"$T/out.$form"
    hits=$(grep -F -w -o -f "$T/personal" "$T/out.$form" | sort -u | head -5)
    is "no personal data in the $form summary" "$hits" ""
done
# The test would notice: a customer's name in the output is found.
name=$(q "SELECT name FROM customer ORDER BY id LIMIT 1")
is "(the search finds a name when there is one)" "$(echo "x $name y" | grep -F -w -o -f "$T/personal" | head -1)" "$name"

tap_done
