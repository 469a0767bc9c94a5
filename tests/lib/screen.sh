# screen.sh — helpers for end-to-end tests: run a key script in the display-less mode and compare screen dumps.
# Timings vary from run to run; everything else on the screen must not.
screen_mask() {
    sed -E 's/\([0-9]+ ms\)/(N ms)/g'
}

# script_check NAME SIZE [ENV=VALUE...] < KEYS: run the key script and
# compare its dumps with tests/e2e/expected/NAME.txt.
# UPDATE_EXPECTED=1 rewrites the expected file instead (then read it!).
script_check() {
    local name=$1 size=$2; shift 2
    local keys=$T/$name.keys out=$T/$name.out want=$TOP/tests/e2e/expected/$name.txt
    cat >"$keys"
    env "$@" "$CARELINE" --script "$keys" --size "$size" >"$out.raw" 2>"$T/$name.err"
    local rc=$?
    screen_mask <"$out.raw" >"$out"
    if [ "$rc" != 0 ]; then
        not_ok "$name: the script ran (exit $rc)" "$(cat "$T/$name.err")"
        return
    fi
    if [ "${UPDATE_EXPECTED:-0}" = 1 ]; then
        cp "$out" "$want"
        ok "$name: expected screens written to $want"
        return
    fi
    if [ ! -f "$want" ]; then
        not_ok "$name: no expected screens in $want (run with UPDATE_EXPECTED=1 and review)"
        return
    fi
    if diff -u "$want" "$out" >"$T/$name.diff"; then
        ok "$name: screens as expected"
    else
        not_ok "$name: screens differ from $want" "$(head -60 "$T/$name.diff")"
    fi
}
