#!/bin/sh
# man.sh — write careline(1) with its SYNOPSIS made from `careline --help` (the command table): man.sh CARELINE PAGE > NEW_PAGE.
# Every other section of PAGE is kept as it is.
set -eu
careline=$1 page=$2
help=$(HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent "$careline" --help)
# The forms: lines of the Commands block indented two blanks, the
# synopsis up to two blanks running (descriptions and their continuation
# lines, indented further, are left out).
forms=$(printf '%s\n' "$help" | awk '
    /^Commands:/ { on = 1; next }
    on && /^$/ { exit }
    on && /^  [^ ]/ { line = substr($0, 3); sub(/  .*/, "", line); print line }')
synopsis() {
    printf '%s\n' '.B careline' '.RB [ \-c' '.IR FILE ]'
    printf '%s\n' "$forms" | while IFS= read -r form; do
        printf '%s\n' '.br' '.B careline' '.RB [ \-c' '.IR FILE ]'
        # Upper-case words are what the user fills in (italic); other words
        # and options are typed as they are (bold); brackets, bars and
        # dots stay roman.
        printf '%s\n' "$form" | awk '{
            out = ""; s = $0
            while (length(s) > 0) {
                if (match(s, /^[A-Za-z0-9_-]+/)) {
                    w = substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
                    font = w ~ /^[A-Z][A-Z0-9_]*$/ ? "I" : "B"
                    gsub(/-/, "\\-", w)
                    out = out "\\f" font w "\\fR"
                } else { out = out substr(s, 1, 1); s = substr(s, 2) }
            }
            print out }'
    done
    printf '%s\n' '.br' '.B careline' '.B \-\-script' '.I FILE' '.RB [ \-\-size' '.IR ROWS x COLS ]'
}
SYNOPSIS=$(synopsis) awk '
    /^\.SH SYNOPSIS/ { print; print ENVIRON["SYNOPSIS"]; skip = 1; next }
    /^\.SH / { skip = 0 }
    !skip { print }' "$page"
