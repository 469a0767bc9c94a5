#!/usr/bin/env bash
# test_script_intake.sh — complaint intake in the scripted mode: event category first and linked, validation messages, size limit, adding a call to an open complaint.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_intake_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state

screens() { awk -v base="$T/$1" 'BEGIN {n = 1} /^--$/ {n++; next} {print > (base "." n)}' "$T/$1.out"; }
has() { if grep -qE -- "$3" "$2"; then ok "$1"; else not_ok "$1" "no line matches: $3" "$(cat "$2")"; fi; }
run() { "$CARELINE" --script "$T/$1.keys" >"$T/$1.out" 2>"$T/$1.err"; is "$1: the script runs" "$?" 0; screens "$1"; }

# A customer in the active event's zone with no complaint linked to it yet.
row=$(q "SELECT c.account_no || ' ' || e.id FROM customer c
          JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL
          JOIN premise p ON p.id = cp.premise_id JOIN critical_event_zone z ON z.zone_id = p.zone_id
          JOIN critical_event e ON e.id = z.event_id AND e.status = 'active' AND e.category_id IS NOT NULL
         WHERE NOT EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id AND k.status NOT IN ('resolved','closed'))
         ORDER BY c.id LIMIT 1")
acct=${row% *}; event=${row#* }
text="No water since six this morning, neighbours too (script $$)"
cat >"$T/event.keys" <<KEYS
:type $acct
Enter
n
:dump
Enter
:type $text
:dump
C-x
:dump
KEYS
run event
has "event: the intake form opens from the customer view" "$T/event.1" 'New complaint'
has "event: the event's category comes first" "$T/event.1" '^ +> .*ACTIVE EVENT'
has "event: the deadlines show as the category is chosen" "$T/event.2" 'Acknowledge by .*; respond by .*; resolve by'
has "event: the complaint is said to be linked to the event" "$T/event.2" 'Linked to the active event'
has "event: saving goes back to the customer with the reference" "$T/event.3" 'Complaint C-[0-9]{4}-[0-9]+ saved'
is "event: exactly one complaint was stored" "$(q "SELECT count(*) FROM complaint WHERE description = '$text'")" 1
is "event: it is linked to the event" "$(q "SELECT critical_event_id FROM complaint WHERE description = '$text'")" "$event"
is "event: it has its deadlines" "$(q "SELECT ack_due_at IS NOT NULL AND resolution_due_at > opened_at FROM complaint WHERE description = '$text'")" t
is "event: its creation is in the history" "$(q "SELECT count(*) FROM complaint_history h JOIN complaint k ON k.id = h.complaint_id WHERE k.description = '$text' AND h.kind = 'created'")" 1
is "event: the draft left the journal" "$(ls "$XDG_STATE_HOME/careline" 2>/dev/null | grep -c draft)" 0

# Validation: messages beside the field, nothing saved.
other=$(q "SELECT account_no FROM customer ORDER BY id DESC LIMIT 1")
before=$(q "SELECT count(*) FROM complaint")
big=$(head -c 20000 /dev/zero | tr '\0' 'x')
cat >"$T/valid.keys" <<KEYS
:type $other
Enter
n
:type zzzz-no-such-category
:dump
C-u
:type high bill
Enter
C-x
:dump
:type $big
:dump
KEYS
run valid
has "validation: a filter that matches nothing says so" "$T/valid.1" 'No category matches'
has "validation: an empty description is refused beside the field" "$T/valid.2" 'Describe the complaint'
has "validation: a 20 kB paste stops at the limit, with a message" "$T/valid.3" 'At the limit of 16000 bytes'
is "validation: nothing was saved" "$(q "SELECT count(*) FROM complaint")" "$before"
drafts=$(ls "$XDG_STATE_HOME/careline" 2>/dev/null | grep -c '\.draft$')
is "validation: the unsaved form is kept in the journal" "$drafts" 1
rm -rf "$XDG_STATE_HOME"

# A second call about the same thing goes onto the open complaint.
dup=$(q "SELECT c.account_no || ' ' || k.id || ' ' || cat.name FROM complaint k JOIN customer c ON c.id = k.customer_id
          JOIN complaint_category cat ON cat.id = k.category_id
         WHERE k.status IN ('new','acknowledged','investigating') AND k.merged_into IS NULL AND k.critical_event_id IS NULL
         ORDER BY k.opened_at DESC LIMIT 1")
dacct=${dup%% *}; rest=${dup#* }; did=${rest%% *}; dcat=${rest#* }
nbefore=$(q "SELECT count(*) FROM complaint WHERE customer_id = (SELECT id FROM customer WHERE account_no = '$dacct')")
cat >"$T/dup.keys" <<KEYS
:type $dacct
Enter
n
:type $dcat
Enter
:type Called again: still not sorted
:dump
C-t
:dump
KEYS
run dup
has "duplicate: the open complaint is shown" "$T/dup.1" 'Open already: C-'
has "duplicate: C-t adds the call to it" "$T/dup.2" 'added to the open complaint'
is "duplicate: no second complaint" "$(q "SELECT count(*) FROM complaint WHERE customer_id = (SELECT id FROM customer WHERE account_no = '$dacct')")" "$nbefore"
is "duplicate: the call is in its history" "$(q "SELECT count(*) FROM complaint_history WHERE complaint_id = '$did' AND kind = 'contact' AND note = 'Called again: still not sorted'")" 1

tap_done
