# growth.sh — every search kind and the customer view at several sizes through libcareline, the same SQL with libpq alone beside it, and whether search finds every customer it should: sourced by bench.sh.
#
# Uses W, CARELINE, TOP and common.sh's cluster helpers. Each size is its
# own database in the cached cluster (careline_bench_N), seeded the first
# time (100k about 1.5 min, 300k about 5 on two busy cores). Knobs:
# BENCH_GROWTH (sizes besides BENCH_CUSTOMERS, default "100000 300000"),
# BENCH_GROWTH_REPS (10 texts per kind and size, after 2 warm-ups).

BENCH_GROWTH=${BENCH_GROWTH-100000 300000}
GROWTH_REPS=${BENCH_GROWTH_REPS:-10}
GROWTH_WARM=2
# Kinds, in the table's order: "label|what is typed".
GROWTH_KINDS=(
    "account|an account number (10 digits)"
    "phone|a whole phone number, as said (07709 236240)"
    "phone_part|6 digits of a phone number"
    "postcode|a whole postcode"
    "postcode_begun|a postcode's outward code (HA2)"
    "meter|a meter serial"
    "name|a full name (Louise Jenkins)"
    "name_misspelt|a name with two letters swapped (Louise Jnekins)"
    "name_begun|the surname begun (Louise Jen)"
    "surname_common|a common surname alone (Smith)"
    "address|a house number and street (12 High Street)"
    "address_begun|the street begun (12 High Str)"
    "street|a street alone (High Street)"
)

# growth_sample FILE: customers picked by a fixed hash (the same questions
# at every size), one line each: every kind's text, "|"-separated, in
# GROWTH_KINDS order, then the customer id.
growth_sample() {
    psql -X -At -F '|' -U postgres >"$1.raw" <<SQL || return 1
SELECT c.account_no, '0' || substr(c.phone_nsn, 1, 4) || ' ' || substr(c.phone_nsn, 5), substr(c.phone_nsn, 3, 6),
       p.postcode, split_part(p.postcode, ' ', 1), coalesce(m.serial, ''), c.name, p.address_line1, c.id
  FROM customer c
  JOIN LATERAL (SELECT p.id, p.postcode, p.address_line1 FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id
                 WHERE cp.customer_id = c.id AND cp.end_date IS NULL ORDER BY cp.role, p.id LIMIT 1) p ON true
  LEFT JOIN LATERAL (SELECT m.serial FROM meter m WHERE m.premise_id = p.id AND m.status <> 'removed'
                      ORDER BY m.serial LIMIT 1) m ON true
 WHERE c.phone_nsn ~ '^[0-9]{10}$' AND c.name ~ '^[A-Z][a-z]+ [A-Z][a-z]{4,}$' AND c.merged_into IS NULL
   AND p.address_line1 ~ '^[0-9]+ [A-Z][a-z]+ [A-Z][a-z]+$'
 ORDER BY md5(c.id::text || 'careline-growth') LIMIT $((GROWTH_REPS + GROWTH_WARM));
SQL
    # The typing slip search must forgive (Jenkins -> Jneknis: the third and
    # fourth letters swapped), the surname begun, the street begun and alone.
    awk -F'|' -v OFS='|' '{
        split($7, w, " "); s = w[2]; i = 3
        if (substr(s, i, 1) == substr(s, i + 1, 1)) i = 2
        slip = w[1] " " substr(s, 1, i - 1) substr(s, i + 1, 1) substr(s, i, 1) substr(s, i + 2)
        begun = w[1] " " substr(w[2], 1, 3)
        street = $8; sub(/^[0-9]+ /, "", street)
        print $1, $2, $3, $4, $5, $6, $7, slip, begun, "Smith", $8, substr($8, 1, length($8) - 3), street, $9
    }' "$1.raw" >"$1"
}

