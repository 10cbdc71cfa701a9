#!/usr/bin/env bash
# The one test command (README and .ci/run): set up, build, run every test (fast and slow).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tools/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
