#!/bin/sh
# golden.sh BINARY CASEDIR — runs one golden case and compares byte for byte.
#
# A case folder holds:
#   cmd           the arguments, one line, relative to the case folder
#                 (the word chataudit is not included)
#   expected.out  the expected standard output
#   expected.err  the expected standard error (optional)
#   expected.rc   the expected exit status (optional, default 0)
#   expected-files/  (optional) the files the command writes into $OUT, a
#                 fresh folder whose path cmd may use as "$OUT"; each is
#                 compared byte for byte and no other file may appear
# Set GOLDEN_UPDATE=1 to rewrite the expected files from the current output.
set -u
bin=$1
dir=$2
cd "$dir" || exit 2
out=$(mktemp) err=$(mktemp)
OUT=$(mktemp -d)
export OUT
trap 'rm -rf "$out" "$err" "$OUT"' EXIT
# shellcheck disable=SC2046
eval "set -- $(cat cmd)"
"$bin" "$@" >"$out" 2>"$err"
rc=$?
if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
    cp "$out" expected.out
    cp "$err" expected.err
    echo "$rc" > expected.rc
    if [ -n "$(ls -A "$OUT")" ]; then
        # a case may share another's expected files through symlinks
        # (run-month-j4 expects exactly what run-month-j1 does)
        mkdir -p expected-files
        rm -rf expected-files/*
        cp -R "$OUT"/. expected-files/
    fi
    exit 0
fi
want_rc=0
[ -f expected.rc ] && want_rc=$(cat expected.rc)
status=0
if [ "$rc" != "$want_rc" ]; then
    echo "exit status $rc, expected $want_rc" >&2
    status=1
fi
if ! cmp -s "$out" expected.out; then
    echo "standard output differs from expected.out:" >&2
    diff -u expected.out "$out" | head -40 >&2
    status=1
fi
if [ -f expected.err ] && ! cmp -s "$err" expected.err; then
    echo "standard error differs from expected.err:" >&2
    diff -u expected.err "$err" | head -40 >&2
    status=1
fi
if [ -d expected-files ]; then
    for f in expected-files/* "$OUT"/*; do
        [ -e "$f" ] || continue
        name=${f##*/}
        if [ ! -e "expected-files/$name" ]; then
            echo "unexpected output file $name" >&2
            status=1
        elif [ ! -e "$OUT/$name" ]; then
            echo "missing output file $name" >&2
            status=1
        elif ! cmp -s "expected-files/$name" "$OUT/$name"; then
            echo "$name differs from expected-files/$name:" >&2
            diff -u "expected-files/$name" "$OUT/$name" | head -20 >&2
            status=1
        fi
    done
fi
exit $status
