#!/usr/bin/env bash
# test_lifecycle.sh — every (status, action, role) the complaint screen's action function decides, tried on the real database as that role: what it offers is accepted, what it hides is refused.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=lifecycle_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
agent=lc_agent_$$; super=lc_super_$$; field=lc_field_$$
trap 'dropdb --if-exists "$TEST_DB"; for r in $agent $super $field; do q "DROP ROLE IF EXISTS $r" postgres >/dev/null 2>&1; done' EXIT
q "CREATE ROLE $agent LOGIN IN ROLE careline_agent; CREATE ROLE $super LOGIN IN ROLE careline_supervisor;
   CREATE ROLE $field LOGIN IN ROLE careline_field" postgres >/dev/null
q "INSERT INTO staff (login_role, display_name, group_role) VALUES ('$agent', 'Lc Agent', 'agent'),
   ('$super', 'Lc Supervisor', 'supervisor'), ('$field', 'Lc Field', 'field')" >/dev/null

table=$("$CARELINE" lifecycle)
is "the action table covers 6 statuses x 11 actions x 3 roles" "$(printf '%s\n' "$table" | grep -cE '^[a-z_]+ [a-z-]+ (agent|supervisor|field) (yes|no)$')" 198

# One complaint in each status, walked there through the real rules (as the
# owner), on a customer of its own so nothing else interferes; and one open
# complaint to merge into.
cust=$(q "SELECT id FROM customer ORDER BY id LIMIT 1")
cat=$(q "SELECT id FROM complaint_category WHERE is_leaf ORDER BY id LIMIT 1")
cause=$(q "SELECT id FROM root_cause ORDER BY id LIMIT 1")
script=$(q "SELECT id FROM recovery_script ORDER BY id LIMIT 1")
mk() {   # mk STATUS: a complaint id in that status
    local k
    k=$(q "INSERT INTO complaint (customer_id, category_id, channel, description) VALUES ($cust, $cat, 'phone', 'lifecycle $1') RETURNING id")
    local path
    case $1 in
        new) path= ;;
        acknowledged) path="acknowledged" ;;
        investigating) path="acknowledged investigating" ;;
        waiting_customer) path="acknowledged waiting_customer" ;;
        resolved) path="acknowledged investigating resolved" ;;
        closed) path="acknowledged investigating resolved closed" ;;
    esac
    for s in $path; do
        q "UPDATE complaint SET status = '$s', root_cause_id = $cause, resolution_summary = 'Fixed' WHERE id = '$k'" >/dev/null
    done
    echo "$k"
}
declare -A kid
for s in new acknowledged investigating waiting_customer resolved closed; do
    kid[$s]=$(mk "$s")
    is "a $s complaint to try things on" "$(q "SELECT status FROM complaint WHERE id = '${kid[$s]}'")" "$s"
done
other=$(q "SELECT reference FROM complaint WHERE id = '$(mk acknowledged)'")

# try ROLE STATUS ACTION: "yes" when the database accepts what the screen
# would send, "no" when it refuses; always rolled back, so every triple
# starts from the same complaint. The statements are the ones db/ sends.
try() {
    local role=$1 k=${kid[$2]} sql target
    case $3 in
        acknowledge) target=acknowledged ;; investigate|reopen) target=investigating ;;
        wait) target=waiting_customer ;; resolve) target=resolved ;; close|merge) target=closed ;;
    esac
    case $3 in
        acknowledge|investigate|wait|close|reopen)
            sql="SELECT complaint_change('$k', version, '$target', 'why', 0, '', NULL, false) IS NOT NULL
                 FROM complaint WHERE id = '$k'" ;;
        resolve)
            sql="SELECT complaint_change('$k', version, 'resolved', '', $cause, 'Put right', NULL, false) IS NOT NULL
                 FROM complaint WHERE id = '$k'" ;;
        merge)
            sql="SELECT complaint_change('$k', version, NULL, 'merged as a duplicate', 0, '', '$other', false) IS NOT NULL
                 FROM complaint WHERE id = '$k'" ;;
        note)
            sql="INSERT INTO complaint_history (id, complaint_id, staff_id, kind, note)
                 VALUES (gen_random_uuid(), '$k', current_staff_id(), 'note', 'a note') ON CONFLICT (id) DO NOTHING
                 RETURNING true" ;;
        credit)
            sql="INSERT INTO goodwill_credit (id, customer_id, complaint_id, amount, reason)
                 VALUES (gen_random_uuid(), $cust, '$k', 5, 'sorry') ON CONFLICT (id) DO NOTHING RETURNING true" ;;
        follow-up)
            sql="INSERT INTO follow_up (id, complaint_id, customer_id, due_on, channel, what_to_confirm, owner_staff_id, team)
                 SELECT gen_random_uuid(), k.id, k.customer_id, current_date + 2, 'phone', 'it held',
                        coalesce(k.owner_staff_id, current_staff_id()), k.team FROM complaint k WHERE k.id = '$k'
                 ON CONFLICT (id) DO NOTHING RETURNING true" ;;
        script)
            sql="INSERT INTO complaint_script_run (id, complaint_id, script_id, staff_id)
                 VALUES (gen_random_uuid(), '$k', $script, current_staff_id()) ON CONFLICT (id) DO NOTHING RETURNING true" ;;
    esac
    # A status change counts when the complaint is really in the new state.
    local check="SELECT true"
    [ -n "$target" ] && check="SELECT status = '$target' FROM complaint WHERE id = '$k'"
    local out
    out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "dbname=$TEST_DB user=$role" \
          -c "BEGIN" -c "$sql" -c "$check" -c "ROLLBACK" 2>&1)
    if [ "$out" = $'t\nt' ]; then echo yes; else echo "no ${out//$'\n'/ }"; fi
}

declare -A login=([agent]=$agent [supervisor]=$super [field]=$field)
while read -r status action role offered; do
    got=$(try "${login[$role]}" "$status" "$action")
    if [ "$offered" = yes ]; then name="$role may $action a $status complaint: offered, and the database accepts"
    else name="$role may not $action a $status complaint: hidden, and the database refuses"; fi
    if [ "${got%% *}" = "$offered" ]; then ok "$name"; else not_ok "$name" "database: $got"; fi
done <<<"$table"

tap_done
