# common.sh — shared by the lint tests: run one tool of `make lint` over the tree as TAP, after proving on planted code that it finds what it should.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/careline-lint-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# lint_tree TOOL: `make lint` for one tool; its TAP (one test per file, one
# for headers and the suppressions list) renumbered into this test's.
lint_tree() {
    local line
    make -s --no-print-directory -C "$TOP" lint LINT_TOOLS="$1" LINT_ARGS=--tap 2>"$T/stderr" >"$T/tap"
    if ! grep -qE '^(not )?ok ' "$T/tap"; then
        not_ok "make lint LINT_TOOLS=$1 ran" "$(cat "$T/tap" "$T/stderr")"
        return
    fi
    while IFS= read -r line; do
        case $line in
        "ok "*) ok "${line#ok * - }" ;;
        "not ok "*) not_ok "${line#not ok * - }" ;;
        "#"*) echo "$line" ;;
        esac
    done <"$T/tap"
}

# planted NAME TOOL FILE CHECK: lint.sh on one planted file finds CHECK there.
planted() {
    local out
    # A build folder of its own: cppcheck's cache knows files by name.
    out=$(LINT_SUPPRESSIONS=/dev/null bash "$TOP/tests/lint/lint.sh" --tool "$2" "$T/build" "$3" 2>&1)
    like "$1" "$out" "$3:[0-9]+:[0-9]+: $4: "
}
