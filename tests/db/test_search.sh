#!/usr/bin/env bash
# test_search.sh — customer search through `careline search`: ranking, every kind of key, and hostile text.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=search_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$TEST_DB"' EXIT
export PGDATABASE=$TEST_DB

# Customers whose details the checks know, beside the generated ones.
. "$TOP/tests/lib/fixtures.sh"
fixtures_load || not_ok "insert test customers"

s() { "$CARELINE" search --csv "$@" 2>&1; }
first() { s "$@" | sed -n 2p | cut -d, -f1; }

is "exact account number comes first" "$(first 4999999991)" 4999999991
like "exact account says it matched the account" "$(s 4999999991 | sed -n 2p)" ',account$'
is "whole phone in E.164 finds the customer first" "$(first '+447700900461')" 4999999991
is "phone with a leading 0 and spaces" "$(first '07700 900461')" 4999999991
is "phone with +44 and spaces" "$(first '+44 7700 900 461')" 4999999991
is "phone with +44 (0)" "$(first '+44 (0)7700 900461')" 4999999991
like "partial phone (last digits) finds it" "$(s 900461)" '4999999991'
like "partial phone (first digits) finds it" "$(s '020 7946 0')" '4999999992'
is "postcode with a space" "$(first 'ZZ9 9ZZ')" 4999999991
is "postcode without a space, lower case" "$(first 'zz99zz')" 4999999991
like "partial postcode lists the area" "$(s 'ZZ9 9')" '4999999992'
is "meter serial" "$(first QX99887766)" 4999999991
is "meter serial in lower case" "$(first qx99887766)" 4999999991
like "name finds both Quuxworths" "$(s Quuxworth | cut -d, -f1 | tr '\n' ' ')" '4999999991.*4999999992|4999999992.*4999999991'
like "misspelt name still finds them" "$(s 'Zebedee Quxworth')" '4999999991'
like "misspelt surname alone" "$(s Quuxwroth)" '499999999[12]'
like "service address finds the customer" "$(s 'Xylophone Lane')" '4999999991'
like "a name with an apostrophe and ampersand" "$(s "O'Brien & Sons")" '4999999993'
out=$(s Quuxworth); rows=$(($(printf '%s\n' "$out" | wc -l) - 1))
[ "$rows" -ge 2 ] && ok "search lists several matches ($rows)" || not_ok "search lists several matches" "$out"

# Hostile text is either searched verbatim (parameters, never SQL) or refused with a hint.
out=$(s "'; DROP TABLE customer; --"); rc=$?
is "SQL in the search text does not fail" "$rc" 0
is "customer table still there" "$(q 'SELECT count(*) > 2000 FROM customer')" t
out=$(s 'back\slash "quoted"'); rc=$?
is "backslashes and quotes are searched verbatim" "$rc" 0
out=$(s "$(head -c 10240 /dev/zero | tr '\0' 'a')"); rc=$?
is "10 kB of text is refused" "$rc" 1
like "with a message saying it is too long" "$out" 'too long \(10240 characters\)'
out=$(s "$(printf 'Sm\xffith')"); rc=$?
is "invalid UTF-8 is refused" "$rc" 1
like "with a message about the text" "$out" 'not valid text'
out=$(s '   '); rc=$?
is "blank text is refused" "$rc" 1
like "with a hint of what to type" "$out" 'Type a name, account number'
out=$(s 'ab'); rc=$?
is "two letters are refused" "$rc" 1
like "with a hint to type more" "$out" 'at least 3 letters'
out=$(s '%_%'); rc=$?
is "wildcards alone are refused" "$rc" 1
out=$(s 'ZZ9%'); rc=$?
unlike "LIKE wildcards are not wildcards" "$out" '4999999992'

# What a table shows must be safe for a terminal.
out=$("$CARELINE" search 'Evil' 2>&1)
unlike "escape sequences from the database are not printed raw" "$out" $'\x1b'
like "they are shown visibly instead" "$out" 'Evil\^\[\[2J'

tap_done
