#!/usr/bin/env bash
# lint.sh — the report of `make lint`: cppcheck's findings and clang-tidy's (kept per file in BUILD/lint/), less those tests/lint/suppressions lets through; fails when any is left.
#
# Usage: lint.sh [--tap] [--tool cppcheck|clang-tidy] BUILD FILE...
#   BUILD  the build folder (its gen/ for the generated header, lint/ for clang-tidy's findings)
#   FILE   every C file to look at, relative to the top of the tree
# Findings print as "file:line:col: check: message". With --tap each file is a
# TAP test, and one more says whether every suppression is still needed.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
TAP=0
TOOLS="cppcheck clang-tidy"
while [ $# -gt 0 ]; do
    case $1 in
    --tap) TAP=1; shift ;;
    --tool) TOOLS=$2; shift 2 ;;
    *) break ;;
    esac
done
[ $# -ge 2 ] || { echo "usage: lint.sh [--tap] [--tool cppcheck|clang-tidy] BUILD FILE..." >&2; exit 2; }
BUILD=$1; shift
FILES=("$@")
SUPPRESSIONS=${LINT_SUPPRESSIONS:-tests/lint/suppressions}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/careline-lint.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT

# cppcheck's checks: its default errors plus warning, style, performance and
# portability, for C11 (its newest C; C17 only fixed defects in C11). Left out:
#   variableScope    asks to move a declaration into an inner block: taste, not a defect.
#   missingInclude*  the system headers are the compiler's business, not cppcheck's.
run_cppcheck() {
    mkdir -p "$BUILD/lint/cppcheck"
    cppcheck --std=c11 --enable=warning,style,performance,portability --quiet -j "$(nproc)" \
        --cppcheck-build-dir="$BUILD/lint/cppcheck" --error-exitcode=0 \
        --suppress=variableScope --suppress=missingInclude --suppress=missingIncludeSystem \
        -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600 -DCARELINE_VERSION='"lint"' -Iinclude -I"$BUILD/gen" \
        --template='{file}:{line}:{column}: {id}: {message}' "${FILES[@]}" 2>&1 >/dev/null |
        grep -E '^[^ :]+:[0-9]+:[0-9]+: [A-Za-z0-9_]+: ' | sort -u -t: -k1,1 -k2,2n -k3,3n -k4
}

# clang-tidy's findings, as the Makefile kept them (one file per source).
# Findings in a header show once, however many files include it.
collect_tidy() {
    local f out
    for f in "${FILES[@]}"; do
        out=$BUILD/lint/${f%.c}.tidy
        if [ ! -f "$out" ]; then
            echo "$f:0:0: lint-missing: no clang-tidy result for this file (run make lint)"
            continue
        fi
        sed -nE "s#^($TOP/)?([^ :]+):([0-9]+):([0-9]+): (warning|error): (.*) \[([^]]+)\]\$#\2:\3:\4: \7: \6#p" "$out"
    done | sort -u -t: -k1,1 -k2,2n -k3,3n -k4
}

# filter TOOL < FINDINGS: drop what tests/lint/suppressions lets through
# (TOOL PATH-GLOB CHECK-GLOB REASON; bash patterns, @(a|b) too), noting
# each line used in $WORK/used.
filter() {
    local tool=$1 line file check n=0
    local -a s_tool s_glob s_check s_line
    while read -r t g c reason; do
        n=$((n + 1))
        [[ -z $t || $t == \#* ]] && continue
        if [ -z "${reason:-}" ]; then
            echo "$SUPPRESSIONS:$n:0: lint-suppression: every suppression needs a reason" >>"$WORK/bad"
            continue
        fi
        s_tool+=("$t"); s_glob+=("$g"); s_check+=("$c"); s_line+=("$n")
    done <"$SUPPRESSIONS"
    while IFS= read -r line; do
        file=${line%%:*}
        check=$(sed -E 's/^[^:]+:[0-9]+:[0-9]+: ([^:]+): .*/\1/' <<<"$line")
        local i hit=0
        for i in "${!s_tool[@]}"; do
            # shellcheck disable=SC2053
            # '*' stays within a folder: the glob and the path have as many '/'.
            if [[ ${s_tool[$i]} == "$tool" && $file == ${s_glob[$i]} && $check == ${s_check[$i]} &&
                  ${file//[!\/]/} == "${s_glob[$i]//[!\/]/}" ]]; then
                echo "${s_line[$i]}" >>"$WORK/used"
                hit=1
                break
            fi
        done
        [ $hit = 0 ] && echo "$line"
    done
    for i in "${!s_tool[@]}"; do
        [ "${s_tool[$i]}" = "$tool" ] || continue
        grep -qx "${s_line[$i]}" "$WORK/used" 2>/dev/null ||
            echo "$SUPPRESSIONS:${s_line[$i]}:0: lint-suppression: nothing to suppress any more: remove this line" \
                >>"$WORK/bad"
    done
}

: >"$WORK/left"
: >"$WORK/bad"
for tool in $TOOLS; do
    case $tool in
    cppcheck) run_cppcheck ;;
    clang-tidy) collect_tidy ;;
    *) echo "lint.sh: unknown tool $tool" >&2; exit 2 ;;
    esac >"$WORK/$tool.all"
    filter "$tool" <"$WORK/$tool.all" >>"$WORK/left"
done

if [ $TAP = 1 ]; then
    n=0
    for f in "${FILES[@]}"; do
        n=$((n + 1))
        hits=$(awk -F: -v f="$f" '$1 == f' "$WORK/left")
        if [ -z "$hits" ]; then
            echo "ok $n - $TOOLS: $f"
        else
            echo "not ok $n - $TOOLS: $f"
            sed 's/^/#   /' <<<"$hits"
        fi
    done
    # Findings in headers and the suppressions list itself.
    others=$(cat "$WORK/bad"
             printf '%s\n' "${FILES[@]}" | awk -F: 'NR == FNR { f[$0]; next } !($1 in f)' - "$WORK/left")
    n=$((n + 1))
    if [ -z "$others" ]; then
        echo "ok $n - $TOOLS: headers clean, every suppression still needed"
    else
        echo "not ok $n - $TOOLS: headers clean, every suppression still needed"
        sed 's/^/#   /' <<<"$others"
    fi
    echo "1..$n"
fi
cat "$WORK/bad" >>"$WORK/left"
if [ -s "$WORK/left" ]; then
    [ $TAP = 1 ] || cat "$WORK/left"
    echo "lint: $(wc -l <"$WORK/left") finding(s) ($TOOLS)" >&2
    exit 1
fi
[ $TAP = 1 ] || echo "lint: clean ($TOOLS, ${#FILES[@]} files)"
exit 0
