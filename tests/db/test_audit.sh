#!/usr/bin/env bash
# test_audit.sh — vulnerability details read only through the audited function (migration 023), as each group; the reads Careline makes (customer view, recovery script, export, call list) each leave an entry; complaint opens audited; the audit screen's statements refuse agents.
set -u
. "$TOP/tests/lib/tap.sh"

DB=careline_t_audit_$$
S=$$
AGENT=a_agent_$S SUPER=a_super_$S FIELD=a_field_$S ADMIN=a_admin_$S
ROLES="$AGENT $SUPER $FIELD $ADMIN"
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1
    for r in $ROLES; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
trap cleanup EXIT
export TEST_DB=$DB

as() { psql -X -q -v ON_ERROR_STOP=1 -At "dbname=$DB user=$1" -c "$2"; }
may_not() {
    local out
    if out=$(as "$2" "$3" 2>&1); then not_ok "$1" "as $2 it succeeded: $3" "$out"
    else like "$1" "$out" "permission denied|violates row-level"; fi
}
cl() { local who=$1; shift; out=$(PGUSER=$who PGDATABASE=$DB "$CARELINE" "$@" 2>&1); rc=$?; }
# reads LOGIN CUSTOMER [PURPOSE]: vulnerability-read entries of that login about that customer
reads() {
    q "SELECT count(*) FROM audit_log WHERE action = 'customer.vulnerability' AND actor = '$1' AND customer_id = $2
       ${3:+AND details ->> 'purpose' = '$3'}"
}

createdb -T "$SEEDED_TEMPLATE" "$DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
q "CREATE ROLE $AGENT LOGIN IN ROLE careline_agent; CREATE ROLE $SUPER LOGIN IN ROLE careline_supervisor;
   CREATE ROLE $FIELD LOGIN IN ROLE careline_field; CREATE ROLE $ADMIN LOGIN IN ROLE careline_admin;
   INSERT INTO staff (login_role, display_name, team, group_role) VALUES
     ('$AGENT', 'Audit Agent', 'Billing', 'agent'), ('$SUPER', 'Audit Supervisor', 'Billing', 'supervisor'),
     ('$FIELD', 'Audit Field', 'Audit office', 'field'), ('$ADMIN', 'Audit Admin', 'Systems', 'admin')" >/dev/null \
    || { not_ok "roles"; tap_done; exit 1; }
