#!/bin/sh
# deps.sh — install the Debian packages Careline needs when missing (as root), or print the apt-get line.
missing=
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "careline: installing missing packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends $missing || {
        echo "careline: apt-get install failed" >&2; exit 1; }
else
    echo "careline: missing packages:$missing" >&2
    echo "Run as root:  apt-get install -y$missing" >&2
    exit 1
fi
