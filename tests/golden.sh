#!/bin/sh
# golden.sh BINARY CASEDIR — runs one golden case and compares byte for byte.
#
# A case folder holds:
#   cmd           the arguments, one line, relative to the case folder
#                 (the word chataudit is not included)
#   expected.out  the expected standard output
#   expected.err  the expected standard error (optional)
#   expected.rc   the expected exit status (optional, default 0)
# Set GOLDEN_UPDATE=1 to rewrite the expected files from the current output.
set -u
bin=$1
dir=$2
cd "$dir" || exit 2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
# shellcheck disable=SC2046
eval "set -- $(cat cmd)"
"$bin" "$@" >"$out" 2>"$err"
rc=$?
if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
    cp "$out" expected.out
    cp "$err" expected.err
    echo "$rc" > expected.rc
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
exit $status
