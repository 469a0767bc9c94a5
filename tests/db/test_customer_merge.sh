#!/usr/bin/env bash
# test_customer_merge.sh — duplicate customers: pairs found by phone, e-mail and a similar name at the same premise; a supervisor's merge moves every contact, complaint, bill, payment, credit, follow-up, programme and premise to the survivor, keeps the other as a pointer, is idempotent and versioned, redirects later records, is found by the old account number, and is undone exactly within a day; agents may not.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/fixtures.sh"
export TEST_DB=merge_$$ PGDATABASE=merge_$$
createdb -T "$MIGRATED_TEMPLATE" "$TEST_DB" || { not_ok "copy the migrated template"; tap_done; exit 1; }
sup=m_sup_$$; ag=m_ag_$$
trap 'dropdb --if-exists "$TEST_DB"; for r in $sup $ag; do q "DROP ROLE IF EXISTS $r" postgres >/dev/null 2>&1; done' EXIT
q "CREATE ROLE $sup LOGIN IN ROLE careline_supervisor; CREATE ROLE $ag LOGIN IN ROLE careline_agent" postgres >/dev/null
as() { psql -X -q -v ON_ERROR_STOP=1 -At -d "dbname=$TEST_DB user=$1" -c "$2" 2>&1; }
fixtures_load
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$sup', 'Sue Super', 'supervisor'), ('$ag', 'Al Agent', 'agent')" >/dev/null
sup_id=$(q "SELECT id FROM staff WHERE login_role = '$sup'")

# 990011 duplicates 990001 (same phone, similar name, same premise) and has a history of its
# own; 990012 shares an e-mail address with 990003 (in another case).
q "UPDATE customer SET email = 'obrien@example.com' WHERE id = 990003;
   INSERT INTO customer (id, account_no, name, segment, phone_e164, email)
   VALUES (990011, '4999999911', 'Zebedee Quuxworth', 'residential_single', '+447700900461', NULL),
          (990012, '4999999912', 'Sean O''Brien', 'small_business', NULL, 'OBrien@Example.com');
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES
          (990011, 990001, date '2020-01-01'), (990011, 990005, date '2021-01-01');
   INSERT INTO bill (customer_id, premise_id, period_start, period_end, issued_on, due_on, amount)
   VALUES (990011, 990001, current_date - 200, current_date - 110, current_date - 100, current_date - 80, 120),
          (990011, 990001, current_date - 110, current_date - 20, current_date - 10, current_date + 10, 90);
   INSERT INTO payment (customer_id, paid_on, amount, method) VALUES (990011, current_date - 70, 120, 'card');
   INSERT INTO interaction (customer_id, channel, summary) VALUES (990011, 'phone', 'Called about the bill');
   INSERT INTO complaint (customer_id, category_id, channel, description)
   SELECT 990011, id, 'phone', 'Bill too high' FROM complaint_category WHERE code = 'billing.high_bill';
   INSERT INTO follow_up (complaint_id, customer_id, due_on, channel, what_to_confirm)
   SELECT id, 990011, current_date + 3, 'phone', 'Bill explained' FROM complaint WHERE customer_id = 990011;
   INSERT INTO goodwill_credit (customer_id, amount, reason, status) VALUES (990011, 10, 'Sorry', 'applied');
   INSERT INTO programme_enrolment (customer_id, programme_id, enrolled_on)
   SELECT 990011, min(id), current_date - 30 FROM programme;
   SELECT refresh_customer_balance(990011)" >/dev/null

pairs() { q "SELECT a_id || '-' || b_id || ':' || reasons FROM customer_duplicates() ORDER BY 1" | tr '\n' ';'; }
is "likely duplicates found, with why" "$(pairs)" \
   "990001-990011:same phone, similar name at the same premise;990003-990012:same e-mail;"
is "agents may read the list" "$(as "$ag" "SELECT count(*) FROM customer_duplicates()")" 2

owned() {   # owned ID: what hangs off a customer, one count per kind
    q "SELECT concat_ws(' ', (SELECT count(*) FROM interaction WHERE customer_id = $1),
          (SELECT count(*) FROM complaint WHERE customer_id = $1), (SELECT count(*) FROM bill WHERE customer_id = $1),
          (SELECT count(*) FROM payment WHERE customer_id = $1), (SELECT count(*) FROM goodwill_credit WHERE customer_id = $1),
          (SELECT count(*) FROM follow_up WHERE customer_id = $1), (SELECT count(*) FROM programme_enrolment WHERE customer_id = $1),
          (SELECT count(*) FROM customer_premise WHERE customer_id = $1))"
}
before_s=$(owned 990001); before_m=$(owned 990011)
bal_m=$(q "SELECT balance FROM customer WHERE id = 990011")
is "the duplicate's own history" "$before_m" "1 1 2 1 1 1 1 2"
ver() { q "SELECT version FROM customer WHERE id = $1"; }
id1=$(q "SELECT gen_random_uuid()")
like "an agent may not merge" "$(as "$ag" "SELECT customer_merge('$id1', 990001, $(ver 990001), 990011, $(ver 990011))")" \
     "permission denied"
