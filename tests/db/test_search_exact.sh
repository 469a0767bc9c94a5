#!/usr/bin/env bash
# test_search_exact.sh — search finds every customer with all the typed words when the words are common (over 500 customers each), ranks exact before begun, counts the true total, and its word index follows every change.
. "$TOP/tests/lib/tap.sh"
export TEST_DB=search_exact_$$
createdb -T "$SEEDED_TEMPLATE" "$TEST_DB" || { not_ok "copy the seeded template"; tap_done; exit 1; }
T=$(mktemp -d)
trap 'dropdb --if-exists "$TEST_DB"; rm -rf "$T"' EXIT
export PGDATABASE=$TEST_DB

# Rows: 500 at most (the largest limit): every customer the checks expect fits.
printf 'ui = { search_limit = 500; };\n' >"$T/wide.conf"
printf 'ui = { search_limit = 500; };\nconnection = { prepared_statements = "no"; };\n' >"$T/unprepared.conf"

# The fixture: 27 "Louise Jenkins" among 700 other Jenkinses and 700 other
# Louises, 5 "Louise Jenkinson" (the last word begun, not whole), and one
# customer at "12 High Street" among 1,500 elsewhere on High Street and 1,500
# at number 12 of other streets, all in postcode area QZ9. Then the word
# index is rebuilt as after a bulk load, so its word counts are real.
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || not_ok "load the fixture"
INSERT INTO zone (code, name, region) VALUES ('QZT', 'Exactness zone', 'england');
CREATE TEMP TABLE fx (id bigint, name text, addr text);
-- The targets go in last, with the highest ids, behind the crowd that
-- shares their words (the old search kept the lowest ids of its cut).
INSERT INTO fx
SELECT 9240000 + i, (ARRAY['Amelia','Oliver','Grace','Noah','Isla','Harry','Freya'])[1 + i % 7] || ' Jenkins',
       (300 + i) || ' Meadow Close' FROM generate_series(1, 700) i
UNION ALL
SELECT 9250000 + i, 'Louise ' || (ARRAY['Walker','Hughes','Morgan','Price','Bennett','Carter','Shaw'])[1 + i % 7],
       (1100 + i) || ' Meadow Close' FROM generate_series(1, 700) i
UNION ALL
SELECT 9220000 + i, 'High Street Neighbour', (12 + i) || ' High Street' FROM generate_series(1, 1500) i
UNION ALL
SELECT 9230000 + i, 'Number Twelve', '12 ' || (ARRAY['Mill','Station','Church','Park','Castle'])[1 + i % 5] || ' '
       || (ARRAY['Road','Lane','Avenue'])[1 + i % 3] FROM generate_series(1, 1500) i;
INSERT INTO fx
SELECT 9295000 + i, 'Louise Jenkins', (200 + i) || ' Orchard Way' FROM generate_series(1, 27) i
UNION ALL
SELECT 9298000 + i, 'Louise Jenkinson', (2000 + i) || ' Orchard Way' FROM generate_series(1, 5) i
UNION ALL
SELECT 9298100, 'Target Highstreetdweller', '12 High Street';
INSERT INTO customer (id, account_no, name, segment)
SELECT id, '47' || lpad((id % 100000000)::text, 8, '0'), name, 'residential_single' FROM fx;
INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
SELECT id, 'EXACT-' || id, addr, 'Exactbury',
       'QZ9 ' || (id % 10) || chr(65 + (id / 10 % 26)::int) || chr(65 + (id / 260 % 26)::int),
       (SELECT id FROM zone WHERE code = 'QZT'), 'house'
  FROM fx;
INSERT INTO customer_premise (customer_id, premise_id, start_date) SELECT id, id, date '2021-01-01' FROM fx;
SELECT search_rebuild();
SQL

# The truth, by brute force over every customer: names and each current
# service address split into words, all the typed words present, the last
# one as the beginning of a word.
truth() {   # truth WORD... LAST: the number of customers
    local words='' last=${*: -1} x
    for x in "${@:1:$#-1}"; do words="$words'$x',"; done
    q "SELECT count(DISTINCT customer_id) FROM (
          SELECT c.id AS customer_id, search_words(c.name) AS w FROM customer c
          UNION ALL
          SELECT cp.customer_id, search_words(p.address_line1) FROM customer_premise cp
            JOIN premise p ON p.id = cp.premise_id WHERE cp.end_date IS NULL) d
        WHERE d.w @> ARRAY[${words%,}]::text[]
          AND EXISTS (SELECT 1 FROM unnest(d.w) x WHERE starts_with(x, '$last'))"
}

s() { "$CARELINE" --config "$T/wide.conf" search --csv "$@" 2>&1; }
total() { "$CARELINE" --config "${CONF:-$T/wide.conf}" search "$@" 2>&1 >/dev/null | tail -1; }

