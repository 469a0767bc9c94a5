#!/usr/bin/env bash
# test_clang_tidy.sh — `make lint`'s clang-tidy half: .clang-tidy's checks find planted defects, and the tree has no finding left.
. "$TOP/tests/lint/common.sh"
check "clang-tidy is installed (make deps)" command -v clang-tidy

# tidy_planted NAME FILE CHECK: clang-tidy with the tree's .clang-tidy on a
# planted file (outside the tree, so named explicitly) reports CHECK.
tidy_planted() {
    local out
    out=$(cd "$TOP" && clang-tidy --quiet --config-file=.clang-tidy "$2" -- -std=c17 2>/dev/null)
    like "$1" "$out" "$2:[0-9]+:[0-9]+: warning: .*\[([a-z.,-]*,)?$3(,[a-z.,-]*)?\]"
}

cat >"$T/planted_conv.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int planted(const char *cell, char *buf, size_t len);
int planted(const char *cell, char *buf, size_t len)
{
    snprintf(buf, len, "%s", cell);
    return atoi(cell);
}
C
tidy_planted "database text through atoi is reported (cert-err34-c)" "$T/planted_conv.c" cert-err34-c
tidy_planted "an unchecked snprintf is reported (cert-err33-c)" "$T/planted_conv.c" cert-err33-c

# A function of 81 lines from brace to brace: one over the limit.
{
    echo 'int planted_long(int x);'
    echo 'int planted_long(int x)'
    echo '{'
    for i in $(seq 1 79); do echo "    x += $i;"; done
    echo '    return x;'
    echo '}'
} >"$T/planted_long.c"
tidy_planted "a function of 81 lines is reported (readability-function-size)" "$T/planted_long.c" \
    readability-function-size
{
    echo 'int planted_ok(int x);'
    echo 'int planted_ok(int x)'
    echo '{'
    for i in $(seq 1 78); do echo "    x += $i;"; done
    echo '    return x;'
    echo '}'
} >"$T/planted_ok.c"
out=$(cd "$TOP" && clang-tidy --quiet --config-file=.clang-tidy "$T/planted_ok.c" -- -std=c17 2>/dev/null)
unlike "a function of 80 lines is not" "$out" "readability-function-size"

lint_tree clang-tidy
tap_done
