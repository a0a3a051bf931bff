#!/bin/sh
# The test command: installs missing packages, builds with warnings as
# errors and runs every test (ctest).  --sanitize builds and runs the suite
# under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
dir=build
flags="-DCA_WERROR=ON"
if [ "${1:-}" = "--sanitize" ]; then
    dir=build-asan
    flags="$flags -DCA_SANITIZE=address,undefined"
    export CC=clang
fi
cmake -S . -B "$dir" $flags >/dev/null
cmake --build "$dir" -j "$(nproc)"
cd "$dir" && ctest --output-on-failure -j "$(nproc)"
