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
# a spill that cannot be written (here: no file may grow past 4 KB, as on a full
# disk) stops the run with exit 3 and says why, once
mkdir -p "$tmp/spill2"
(cd "$src" && trap '' XFSZ && ulimit -f 8 && TMPDIR="$tmp/spill2" "$bin" run -c samples/config \
    -o "$tmp/c" --no-ledger -j 2 --quiet samples/2026-11) 2>"$tmp/c.err"
rc=$?
if [ $rc -ne 3 ] || [ "$(grep -c "^chataudit: cannot write the spill file in $tmp/spill2: " "$tmp/c.err")" -ne 1 ] ||
    grep -q "out of memory" "$tmp/c.err"; then
    echo "a spill write error: exit $rc, said as:"; cat "$tmp/c.err"
    status=1
fi
exit $status
