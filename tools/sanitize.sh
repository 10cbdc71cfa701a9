#!/usr/bin/env bash
# The fast tests under AddressSanitizer + UndefinedBehaviorSanitizer (MOTLAB_SANITIZE=ON, GCC),
# built into build-asan/. Any sanitizer report fails the test that triggered it.
#   tools/sanitize.sh [ctest args...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tools/setup.sh --no-build
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTLAB_SANITIZE=ON >/dev/null
cmake --build build-asan
# LibTorch is not instrumented: its intentional one-time allocations are not leaks of ours, and
# its libraries were not built for ODR checking.
export ASAN_OPTIONS=detect_leaks=1:detect_odr_violation=0:alloc_dealloc_mismatch=0:abort_on_error=1
export LSAN_OPTIONS=suppressions=$root/tools/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan -L fast --output-on-failure -j "$(nproc)" "$@"
