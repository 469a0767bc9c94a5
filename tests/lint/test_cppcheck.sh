#!/usr/bin/env bash
# test_cppcheck.sh — `make lint`'s cppcheck half: it finds a planted defect, and the tree has no finding left.
. "$TOP/tests/lint/common.sh"
check "cppcheck is installed (make deps)" command -v cppcheck

# The defect the issue found in tui/main.c: one stream read and written
# with no positioning call in between.
cat >"$T/planted_io.c" <<'C'
#include <stdio.h>
int planted(void);
int planted(void)
{
    FILE *f = fopen("/dev/tty", "r+");
    if (!f)
        return -1;
    char line[80];
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fputs("\n", f);
    return fclose(f);
}
C
planted "cppcheck finds a stream read then written without fseek" cppcheck "$T/planted_io.c" IOWithoutPositioning

lint_tree cppcheck
tap_done