# A vulnerable customer in a zone the field office covers, one outside it, and one with no needs.
row=$(q "SELECT c.id || ' ' || c.account_no || ' ' || p.zone_id FROM customer c
          JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL JOIN premise p ON p.id = cp.premise_id
         WHERE c.vulnerable ORDER BY c.id LIMIT 1")
read -r VC VACCT VZONE <<<"$row"
OUT=$(q "SELECT c.id FROM customer c WHERE c.vulnerable AND NOT EXISTS (SELECT 1 FROM customer_premise cp
          JOIN premise p ON p.id = cp.premise_id WHERE cp.customer_id = c.id AND p.zone_id = $VZONE) ORDER BY c.id LIMIT 1")
PLAIN=$(q "SELECT id FROM customer WHERE NOT vulnerable ORDER BY id LIMIT 1")
q "INSERT INTO office_zone (office, zone_id) VALUES ('Audit office', $VZONE)" >/dev/null
WANT=$(q "SELECT array_to_string(vulnerability, ',') FROM customer WHERE id = $VC")

# -- nobody reads the column itself ---------------------------------------------------------------
for who in "$AGENT" "$SUPER" "$FIELD" "$ADMIN"; do
    may_not "$who cannot select the vulnerability column" "$who" "SELECT vulnerability FROM customer WHERE id = $VC"
done
may_not "nor the whole row" "$AGENT" "SELECT * FROM customer WHERE id = $VC"
may_not "nor through a whole-row reference" "$AGENT" "SELECT to_jsonb(c) FROM customer c WHERE id = $VC"
is "agents still read the flag and every other column" \
   "$(as "$AGENT" "SELECT vulnerable || ' ' || account_no FROM customer WHERE id = $VC")" "true $VACCT"
is "the flag follows the details" "$(q "SELECT count(*) FROM customer WHERE vulnerable <> (cardinality(vulnerability) > 0)")" 0
is "agents may still record needs (set the column)" \
   "$(as "$AGENT" "UPDATE customer SET vulnerability = '{hearing}' WHERE id = $PLAIN RETURNING vulnerable")" t
may_not "but not read what was there while doing it" "$AGENT" \
   "UPDATE customer SET vulnerability = array_append(vulnerability, 'sight') WHERE id = $PLAIN"
q "UPDATE customer SET vulnerability = '{}' WHERE id = $PLAIN" >/dev/null

# -- the audited read ----------------------------------------------------------------------------
before=$(reads "$AGENT" "$VC")
is "the function gives an agent the details" \
   "$(as "$AGENT" "SELECT array_to_string(customer_vulnerability($VC, 'customer view'), ',')")" "$WANT"
is "and the read is audited in the agent's name with its purpose" "$(reads "$AGENT" "$VC" 'customer view')" $((before + 1))
as "$AGENT" "SELECT customer_vulnerability($VC, 'customer view')" >/dev/null
is "the same read again within ten minutes is the same entry" "$(reads "$AGENT" "$VC" 'customer view')" $((before + 1))
as "$AGENT" "SELECT customer_vulnerability($VC, 'call list')" >/dev/null
is "another purpose is another entry" "$(reads "$AGENT" "$VC" 'call list')" 1
as "$AGENT" "SELECT customer_vulnerability($VC, E'x\\x1b[2J'' OR 1=1')" >/dev/null
is "a purpose that is not plain words is recorded as 'other'" "$(reads "$AGENT" "$VC" 'other')" 1
is "a customer with no needs gives an empty list" "$(as "$AGENT" "SELECT customer_vulnerability($PLAIN, 'customer view')")" "{}"
is "and writes nothing" "$(reads "$AGENT" "$PLAIN")" 0
is "field staff read the details of their office's customers" \
   "$(as "$FIELD" "SELECT array_to_string(customer_vulnerability($VC, 'customer view'), ',')")" "$WANT"
is "audited too" "$(reads "$FIELD" "$VC")" 1
is "not of a customer outside their office (NULL)" "$(as "$FIELD" "SELECT customer_vulnerability($OUT, 'customer view') IS NULL")" t
is "and that attempt reveals nothing, so nothing is written" "$(reads "$FIELD" "$OUT")" 0
is "field staff still see only their office's customers (policy through customer_in_office)" \
   "$(as "$FIELD" "SELECT count(*) FROM customer WHERE id IN ($VC, $OUT)")" 1
may_not "the audit rows cannot be forged in another's name through the function" "$AGENT" \
   "INSERT INTO audit_log (actor, action, customer_id) VALUES ('$SUPER', 'customer.vulnerability', $VC)"

# -- the reads Careline makes --------------------------------------------------------------------
cl "$AGENT" view "$VACCT"
is "careline view as an agent works" "$rc" 0
like "and shows the needs" "$out" "\\|${WANT%%,*}"
is "the open is audited" "$(q "SELECT count(*) FROM audit_log WHERE action = 'customer.open' AND actor = '$AGENT' AND customer_id = $VC")" 1
ref=$(q "SELECT k.reference FROM complaint k JOIN customer c ON c.id = k.customer_id WHERE c.vulnerable
          AND k.merged_into IS NULL ORDER BY k.opened_at DESC LIMIT 1")
kc=$(q "SELECT customer_id FROM complaint WHERE reference = '$ref'")
cl "$AGENT" scripts try "$ref"
is "the recovery script fits a vulnerable customer's complaint: exit 0" "$rc" 0
like "its situation says vulnerable" "$out" "customer: vulnerable yes"
is "the script's read of the needs is audited" "$(reads "$AGENT" "$kc" 'recovery script')" 1
cl "$SUPER" customer export "$VACCT" --json
is "a supervisor's export still holds the needs" "$rc" 0
like "the needs are in it" "$out" "\"vulnerability\": \\[[^]]*\"${WANT%%,*}\""
is "and the export's read is audited" "$(reads "$SUPER" "$VC" 'export')" 1
cl "$AGENT" search --csv "$VACCT"
like "search still flags the customer VULN" "$out" "VULN"
is "without reading (or auditing) the details" "$(reads "$AGENT" "$VC" 'search')" 0

# -- the audit screen's statements ---------------------------------------------------------------
may_not "agents cannot read the audit log" "$AGENT" "SELECT count(*) FROM audit_log WHERE customer_id = $VC"
is "a supervisor sees who read this customer's needs, and why" \
   "$(as "$SUPER" "SELECT string_agg(DISTINCT actor || ':' || (details ->> 'purpose'), ' ' ORDER BY actor || ':' || (details ->> 'purpose'))
                  FROM audit_log WHERE customer_id = $VC AND action = 'customer.vulnerability' AND actor IN ('$AGENT', '$FIELD')")" \
   "$AGENT:call list $AGENT:customer view $AGENT:other $FIELD:customer view"
is "an administrator too" "$(as "$ADMIN" "SELECT count(*) > 0 FROM audit_log WHERE customer_id = $VC")" t
like "reading the audit log by person uses its index" \
   "$(q "EXPLAIN SELECT id FROM audit_log WHERE actor = '$AGENT' AND at > now() - interval '7 days' ORDER BY at DESC LIMIT 100")" \
   "audit_log_actor_idx"

tap_done
