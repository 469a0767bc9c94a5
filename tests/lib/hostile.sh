# hostile.sh — hostile text for the hostile-input tests: the payload, a record of every byte Careline writes to the terminal (tmux pipe-pane), and the check that none of the payload's control sequences reached it.
#
# The payload holds what a terminal would act on: an OSC that retitles the
# window, a DSR that makes the terminal answer, a DCS request, a bidi
# override (U+202E) that reverses what follows, the C1 CSI (U+009B), SOH
# and BEL. The screen must show the text harmless ("^[" for ESC, the
# override gone) and the byte stream must hold none of those sequences.

# hostile_sql_function DB: creates hostile(t) in the database (owner only),
# which returns the payload followed by t.
hostile_sql_function() {
    q "CREATE OR REPLACE FUNCTION hostile(t text) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
         SELECT 'Evil' || chr(27) || ']0;PWNED' || chr(7) || chr(27) || '[6n' || chr(8238) || 'desrever'
             || chr(155) || '31m' || chr(1) || chr(27) || 'P+q' || chr(27) || '\\ ' || t \$\$" "$1" >/dev/null
}

# hostile_record FILE: from now on every byte the pane's program writes is
# appended to FILE (the session must be started with tmux_start).
hostile_record() {
    HOSTILE_RAW=$1
    : >"$HOSTILE_RAW"
    tmux -S "$TMUX_SOCK" pipe-pane -t t -o "cat >> '$HOSTILE_RAW'"
    HOSTILE_TITLE=$(tmux -S "$TMUX_SOCK" display-message -p -t t '#{pane_title}')
}

# hostile_clean NAME: ok when no sequence of the payload reached the
# terminal so far and the pane's title is what it was.
hostile_clean() {
    local name=$1 bad="" seq
    # grep -c with a fixed string of raw bytes (LC_ALL=C: bytes, not characters).
    for seq in $'\e]0;PWNED' $'\e[6n' $'\e''P+q' $'\xe2\x80\xae' $'\xc2\x9b' $'\x01'; do
        if LC_ALL=C grep -qF -- "$seq" "$HOSTILE_RAW"; then
            bad="$bad $(printf '%q' "$seq")"
        fi
    done
    local title
    title=$(tmux -S "$TMUX_SOCK" display-message -p -t t '#{pane_title}')
    [ "$title" = "$HOSTILE_TITLE" ] || bad="$bad title:$title"
    if [ -z "$bad" ]; then ok "$name"; else not_ok "$name" "reached the terminal:$bad"; fi
}
