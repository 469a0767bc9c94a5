#!/usr/bin/env bash
# test_floors.sh — the four floors have no back-edges: plain helpers < toolkit, model < application; no SQL, libconfig or curses where they do not belong; screens opened only through their typed open functions.
. "$TOP/tests/lib/tap.sh"
cd "$TOP" || exit 1

# Floors by folder; the toolkit and the model are side by side: neither
# uses the other. A header's floor is that of the source whose first
# #include it is (a module's own header comes first; see below for two
# claims), else the table below,
# else that of its includers when they are all on one floor (a header
# shared by the files of one screen).
floor_of_path() {
    case $1 in
    include/base/*) echo base ;;
    tui/*) echo toolkit ;;
    db/*) echo model ;;
    screens/*) echo app ;;
    *) echo "" ;;
    esac
}
declare -A HEADER_FLOOR=([screen.h]=toolkit)
# check NAME LINES...: the lines are what is wrong; none is a pass.
check() {
    local name=$1 line kept=()
    shift
    for line in "$@"; do
        [ -n "$line" ] && kept+=("$line")
    done
    if [ ${#kept[@]} = 0 ]; then ok "$name"; else not_ok "$name" "${kept[@]}"; fi
}
declare -A RANK=([base]=0 [toolkit]=1 [model]=1 [app]=2)

sources=$(git ls-files -- 'include/base/*.c' 'tui/*.c' 'db/*.c' 'screens/*.c' 'screens/**/*.c' 2>/dev/null | sort -u)
[ -n "$sources" ] || sources=$(find include/base tui db screens -name '*.c' | sort)
headers=$(ls include/careline/*.h)

# A claim by the source of the same name wins (db/session.c for
# session.h); else the lowest floor that claims it (a command's front end
# may include the model's header first). The toolkit and the model both
# claiming one header is an error: it would belong to neither.
declare -A NAMED=()
claims=()
for f in $sources; do
    first=$(grep -m1 '^#include' "$f" | sed -n 's|^#include "careline/\(.*\)"|\1|p')
    [ -n "$first" ] || continue
    fl=$(floor_of_path "$f")
    [ -n "${NAMED[$first]:-}" ] && continue
    if [ "$(basename "$f" .c).h" = "$first" ]; then
        HEADER_FLOOR[$first]=$fl
        NAMED[$first]=1
        continue
    fi
    prev=${HEADER_FLOOR[$first]:-}
    if [ -z "$prev" ] || [ "${RANK[$fl]}" -lt "${RANK[$prev]}" ]; then
        HEADER_FLOOR[$first]=$fl
    elif [ "${RANK[$fl]}" = "${RANK[$prev]}" ] && [ "$fl" != "$prev" ]; then
        claims+=("$first: $prev and $fl ($f)")
    fi
done
if [ ${#claims[@]} = 0 ]; then ok "each header belongs to one floor"; else not_ok "each header belongs to one floor" "${claims[@]}"; fi

for h in $headers; do
    b=$(basename "$h")
    [ -z "${HEADER_FLOOR[$b]:-}" ] || continue
    floors=$(grep -l "^#include \"careline/$b\"" $sources 2>/dev/null | while read -r f; do floor_of_path "$f"; done | sort -u)
    [ "$(printf '%s\n' "$floors" | grep -c .)" = 1 ] && HEADER_FLOOR[$b]=$floors
done
unplaced=()
for h in $headers; do
    [ -n "${HEADER_FLOOR[$(basename "$h")]:-}" ] || unplaced+=("$h: no source includes it first; give it a floor here")
done
if [ ${#unplaced[@]} = 0 ]; then ok "every header has a floor"; else not_ok "every header has a floor" "${unplaced[@]}"; fi

# Edges: FILE (a source, or a header by its own floor) including a header
# of a floor it may not use.
back_edges() {
    local f fl inc hf
    for f in "$@"; do
        case $f in
        include/careline/*) fl=${HEADER_FLOOR[$(basename "$f")]:-} ;;
        *) fl=$(floor_of_path "$f") ;;
        esac
        [ -n "$fl" ] || continue
        for inc in $(sed -n 's|^#include "careline/\(.*\)".*|\1|p' "$f"); do
            hf=${HEADER_FLOOR[$inc]:-}
            [ -n "$hf" ] || continue
            if [ "$hf" != "$fl" ] && [ "${RANK[$hf]}" -ge "${RANK[$fl]}" ]; then
                echo "$f ($fl) includes careline/$inc ($hf)"
            fi
        done
    done
}
mapfile -t edges < <(back_edges $sources $headers)
check "no back-edge: every file uses only its floor and those below" "${edges[@]}"

# The same check finds a planted back-edge (so it cannot pass by checking nothing).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/db" "$T/include/base"
printf '#include "careline/db.h"\n#include "careline/tui.h"\n' >"$T/db/planted.c"
printf '#include "careline/util.h"\n#include "careline/keymap.h"\n' >"$T/include/base/planted.c"
planted=$(cd "$T" && back_edges db/planted.c include/base/planted.c)
like "a planted db/ -> toolkit and base -> toolkit edge is found" "$planted" \
     "db/planted.c \(model\) includes careline/tui.h \(toolkit\).*include/base/planted.c \(base\) includes careline/keymap.h"

# Libraries by floor: the model and the plain helpers draw nothing and read
# no configuration file; the toolkit reads no configuration file and
# knows no database.
libs=()
for f in $sources $headers; do
    case $f in include/careline/*) fl=${HEADER_FLOOR[$(basename "$f")]:-} ;; *) fl=$(floor_of_path "$f") ;; esac
    case $fl in
    base) pat='<(n?curses|libconfig|libpq-fe)\.h>' ;;
    model) pat='<(n?curses|libconfig)\.h>' ;;
    toolkit) pat='<(libconfig|libpq-fe)\.h>' ;;
    *) continue ;;
    esac
    hit=$(grep -nE "^#include $pat" "$f") && libs+=("$f ($fl): $hit")
done
check "no curses or libconfig in the model, no libconfig or libpq in the toolkit" "${libs[@]}"

# SQL lives in db/: no statement text in a string literal anywhere else.
sql=$(git ls-files -- 'tui/*' 'screens/*' 'include/*' 2>/dev/null | grep -E '\.[ch]$' |
      xargs grep -nE '"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|WITH [a-z_]+ AS)\b' 2>/dev/null)
if [ -z "$sql" ]; then ok "no SQL text outside db/"; else not_ok "no SQL text outside db/" "$sql"; fi

# Screens open through their typed functions (screens.h), never through a
# push with an untyped argument.
push=$(grep -nE '\btui_push\(' $(printf '%s\n' $sources | grep '^screens/') | grep -v '^screens/registry\.c:')
if [ -z "$push" ]; then ok "screens are opened only through scr_open_NAME()"
else not_ok "screens are opened only through scr_open_NAME()" "$push"; fi

# Results are read by column name: only the libpq path (db/conn*.c) and the
# typed-record decoders (db/record*.c) touch a result's cells; everything else
# decodes through a shape (include/careline/record.h), so a renamed or
# reordered SELECT column fails loudly instead of shifting data.
mapfile -t cells < <(grep -nE '\b(PQgetvalue|PQgetisnull|PQgetlength|PQfnumber|db_cell[a-z_]*)\(' $sources |
                     grep -vE '^db/(conn[a-z_]*|record[a-z_]*)\.c:')
check "results are read by column name, through typed records" "${cells[@]}"

# No exit codes in the model: the command line's are the application's.
mapfile -t codes < <(grep -nE '\bAPP_EXIT_[A-Z]+' $(printf '%s\n' $sources | grep '^db/'))
check "no exit codes in db/" "${codes[@]}"

tap_done
