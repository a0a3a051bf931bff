#!/bin/sh
# make-archives.sh — builds the demo inputs in samples/2026-11/ from the
# export files in samples/src/2026-11/, the way the administration centre
# receives them:
#
#   星河全员群-MemoTrace.zip   zip of the MemoTrace (v1) export folder
#   PyWxDump-chatlog.tar.gz    PyWxDump exports (current, a GB18030 re-save,
#                              legacy) and chatlog.zip, a nested zip holding
#                              the chatlog CSV
#   项目A协调群.csv.gz          the WeFlow "WeClone" CSV, gzipped alone
#   销售部群-MemoTrace2.7z      the MemoTrace v2 export folder in a 7z
#   钉钉-企业微信.zip           a DingTalk event file (NDJSON) and a WeCom
#                              group-info JSON
#
# Reproducible: files are staged in a temporary folder with fixed modes and
# times, entries are added in sorted order, and every tool is told to leave
# out what varies (zip -X, gzip -n, tar --sort/--mtime/--owner, 7z without
# creation/access times, one thread).  Running it twice gives byte-identical
# archives (with the same versions of zip, tar, gzip and p7zip).
#
# Needs: zip, tar (GNU), gzip, 7z (p7zip-full).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$here/src/2026-11
out=$here/2026-11
stamp='2026-12-01 09:00:00'
export TZ=UTC LC_ALL=C.UTF-8

for tool in zip tar gzip 7z; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "make-archives.sh: needs $tool (Debian: zip, tar, gzip, p7zip-full)" >&2
        exit 1
    }
done
[ -d "$src" ] || { echo "make-archives.sh: $src not found" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
stage=$tmp/stage
mkdir "$stage"
cp -R "$src/." "$stage/"

# Fixed modes and times for everything that goes into an archive.
fix() {
    find "$@" -type d -exec chmod 755 {} +
    find "$@" -type f -exec chmod 644 {} +
    find "$@" -exec touch -h -d "$stamp" {} +
}
# A zip of the named top-level folders, entries in byte order.
mkzip() {
    zipfile=$1
    shift
    find "$@" | LC_ALL=C sort | zip -X -q -9 -UN=UTF8 -@ "$zipfile"
}

cd "$stage"
fix .
mkzip "$tmp/chatlog.zip" chatlog
mv "$tmp/chatlog.zip" chatlog.zip
fix chatlog.zip

mkdir -p "$tmp/out"
mkzip "$tmp/out/星河全员群-MemoTrace.zip" MemoTrace
tar --sort=name --format=gnu --mtime="$stamp" --owner=0 --group=0 --numeric-owner \
    -cf - PyWxDump PyWxDump-legacy chatlog.zip | gzip -n -9 > "$tmp/out/PyWxDump-chatlog.tar.gz"
gzip -n -9 -c WeFlow/项目A协调群.csv > "$tmp/out/项目A协调群.csv.gz"
mkzip "$tmp/out/钉钉-企业微信.zip" DingTalk WeCom
# 7z lists entries in the order given; -mtc/-mta off keeps only mtimes.
find MemoTrace2 | LC_ALL=C sort > "$tmp/list7z"
7z a -t7z -mx=9 -mmt=1 -mtc=off -mta=off -mtm=on -bd -bso0 -bsp0 \
    "$tmp/out/销售部群-MemoTrace2.7z" "@$tmp/list7z" >/dev/null

# samples/2026-11 holds exactly these archives (the demo imports the folder).
mkdir -p "$out"
find "$out" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
cp "$tmp/out/"* "$out/"
for f in "$out"/*; do
    printf '%8d  %s\n' "$(stat -c %s "$f")" "${f##*/}"
done