is "a stale version merges nothing" "$(as "$sup" "SELECT coalesce(customer_merge('$id1', 990001, $(ver 990001), 990011, $(ver 990011) - 1)::text, 'stale')")" stale
is "nothing moved" "$(owned 990011)" "$before_m"
like "nor into itself" "$(as "$sup" "SELECT customer_merge('$id1', 990001, 1, 990001, 1)")" "cannot be merged into itself"

is "a supervisor merges" "$(as "$sup" "SELECT customer_merge('$id1', 990001, $(ver 990001), 990011, $(ver 990011))")" "$id1"
is "everything but the shared premise link moved to the survivor" "$(owned 990011)" "0 0 0 0 0 0 0 1"
is "and is the survivor's now" "$(owned 990001)" "$(q "SELECT '1 1 2 1 1 1 ' || ($(echo "$before_s" | cut -d' ' -f7) + 1) || ' ' || ($(echo "$before_s" | cut -d' ' -f8) + 1)")"
is "the merged record points at the survivor: who and when" \
   "$(q "SELECT merged_into || ' ' || merged_by || ' ' || (merged_at > now() - interval '1 minute') FROM customer WHERE id = 990011")" \
   "990001 $sup_id true"
is "the balances agree with the money that moved" "$(q "SELECT balance FROM customer WHERE id = 990011")" "0.00"
snap=$(q "SELECT balance || '/' || arrears FROM customer WHERE id = 990001")
q "SELECT refresh_customer_balance(990001)" >/dev/null
is "the survivor's balance cache is right" "$(q "SELECT balance || '/' || arrears FROM customer WHERE id = 990001")" "$snap"
is "the same merge sent again is the same merge" "$(as "$sup" "SELECT customer_merge('$id1', 990001, 1, 990011, 1)")" "$id1"
is "with nothing moved twice" "$(q "SELECT count(*) FROM customer_merge")" 1
is "the merge is in the audit log as the supervisor" \
   "$(q "SELECT count(*) FROM audit_log WHERE actor = '$sup' AND entity = 'customer' AND entity_id = '990011' AND details -> 'changed' ? 'merged_into'")" 1
is "the pair leaves the list" "$(pairs)" "990003-990012:same e-mail;"
like "searching by the old account number finds the survivor" "$("$CARELINE" search --csv 4999999911 2>&1)" "4999999991"
unlike "and never the pointer" "$("$CARELINE" search --csv 4999999911 2>&1)" "4999999911"
as "$ag" "INSERT INTO interaction (customer_id, channel, summary) VALUES (990011, 'phone', 'Late call')" >/dev/null
is "a contact recorded on the old record later goes to the survivor" \
   "$(q "SELECT customer_id FROM interaction WHERE summary = 'Late call'")" 990001
is "the pairs kept by the triggers are those found from scratch" \
   "$(q "CREATE TEMP TABLE kept AS SELECT * FROM customer_duplicate; SELECT customer_duplicates_rebuild();
          SELECT count(*) FROM ((SELECT * FROM kept EXCEPT SELECT * FROM customer_duplicate)
                                UNION ALL (SELECT * FROM customer_duplicate EXCEPT SELECT * FROM kept)) x" | tail -1)" 0
like "a merged record cannot be merged again" "$(as "$sup" "SELECT customer_merge(gen_random_uuid(), 990003, 1, 990011, $(ver 990011))")" \
     "was merged already"

like "an agent may not undo" "$(as "$ag" "SELECT customer_unmerge('$id1')")" "permission denied"
is "the supervisor undoes it" "$(as "$sup" "SELECT customer_unmerge('$id1')")" 990011
is "everything it moved is back" "$(owned 990011)" "$before_m"
is "what came since stays with the survivor" "$(owned 990001)" "$(echo "$before_s" | awk '{ $1 += 1; print }')"
is "the pointer is gone" "$(q "SELECT coalesce(merged_into::text, 'none') FROM customer WHERE id = 990011")" none
is "undoing twice is fine" "$(as "$sup" "SELECT customer_unmerge('$id1')")" 990011
is "the pair is back in the list" "$(pairs)" "990001-990011:same phone, similar name at the same premise;990003-990012:same e-mail;"
is "its balance is what it was" "$(q "SELECT balance FROM customer WHERE id = 990011")" "$bal_m"

id2=$(q "SELECT gen_random_uuid()")
as "$sup" "SELECT customer_merge('$id2', 990001, $(ver 990001), 990011, $(ver 990011))" >/dev/null
q "UPDATE customer_merge SET merged_at = now() - interval '25 hours' WHERE id = '$id2'" >/dev/null
like "after a day a merge stands" "$(as "$sup" "SELECT customer_unmerge('$id2')")" "more than a day old"

like "an agent may not decide two customers differ" "$(as "$ag" "SELECT customer_not_duplicates(990003, 990012)")" "permission denied"
as "$sup" "SELECT customer_not_duplicates(990012, 990003)" >/dev/null
is "a pair decided not to be one leaves the list" "$(pairs)" ""
tap_done
