#!/usr/bin/env bash
# faked_clock.sh "YYYY-MM-DD HH:MM" TEST.sh — run one database test with the server, psql and careline on that London date and time.
#
# libfaketime moves the clock by a fixed offset, so time still passes and all
# processes agree; the test gets its own private cluster and templates.
set -u
when=$1 test=$2
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
export TOP
lib=
for f in /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1; do
    [ -f "$f" ] && { lib=$f; break; }
done
if [ -z "$lib" ]; then
    echo "not ok 1 - libfaketime is installed (apt-get install faketime)"
    exit 1
fi
target=$(TZ=Europe/London date -d "$when" +%s) || { echo "not ok 1 - a date: $when"; exit 1; }
log=$(mktemp -d "${TMPDIR:-/tmp}/careline-clock.XXXXXX")
chmod 711 "$log"
. "$TOP/tests/lib/pgtmp.sh"
bindir=$(pgtmp_bindir) || exit 1

# The library is preloaded into each clock-reading program alone, through a
# wrapper, never into a shell: libfaketime shares a semaphore from the first
# faked process with its children, which the server's user cannot open when
# root made it, and which is gone once a short-lived parent (pg_ctl, a
# subshell) exits. The server is faked from the postmaster down.
export FAKETIME="+$((target - $(date +%s)))" FAKETIME_DONT_FAKE_MONOTONIC=1
mkdir -m 755 "$log/bin"
wrap() {   # wrap NAME PROGRAM
    printf '#!/bin/sh\nLD_PRELOAD=%s exec %s "$@"\n' "$lib" "$2" >"$log/bin/$1"
    chmod 755 "$log/bin/$1"
}
wrap postgres "$bindir/postgres"
for p in psql createdb dropdb; do wrap "$p" "$(command -v "$p")"; done
wrap careline "$CARELINE"
# The database test programs beside it (tests/db/*.c), found as the tests find them.
mkdir -m 755 "$log/bin/dbtests"
for d in "$(dirname "$CARELINE")"/dbtests/*; do
    [ -x "$d" ] && wrap "dbtests/${d##*/}" "$d"
done
export PATH=$log/bin:$PATH CARELINE=$log/bin/careline PGTMP_POSTGRES=$log/bin/postgres
echo "# clock set to $(LD_PRELOAD=$lib TZ=Europe/London date '+%Y-%m-%d %H:%M %Z')"

. "$TOP/tests/lib/templates.sh"
pgtmp_start "$log/pg" || { echo "not ok 1 - PostgreSQL starts under the faked clock"; exit 1; }
trap 'pgtmp_stop; rm -rf "$log"' EXIT
is_now=$(psql -X -At -c "SELECT to_char(now() AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24')")
[ "$is_now" = "$(TZ=Europe/London date -d "$when" '+%Y-%m-%d %H')" ] ||
    { echo "not ok 1 - the server's clock is faked (it says $is_now)"; exit 1; }
templates_make "$log" | sed 's/^/# /'
bash "$test"
