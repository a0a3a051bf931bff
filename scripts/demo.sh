#!/bin/sh
# The demo: installs missing packages, builds, and imports the sample month
# in samples/2026-11/ (zip, tar.gz with a nested zip, 7z/tar.xz, gz), writing
# the normalized events to demo-out/events.ndjson and the import summary
# to demo-out/summary.txt (also shown).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j "$(nproc)"
mkdir -p demo-out
status=0
./build/chataudit import -c samples/config -o demo-out/events.ndjson \
    --summary demo-out/summary.txt samples/2026-11 || status=$?
cat demo-out/summary.txt
echo "events: $(wc -l < demo-out/events.ndjson) lines in demo-out/events.ndjson (exit status $status)"
