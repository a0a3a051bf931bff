#!/bin/sh
# spill_tmpdir.sh BINARY SOURCE_DIR — where `run` keeps the month's events:
# in a temporary file of $TMPDIR that leaves nothing behind (the folder is
# empty again after the run, and was empty during it as far as ls can
# tell: the file is created unlinked), and, when $TMPDIR cannot take a
# file, in memory, said on stderr — with the same reports either way.
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/spill" "$tmp/a" "$tmp/b"
status=0
(cd "$src" && TMPDIR="$tmp/spill" "$bin" run -c samples/config -o "$tmp/a" --no-ledger -j 2 \
    --quiet samples/2026-11) 2>"$tmp/a.err" || { echo "spilled run failed"; cat "$tmp/a.err"; status=1; }
if [ -n "$(ls -A "$tmp/spill")" ]; then
    echo "left in TMPDIR: $(ls -A "$tmp/spill")"
    status=1
fi
(cd "$src" && TMPDIR="$tmp/missing" "$bin" run -c samples/config -o "$tmp/b" --no-ledger -j 2 \
    --quiet samples/2026-11) 2>"$tmp/b.err" || { echo "in-memory run failed"; cat "$tmp/b.err"; status=1; }
if ! grep -q "^chataudit: cannot create a temporary file in $tmp/missing: No such file or directory; the events are kept in memory instead\$" "$tmp/b.err"; then
    echo "no fallback message:"; cat "$tmp/b.err"
    status=1
fi
if ! diff -r "$tmp/a" "$tmp/b"; then
    echo "spilled and in-memory reports differ"
    status=1
fi
exit $status
