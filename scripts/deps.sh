#!/bin/sh
# Installs the Debian 12 packages chataudit needs, if any is missing.
set -eu
pkgs="build-essential cmake pkg-config clang libarchive-dev libxml2-dev libpcre2-dev
      libcsv-dev zlib1g-dev libdeflate-dev libsqlite3-dev libjson-c-dev libutf8proc-dev nettle-dev
      libarchive-tools zip unzip xz-utils p7zip-full time python3 chromium"
missing=""
for p in $pkgs; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