# growth_run N TAG: pgbase over the sample of the database in use; figures in
# $W/TAG.KIND (Careline's library) and $W/TAG.raw_KIND (libpq alone), and
# TAG.open / TAG.raw_open for the customer view.
growth_run() {
    local n=$1 tag=$2 i k line kind text
    growth_sample "$W/$tag.sample" || return 1
    : >"$W/$tag.tasks"
    i=0
    while IFS= read -r line; do
        local -a f
        IFS='|' read -r -a f <<<"$line"
        for ((k = 0; k < ${#GROWTH_KINDS[@]}; k++)); do
            kind=${GROWTH_KINDS[k]%%|*}
            text=${f[k]}
            [ -n "$text" ] || continue
            [ "$i" -lt "$GROWTH_WARM" ] && kind=warm
            # Whichever goes second finds the pages the first read in the
            # cache: each goes first every other time.
            if [ $((i % 2)) = 0 ]; then
                printf 'search %s %s\nraw raw_%s %s\n' "$kind" "$text" "$kind" "$text"
            else
                printf 'raw raw_%s %s\nsearch %s %s\n' "$kind" "$text" "$kind" "$text"
            fi >>"$W/$tag.tasks"
        done
        [ "$i" -lt "$GROWTH_WARM" ] && kind=warm || kind=open
        if [ $((i % 2)) = 0 ]; then
            printf 'open %s %s\nrawopen raw_%s %s\n' "$kind" "${f[13]}" "$kind" "${f[13]}"
        else
            printf 'rawopen raw_%s %s\nopen %s %s\n' "$kind" "${f[13]}" "$kind" "${f[13]}"
        fi >>"$W/$tag.tasks"
        printf 'select1 select1\nselect1 select1\n' >>"$W/$tag.tasks"
        i=$((i + 1))
    done <"$W/$tag.sample"
    "$TOP/build/bench/pgbase" "$W/delay0.conf" <"$W/$tag.tasks" >"$W/$tag.out" 2>"$W/$tag.err" ||
        bench_note "bench: pgbase at $n reported errors: $(head -2 "$W/$tag.err")"
    for ((k = 0; k < ${#GROWTH_KINDS[@]}; k++)); do
        kind=${GROWTH_KINDS[k]%%|*}
        awk -v k="$kind" '$1 == k && $2 != "refused" { print $2 }' "$W/$tag.out" >"$W/$tag.$kind"
        awk -v k="raw_$kind" '$1 == k && $2 != "refused" { print $2 }' "$W/$tag.out" >"$W/$tag.raw_$kind"
    done
    awk '$1 == "open" { print $2 }' "$W/$tag.out" >"$W/$tag.open"
    awk '$1 == "raw_open" { print $2 }' "$W/$tag.out" >"$W/$tag.raw_open"
    awk '$1 == "select1" { print $2 }' "$W/$tag.out" >"$W/$tag.select1"
}

# growth_exact TAG: for the sample's full names, every customer whose name
# has both words (whole words, any case) counted by brute force, and how many
# of them the search lists (asked for up to 500 rows). "FOUND WANTED" per name.
growth_exact() {
    local tag=$1 name want got found
    printf 'ui = { search_limit = 500; };\n' >"$W/all500.conf"
    : >"$W/$tag.exact"
    while IFS='|' read -r _ _ _ _ _ _ name _; do
        set -- $name
        want=$(psql -X -At -U postgres -c "SELECT account_no FROM customer WHERE merged_into IS NULL
                AND name ~* '\\m$1\\M' AND name ~* '\\m$2\\M'" | sort)
        got=$("$CARELINE" --config "$W/all500.conf" search --csv "$name" 2>/dev/null | cut -d, -f1 | sort)
        found=$(comm -12 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep -c .)
        echo "$found $(printf '%s\n' "$want" | grep -c .) $name" >>"$W/$tag.exact"
    done <"$W/$tag.sample"
}

# growth_db N: the database of N customers, seeded and migrated by the
# cluster's owner, with the bench's staff rows; the runs are the agent's.
growth_db() {
    local user=$PGUSER rc=0
    PGUSER=postgres
    bench_db_use "$1" && bench_roles || rc=1
    PGUSER=$user
    return $rc
}

# growth_all: the sizes of BENCH_GROWTH, then the bench's own (the database
# in use when called, used again afterwards). Sets GROWTH_SIZES.
growth_all() {
    local n main=$BENCH_CUSTOMERS
    GROWTH_SIZES=()
    for n in $BENCH_GROWTH; do
        [ "$n" = "$main" ] && continue
        bench_note "bench: growth: $n customers (seeded the first time)..."
        growth_db "$n" || { bench_note "bench: no database of $n customers: left out"; continue; }
        growth_run "$n" "g$n" && GROWTH_SIZES+=("$n")
    done
    growth_db "$main" || return 1
    bench_note "bench: growth: $main customers, and exactness..."
    growth_run "$main" "g$main" && GROWTH_SIZES+=("$main")
    growth_exact "g$main"
}
