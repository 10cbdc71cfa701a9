#!/usr/bin/env bash
# The viewer's screenshots in docs/ (shown in the README), taken in headless Chromium by the same
# driver as the browser test (tools/npm/viewer_check.mjs): a query typed into `motlab serve <run>`,
# and the same query with `--compare <other run>` side by side. Usage, from the repository root:
#   tools/viewer_screenshots.sh <run> <other run> "<query>" [k]
# e.g. with the main job's stages: results/.../stages/sllm results/.../stages/tmr and a test caption.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run=$1 other=$2 query=$3 k=${4:-6}
motlab=$root/build/motlab
shoot() {  # <png> <serve args...>
  local png=$1 log; shift
  log=$(mktemp)
  "$motlab" serve "$@" --port 0 >"$log" 2>&1 &
  local pid=$!
  trap 'kill $pid 2>/dev/null || true' RETURN
  for _ in $(seq 600); do grep -q "motlab serve: http" "$log" && break; sleep 0.5; done
  local url
  url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$log" | head -1)
  [ -n "$url" ] || { cat "$log"; exit 1; }
  node "$root/tools/npm/viewer_check.mjs" "$url" "$query" "$k" "$png" >/dev/null
  echo "wrote $png"
}
shoot "$root/docs/viewer.png" "$run"
shoot "$root/docs/viewer_compare.png" "$other" --compare "$run"
