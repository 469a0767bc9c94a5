#!/usr/bin/env bash
# faked_clock.sh "YYYY-MM-DD HH:MM" TEST.sh — run one database test with every process (server, psql, careline) on that London date and time.
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
export LD_PRELOAD=$lib FAKETIME="+$((target - $(date +%s)))" FAKETIME_DONT_FAKE_MONOTONIC=1
echo "# clock set to $(TZ=Europe/London date '+%Y-%m-%d %H:%M %Z')"
log=$(mktemp -d "${TMPDIR:-/tmp}/careline-clock.XXXXXX")
chmod 711 "$log"
. "$TOP/tests/lib/pgtmp.sh"
. "$TOP/tests/lib/templates.sh"
pgtmp_start "$log/pg" || { echo "not ok 1 - PostgreSQL starts under the faked clock"; exit 1; }
trap 'pgtmp_stop; rm -rf "$log"' EXIT
templates_make "$log" | sed 's/^/# /'
bash "$test"
