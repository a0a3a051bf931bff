#!/bin/sh
# The test command: installs missing packages, builds with warnings as
# errors and runs every test (ctest).  --sanitize builds and runs the suite
# under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/;
# --tsan builds with ThreadSanitizer in build-tsan/ and runs the tests of the
# threaded parts (the audit runs at -j 4, the parser threads of the import,
# the finish of the import on threads, the matcher's per-thread scratch,
# content.forward's index build, the spill store's concurrent reads).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
dir=build
flags="-DCA_WERROR=ON"
only=
if [ "${1:-}" = "--sanitize" ]; then
    dir=build-asan
    flags="$flags -DCA_SANITIZE=address,undefined"
    export CC=clang
elif [ "${1:-}" = "--tsan" ]; then
    dir=build-tsan
    flags="$flags -DCA_SANITIZE=thread"
    export CC=clang
    only="golden.run-|test_matcher|test_rules|test_forward|test_zipfast|import_threads|dedup_threads|dedup_spilled|ledger.two_months|test_spill.concurrent"
fi
cmake -S . -B "$dir" $flags >/dev/null
cmake --build "$dir" -j "$(nproc)"
cd "$dir" && ctest --output-on-failure -j "$(nproc)" ${only:+-R "$only"}