# ---- "Louise Jenkins": both words on 700+ customers ----------------------
want=$(q "SELECT count(*) FROM customer WHERE name = 'Louise Jenkins'")
out=$(s 'Louise Jenkins')
got=$(printf '%s\n' "$out" | sed 1d | cut -d, -f2 | grep -cx 'Louise Jenkins')
is "\"Louise Jenkins\": $got of $want found" "$got" "$want"
[ "$want" -ge 27 ] && ok "the fixture has the 27 (and $((want - 27)) seeded)" || not_ok "the fixture has the 27" "$want"
is "every Louise Jenkins ranks before any Louise Jenkinson (exact before begun)" \
    "$(printf '%s\n' "$out" | sed 1d | head -"$want" | cut -d, -f2 | sort -u)" "Louise Jenkins"
like "a Louise Jenkinson comes after them (the last word as a beginning)" \
    "$(printf '%s\n' "$out" | sed 1d | sed -n "$((want + 1))p")" '^[0-9]+,Louise Jenkinson,'
n=$(truth louise jenkins)
like "the total is every match: $n (near matches fill the rows after them)" "$(total 'Louise Jenkins')" \
    "^$n customer\(s\), 500 shown"

# ---- "12 High Street": every word on 1,500+ addresses ----------------------
out=$(s '12 High Street')
like "the one customer at 12 High Street is found, first" "$(printf '%s\n' "$out" | sed -n 2p)" \
    '^4709298100,Target Highstreetdweller,"12 High Street, Exactbury"'
n=$(truth 12 high street)
is "exactly one customer has all three words" "$n" 1
like "its total is 1, the rows after it near matches" "$(total '12 High Street')" "^1 customer\(s\), 500 shown"
like "begun: \"12 High Str\" finds it too" "$(s '12 High Str')" '4709298100,'
like "misspelt: \"12 Hight Street\" finds it too" "$(s '12 Hight Street')" '4709298100,'

# ---- more matches than rows: the true total, not the rows fetched --------
n=$(truth jenkins)
[ "$n" -gt 700 ] && ok "jenkins matches $n customers" || not_ok "jenkins matches over 700" "$n"
like "the total counts all $n, 500 shown" "$(total Jenkins)" "^$n customer\(s\), 500 shown"
like "with 50 rows it is still $n" "$("$CARELINE" search Jenkins 2>&1 >/dev/null | tail -1)" "^$n customer\(s\), 50 shown"
like "a postcode area says when it stopped counting" "$(total 'QZ9')" '^more than [0-9]+ customer\(s\), 500 shown'
like "a whole postcode is counted exactly" "$(total 'QZ9 1AA')" '^[0-9]+ customer\(s\)'

# ---- the same without prepared statements (PgBouncer, transaction mode) --
is "unprepared: the same Louise Jenkinses" \
    "$("$CARELINE" --config "$T/unprepared.conf" search --csv 'Louise Jenkins' 2>&1 | cut -d, -f1 | sort | md5sum)" \
    "$(s 'Louise Jenkins' | cut -d, -f1 | sort | md5sum)"
like "unprepared: the same total" "$(CONF=$T/unprepared.conf total '12 High Street')" '^1 customer\(s\)'

# ---- the word index follows every change (triggers) ----------------------
q "UPDATE customer SET name = 'Louise Quorthwaite' WHERE id = 9295001" >/dev/null
like "a renamed customer is found by the new name" "$(s 'Louise Quorthwaite')" '4709295001,'
unlike "and no longer by the old one" "$(s 'Louise Jenkins')" '4709295001,'
q "UPDATE premise SET address_line1 = '7 Zanzibar Crescent' WHERE id = 9298100" >/dev/null
like "a changed address is found" "$(s '7 Zanzibar Crescent')" '4709298100,'
unlike "and the old one is not" "$(s '12 High Street')" '4709298100,'
q "UPDATE customer_premise SET end_date = current_date WHERE customer_id = 9298100" >/dev/null
unlike "an ended agreement's address is not searched" "$(s 'Zanzibar Crescent')" '4709298100,'
q "INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
   VALUES (9298101, 'EXACT-9298101', '3 Quillon Mews', 'Exactbury', 'QZ9 9ZZ', (SELECT id FROM zone WHERE code = 'QZT'), 'flat');
   INSERT INTO customer_premise (customer_id, premise_id, start_date) VALUES (9298100, 9298101, current_date)" >/dev/null
like "a new agreement's address is" "$(s 'Quillon Mews')" '4709298100,'
q "DELETE FROM customer_premise WHERE customer_id = 9240001; DELETE FROM customer WHERE id = 9240001" >/dev/null
is "a deleted customer leaves no words" "$(q 'SELECT count(*) FROM search_doc WHERE customer_id = 9240001')" 0
before=$(q "SELECT md5(string_agg(customer_id || source || premise_id || tokens::text, ',' ORDER BY customer_id, source, premise_id)) FROM search_doc")
q "SELECT search_rebuild()" >/dev/null
is "what the triggers kept equals a rebuild" \
    "$(q "SELECT md5(string_agg(customer_id || source || premise_id || tokens::text, ',' ORDER BY customer_id, source, premise_id)) FROM search_doc")" \
    "$before"

tap_done
