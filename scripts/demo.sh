#!/bin/sh
# The demo: installs missing packages, builds, checks the sample
# configuration, then runs the monthly audit on the two sample months in
# order — October, then November — with one ledger, as the administration
# centre would.  Reports go to demo-out/2026-10/ and demo-out/2026-11/ (open
# demo-out/2026-11/index.html), the ledger to demo-out/ledger.db and the
# month's email to demo-out/2026-11.eml.  Re-running starts from a fresh
# ledger, so the result is the same every time.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j "$(nproc)"
mkdir -p demo-out
rm -f demo-out/ledger.db demo-out/ledger.db-wal demo-out/ledger.db-shm
./build/chataudit check -c samples/config
status=0
for month in 2026-10 2026-11; do
    echo "== chataudit run --period $month"
    ./build/chataudit run -c samples/config --ledger demo-out/ledger.db --period "$month" \
        -o "demo-out/$month" --email "demo-out/$month.eml" "samples/$month" || status=$?
done
echo "== chataudit ledger show E3002 (a second red line: termination proposed)"
./build/chataudit ledger -c samples/config --ledger demo-out/ledger.db show E3002 || status=$?
echo
echo "reports: demo-out/2026-10/ and demo-out/2026-11/ (index.html, compliance.html,"
echo "latency.html, penalties.html and the CSVs); email: demo-out/2026-11.eml (exit status $status)"
exit "$status"
