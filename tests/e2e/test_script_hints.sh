#!/usr/bin/env bash
# test_script_hints.sh — hints name the key in effect: a key rebound in the configuration file changes what the hint says.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_hints_$$
createdb -T "$SEEDED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state

# A customer with one open complaint: search, open, complaints panel, the
# complaint, then "note" opens a dialog whose hint names its keys.
acct=$(q "SELECT c.account_no FROM customer c WHERE NOT EXISTS (SELECT 1 FROM complaint k WHERE k.customer_id = c.id)
          ORDER BY c.id LIMIT 1")
q "INSERT INTO complaint (customer_id, category_id, channel, description)
   SELECT id, (SELECT id FROM complaint_category WHERE code = 'billing.high_bill'), 'phone', 'hint test'
     FROM customer WHERE account_no = '$acct'" >/dev/null
printf ':type %s\nEnter\n5\nEnter\nN\n:dump\n' "$acct" >"$T/note.keys"

keys() {   # keys NAME KEYS SIZE [CONFIG]: the screens the key script KEYS dumps, in $T/NAME.out
    local args=()
    [ -n "${4:-}" ] && args=(--config "$4")
    "$CARELINE" "${args[@]}" --script "$T/$2" --size "$3" >"$T/$1.out" 2>"$T/$1.err" || echo "exit $?: $(cat "$T/$1.err")"
}
hint() {   # hint NAME [CONFIG]: the dialog's hint line with the built-in keys, or with CONFIG's
    keys "$1" note.keys 24x80 "${2:-}"
    grep -E 'confirms; .* cancels\.' "$T/$1.out" | sed 's/^[^A-Za-z]*//; s/[^.]*$//'
}

is "the built-in keys: Enter confirms, Esc cancels" "$(hint default)" "Enter confirms; Esc cancels."

# The dialog's own keys rebound: the hint follows.
cat >"$T/rebound.conf" <<'CONF'
keys = {
  prompt = [ "Esc none", "C-k cancel", "C-y open" ];
};
CONF
is "rebound in the configuration: the hint names C-y and C-k" "$(hint rebound "$T/rebound.conf")" \
   "C-y confirms; C-k cancels."

# The dialog hides Enter: the global key that still opens there is named.
cat >"$T/global.conf" <<'CONF'
keys = {
  global = [ "F9 open" ];
  prompt = [ "Enter none" ];
};
CONF
is "a global key rebound: the hint names F9" "$(hint global "$T/global.conf")" "F9 confirms; Esc cancels."

# The picker (the queue's filter) names its keys from the key map too: the
# list's hint, and the one when nothing matches what was typed. Rebound to
# keys its search field does not take (F5, F6), they act as the hint says.
printf 'C-y\nf\n:dump\n:type zzqx\n:dump\nF5\n:dump\nF6\n:dump\n' >"$T/picker.keys"
hints() { grep -oE '(Type to narrow the list|Nothing matches).*cancels\.' "$T/$1.out"; }
dump() { awk -v n="$2" '$0 == "--" { i++; next } i == n - 1' "$T/$1.out"; }   # dump NAME N: the Nth screen
out=$(keys picker_default picker.keys 24x100; hints picker_default)
like "the picker's hint names the built-in keys" "$out" 'choose; Enter takes it; Esc cancels\.'
like "with nothing matching, it names the key that clears the search" "$out" \
     'Nothing matches "zzqx": C-u clears the search; Esc cancels\.'
cat >"$T/picker.conf" <<'CONF'
keys = {
  global = [ "Enter none", "F9 open" ];
  picker = [ "Esc none", "F6 cancel", "C-u none", "F5 clear" ];
};
CONF
out=$(keys picker_rebound picker.keys 24x100 "$T/picker.conf"; hints picker_rebound)
like "rebound: the picker's hint names F9 and F6" "$out" 'choose; F9 takes it; F6 cancels\.'
like "rebound: and F5 for clearing the search" "$out" 'Nothing matches "zzqx": F5 clears the search; F6 cancels\.'
unlike "no key name the configuration took away" "$out" 'Esc|Enter|C-u'
like "F5 clears the search: every choice is back" "$(dump picker_rebound 3)" '[0-9]+ of [0-9]+\. Type to narrow'
unlike "F6 closes the picker" "$(dump picker_rebound 4)" 'Type to narrow|Nothing matches'
tap_done
