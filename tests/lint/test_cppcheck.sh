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
    if (fgets(line, sizeof line, f))
        fputs(line, f);
    return fclose(f);
}
C
planted "cppcheck finds a stream read then written without fseek" cppcheck "$T/planted_io.c" IOWithoutPositioning

# The suppressions list: a line lets exactly its finding through, needs a
# reason, and fails once nothing matches it (so the list only shrinks).
sup=$T/suppressions
lint_with() { LINT_SUPPRESSIONS=$sup bash "$TOP/tests/lint/lint.sh" --tool cppcheck "$T/build" "$@" 2>&1; }
echo "cppcheck $T/planted_io.c IOWithoutPositioning planted for this test" >"$sup"
check "a suppressed finding passes" lint_with "$T/planted_io.c"
echo "cppcheck $T/planted_io.c IOWithoutPositioning" >"$sup"
like "a suppression without a reason is refused" "$(lint_with "$T/planted_io.c")" "every suppression needs a reason"
echo "cppcheck $T/planted_io.c nullPointer nothing of the kind is there" >"$sup"
like "a suppression that matches nothing fails the lint" "$(lint_with "$T/planted_io.c")" \
    "suppressions:1:0: lint-suppression: nothing to suppress any more"

lint_tree cppcheck
tap_done
