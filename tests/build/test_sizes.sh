#!/usr/bin/env bash
# test_sizes.sh — no source file over 900 lines and no function over 80, in every C file: the program's and the tests'.
. "$TOP/tests/lib/tap.sh"
cd "$TOP" || exit 1

MAX_FILE=900
MAX_FUNCTION=80

# Functions longer than MAX_FUNCTION lines, as "file:line: name N lines". A
# function's body is from a "{" alone at the start of a line to the next
# "}" alone at the start of a line (the layout of every file here); the
# lines between them are counted.
long_functions() {
    awk -v max="$MAX_FUNCTION" '
        FNR == 1 { start = 0 }
        /^[A-Za-z_]/ { sig = $0; sigline = FNR }
        /^\{[ \t]*$/ { start = FNR; name = sig; at = sigline }
        /^\}[ \t]*$/ && start {
            n = FNR - start - 1
            if (n > max) { sub(/\(.*/, "", name); sub(/.*[ *]/, "", name); printf "%s:%d: %s %d lines\n", FILENAME, at, name, n }
            start = 0
        }' "$@"
}

files=$(git ls-files -- '*.c' '*.h' 2>/dev/null | grep -E '^(tui|db|screens|include|tests)/')
[ -n "$files" ] || files=$(find tui db screens include tests -name '*.c' -o -name '*.h' | sort)

big=()
for f in $files; do
    [ -f "$f" ] || continue
    n=$(wc -l <"$f")
    [ "$n" -gt "$MAX_FILE" ] && big+=("$f: $n lines")
done
if [ ${#big[@]} = 0 ]; then ok "no source file over $MAX_FILE lines ($(wc -w <<<"$files") files)"
else not_ok "no source file over $MAX_FILE lines" "${big[@]}"; fi

mapfile -t long < <(long_functions $(printf '%s\n' $files | grep '\.c$'))
if [ ${#long[@]} = 0 ]; then ok "no function over $MAX_FUNCTION lines"
else not_ok "no function over $MAX_FUNCTION lines" "${long[@]}"; fi

# The measure itself: a function one line too long is found, one at the
# limit is not (so this test cannot pass by measuring nothing).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
{
    printf 'static int fits(void)\n{\n'; for _ in $(seq $MAX_FUNCTION); do printf '    x++;\n'; done; printf '}\n'
    printf 'static int too_long(int a)\n{\n'; for _ in $(seq $((MAX_FUNCTION + 1))); do printf '    x++;\n'; done; printf '}\n'
} >"$T/probe.c"
is "the measure finds exactly the function over the limit" "$(long_functions "$T/probe.c" | sed 's/.*: //')" \
   "too_long $((MAX_FUNCTION + 1)) lines"

tap_done
