#!/usr/bin/env bash
# test_docs.sh — the generated documents are committed as the build writes them: docs/keys.md (key maps) and careline(1)'s SYNOPSIS (command table); every command has its entry in careline(1).
. "$TOP/tests/lib/tap.sh"
cd "$TOP" || exit 1
CARELINE=${CARELINE:-$TOP/build/careline}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# What is committed: HEAD's copy in a git checkout (the build rewrites the
# working copy, so comparing that would prove nothing), else the file.
committed() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && git cat-file -e "HEAD:$1" 2>/dev/null; then
        git show "HEAD:$1"
    else
        cat "$1"
    fi
}

HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent "$CARELINE" keys >"$T/keys.md"
committed docs/keys.md >"$T/keys.committed"
if cmp -s "$T/keys.md" "$T/keys.committed"; then ok "docs/keys.md as committed is what careline keys writes"
else not_ok "docs/keys.md as committed is what careline keys writes (make, then commit docs/keys.md)" \
    "$(diff -u "$T/keys.committed" "$T/keys.md" | head -20)"; fi

committed docs/careline.1 >"$T/careline.1.committed"
sh .ci/man.sh "$CARELINE" "$T/careline.1.committed" >"$T/careline.1"
if cmp -s "$T/careline.1" "$T/careline.1.committed"; then ok "careline(1)'s SYNOPSIS as committed is the command table's"
else not_ok "careline(1)'s SYNOPSIS as committed is the command table's (make, then commit docs/careline.1)" \
    "$(diff -u "$T/careline.1.committed" "$T/careline.1" | head -20)"; fi

# Every form --help lists is in the SYNOPSIS, and every command has its
# own entry under COMMANDS.
help=$("$CARELINE" --help)
commands=$(printf '%s\n' "$help" | awk '/^Commands:/ {on=1; next} on && /^$/ {exit} on && /^  [^ ]/ {print $1}' | sort -u)
is "--help lists every command of the table" "$(printf '%s\n' "$commands" | wc -l)" \
   "$(grep -c '^    X(' include/careline/cli.h)"
section=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' docs/careline.1)
missing=()
for c in $commands; do
    e=${c//-/'(\\\\)?-'}   # "check-config" or "check\-config"
    printf '%s\n' "$section" | grep -qE "^(\.B[IR]? \"?|\\\\fB)$e( |\"|\\\\|$)" || missing+=("$c")
done
if [ ${#missing[@]} = 0 ]; then ok "every command has an entry under COMMANDS in careline(1)"
else not_ok "every command has an entry under COMMANDS in careline(1)" "missing: ${missing[*]}"; fi
tap_done
