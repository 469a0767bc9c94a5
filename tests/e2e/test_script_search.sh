#!/usr/bin/env bash
# test_script_search.sh — the search screen in the display-less scripted mode: dumps compared with expected screens.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/screen.sh"
. "$TOP/tests/lib/fixtures.sh"
T=$(mktemp -d)
export PGDATABASE=e2e_script_$$
createdb -T "$MIGRATED_TEMPLATE" "$PGDATABASE" || { not_ok "copy the migrated template"; tap_done; exit 1; }
trap 'dropdb --if-exists "$PGDATABASE"; rm -rf "$T"' EXIT
fixtures_load || not_ok "load fixtures"

# Type a name, move, open, come back, help, quit.
script_check search_name 24x80 <<'KEYS'
:dump
:type quuxworth
:dump
Down Down
:dump
Enter
:dump
Esc
:dump
?
:dump
Esc
Up Up
:type -smythe
:dump
KEYS

# Exact keys: account, phone written the way customers say it, postcode, meter.
script_check search_keys 24x80 <<'KEYS'
:type 4999999991
:dump
C-u
:type +44 (0)7700 900461
:dump
C-u
:type zz9 9zz
:dump
C-u
:type QX99887766
:dump
KEYS

# What cannot be searched gets a hint, never a database error.
script_check search_hints 24x80 <<'KEYS'
:type ab
:dump
C-u
:type '; --
:dump
C-u
:type nobody-is-called-this-xyzzy
:dump
KEYS

# Hostile and wide text from the database is drawn harmlessly and cut by width.
script_check search_untrusted 24x80 <<'KEYS'
:type Evil
:dump
C-u
:type 5 Quay Row
:dump
KEYS

# Resizing never crashes; the screen redraws at each size.
script_check search_resize 24x80 <<'KEYS'
:type quuxworth
:resize 12 40
:dump
:resize 5 20
:dump
:resize 1 1
:resize 24 80
:dump
KEYS

# A plain vt100 with no colour and no UTF-8: nothing but ASCII on the screen.
script_check search_ascii 24x80 TERM=vt100 LANG=C LC_ALL=C NO_COLOR=1 <<'KEYS'
:type quuxworth
:dump
Down Enter
:dump
KEYS
if LC_ALL=C grep -q '[^ -~]' "$T/search_ascii.out"; then
    not_ok "ASCII mode sends only ASCII" "$(LC_ALL=C grep -n '[^ -~]' "$T/search_ascii.out" | head -5)"
else
    ok "ASCII mode sends only ASCII"
fi

tap_done
