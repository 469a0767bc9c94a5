#!/usr/bin/env bash
# test_make_parallel.sh — a clean tree builds with make -j: generated files never race each other.
. "$TOP/tests/lib/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# The generated sources are what raced (two runs of embed.sh sharing
# temporary files); asking for both at once with -j shows it every time.
for i in 1 2 3 4 5; do
    rm -rf "$T/b"
    if out=$(make -s -C "$TOP" -j8 BUILD="$T/b" "$T/b/gen/embedded.c" "$T/b/gen/embedded.h" 2>&1); then
        ok "make -j8 of the generated files, clean tree, run $i"
    else
        not_ok "make -j8 of the generated files, clean tree, run $i" "$out"
    fi
done
is "embedded.c lists every migration" "$(grep -c '"db/migrations/' "$T/b/gen/embedded.c")" \
   "$(ls "$TOP"/db/migrations/*.sql | wc -l)"
is "no temporary files left behind" "$(ls "$T/b/gen" | grep -c tmp)" 0
tap_done
