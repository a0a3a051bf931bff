#!/bin/sh
# two_months.sh BINARY SOURCE_DIR — the golden two-month case: October then
# November of samples/ run in order with one ledger inside the output
# folder, at -j 1 and again at -j 4; every report of both months and
# `ledger show E3002` compared byte for byte with tests/ledger-golden/.
# GOLDEN_UPDATE=1 rewrites the expected files from the -j 1 run.
set -u
bin=$1
src=$2
want=$src/tests/ledger-golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for j in 1 4; do
    out=$tmp/j$j
    mkdir -p "$out"
    for m in 2026-10 2026-11; do
        # relative input paths: the reports and the ledger name them as given
        (cd "$src" && "$bin" run -c samples/config -o "$out/$m" --ledger "$out/ledger.db" -j $j \
            --quiet "samples/$m") 2>"$out/$m.err"
        rc=$?
        [ $rc -eq 0 ] || { echo "-j $j $m: exit $rc" >&2; cat "$out/$m.err" >&2; status=1; }
    done
    (cd "$src" && "$bin" ledger -c samples/config --ledger "$out/ledger.db" show E3002) \
        >"$out/show-E3002.txt"
    rm -f "$out/ledger.db"* "$out"/*.err
    if [ "${GOLDEN_UPDATE:-}" = 1 ] && [ $j = 1 ]; then
        rm -rf "$want" && mkdir -p "$want" && cp -R "$out"/. "$want"/
        continue
    fi
    if ! diff -r "$want" "$out" >"$tmp/diff" 2>&1; then
        echo "-j $j: output differs from tests/ledger-golden:" >&2
        head -40 "$tmp/diff" >&2
        status=1
    fi
done
exit $status
