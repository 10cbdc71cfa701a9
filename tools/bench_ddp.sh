#!/usr/bin/env bash
# Data-parallel speed-up on this host: pairs per second of training steps of `method=sllm
# size=tiny` (global batch 32) with 1 rank x 1 thread against N ranks x 1 thread
# (trainer.nproc_per_node, c10d Gloo), and the share of a step spent in collectives.
# Steps are timed by the runs themselves (train/ms_per_step: data, forward, backward, all-reduce,
# optimizer). Needs a Qwen2 folder: QWEN2_DIR, or a small one is pretrained first. Usage:
#   tools/bench_ddp.sh [ranks=2] [extra overrides...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
motlab=build/motlab
ranks=2
if [[ "${1:-}" =~ ^ranks=([0-9]+)$ ]]; then ranks=${BASH_REMATCH[1]}; shift; fi
out=${BENCH_DIR:-results/bench/ddp_$(date +%Y%m%d_%H%M%S)}
steps=${BENCH_STEPS:-60}
mkdir -p "$out"
if [ -z "${QWEN2_DIR:-}" ]; then
  $motlab run task=pretrain_qwen2 data=synth_ko task.steps=100 threads=1 run.dir="$out/pretrain_qwen2" >/dev/null 2>&1
  QWEN2_DIR=$out/pretrain_qwen2/model
fi
common=(method=sllm size=tiny device=cpu threads=1 text_encoder.model_dir="$QWEN2_DIR"
  trainer.epochs=1 trainer.max_batches_per_epoch="$steps" trainer.batch_size=32
  "~task.protocols.threshold" "~task.protocols.dissimilar")
$motlab run "${common[@]}" run.dir="$out/ranks1" "$@" >"$out/ranks1.txt" 2>&1
$motlab run "${common[@]}" trainer.nproc_per_node="$ranks" run.dir="$out/ranks$ranks" "$@" \
  >"$out/ranks$ranks.txt" 2>&1
python3 - "$out/ranks1/metrics.json" "$out/ranks$ranks/metrics.json" "$ranks" <<'PY'
import json, sys
# metrics.json: the measurements are under "metrics".
one, many = json.load(open(sys.argv[1]))["metrics"], json.load(open(sys.argv[2]))["metrics"]
ranks = int(sys.argv[3])
pairs = lambda m: 32 * 1000.0 / m["train/ms_per_step"]
comm = many.get("train/communication_ms_per_step", 0.0)
print(f"{'setup':<18} {'ms/step':>9} {'pairs/s':>9} {'comm ms':>8} {'comm %':>7}")
print(f"{'1 rank x 1 thread':<18} {one['train/ms_per_step']:9.1f} {pairs(one):9.1f} {'-':>8} {'-':>7}")
print(f"{f'{ranks} ranks x 1 thread':<18} {many['train/ms_per_step']:9.1f} {pairs(many):9.1f} "
      f"{comm:8.1f} {100 * comm / many['train/ms_per_step']:6.1f}%")
print(f"speed-up {pairs(many) / pairs(one):.2f}x")
PY
echo "runs in $out"
