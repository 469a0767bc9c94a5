#!/usr/bin/env bash
# fuzz.sh — runs each libFuzzer harness for FUZZ_SECONDS and merges what it found into tests/fuzz/corpus/NAME/ (make fuzz).
#
# New inputs go to a scratch folder first; -merge=1 then adds to the kept
# corpus only those that reach code it did not, so the corpus stays small.
# A crash or broken property stops that harness; the input is kept in
# build/libfuzzer/crashes/ and the script ends non-zero.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$TOP/build/libfuzzer/fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
CRASHES=$TOP/build/libfuzzer/crashes
mkdir -p "$CRASHES"
# Leaks inside libraries are theirs (the same list make check uses).
export LSAN_OPTIONS=suppressions=$TOP/tests/lsan.supp:print_suppressions=0
failed=()

# Keep only the found inputs (named by their SHA-1) that a fresh merge
# still needs to reach every edge (not every loop count: that would keep
# hundreds); hand-made seeds and the inputs that once broke a property
# (any other name) always stay.
minimise() {   # minimise BIN CORPUS
    local fresh f
    fresh=$(mktemp -d "${TMPDIR:-/tmp}/careline-fuzz-min.XXXXXX")
    if "$1" -merge=1 -use_counters=0 "$fresh" "$2" >/dev/null 2>&1; then
        for f in "$2"/*; do
            [[ ${f##*/} =~ ^[0-9a-f]{40}$ ]] && [ ! -e "$fresh/${f##*/}" ] && rm -f "$f"
        done
    fi
    rm -rf "$fresh"
}
for bin in "$BIN"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    if [ -n "${FUZZ_ONLY:-}" ] && [[ " $FUZZ_ONLY " != *" $name "* ]]; then
        continue
    fi
    corpus=$TOP/tests/fuzz/corpus/$name
    mkdir -p "$corpus"
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/careline-fuzz-$name.XXXXXX")
    dict=()
    [ -f "$TOP/tests/fuzz/$name.dict" ] && dict=(-dict="$TOP/tests/fuzz/$name.dict")
    echo "== fuzz $name: ${SECONDS_EACH}s"
    # The 2 cores are shared: be nice, and stop a slow or huge input.
    nice -n 10 "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$CRASHES/$name-" "${dict[@]}" "$scratch" "$corpus" \
        2>"$scratch.log"
    rc=$?
    grep -E '^stat::number_of_executed_units|^stat::new_units_added|^#[0-9]+ +DONE' "$scratch.log" | sed 's/^/   /'
    if [ $rc != 0 ]; then
        grep -E 'ERROR|property failed|SUMMARY|Test unit written' "$scratch.log" | head -20 | sed 's/^/   /'
        echo "   full log: $scratch.log"
        failed+=("$name")
    else
        "$bin" -merge=1 "$corpus" "$scratch" >/dev/null 2>&1
        minimise "$bin" "$corpus"
        echo "   corpus/$name: $(find "$corpus" -type f | wc -l) files"
        rm -f "$scratch.log"
    fi
    rm -rf "$scratch"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: failures in ${failed[*]} (inputs in $CRASHES)"
    exit 1
fi
