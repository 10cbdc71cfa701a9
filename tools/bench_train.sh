#!/usr/bin/env bash
# Training speed of each method (optimizer steps per second, batch 32) at the tiny and the paper
# sizes, measured by real `motlab run` jobs limited to a few batches (their metrics record the mean
# time of a training step, data loading included). The sLLM methods need a Qwen2 folder and TMR a
# DistilBERT folder: pass real ones (QWEN2_DIR, DISTILBERT_DIR) or leave them unset to pretrain the
# small built-in ones first. Usage:
#   tools/bench_train.sh [device=cpu|cuda] [threads=N]      (extra overrides go to every job)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
motlab=build/motlab
out=${BENCH_DIR:-results/bench/train_$(date +%Y%m%d_%H%M%S)}
mkdir -p "$out"
steps=${BENCH_STEPS:-20}
if [ -z "${QWEN2_DIR:-}" ]; then
  $motlab run task=pretrain_qwen2 data=synth_ko task.steps=100 run.dir="$out/pretrain_qwen2" "$@" >/dev/null 2>&1
  QWEN2_DIR=$out/pretrain_qwen2/model
fi
if [ -z "${DISTILBERT_DIR:-}" ]; then
  $motlab run task=pretrain_distilbert data=synth_ko task.steps=100 run.dir="$out/pretrain_distilbert" "$@" >/dev/null 2>&1
  DISTILBERT_DIR=$out/pretrain_distilbert/model
fi
printf "%-12s %-6s %10s %12s\n" method size steps/s ms/step
for size in tiny paper; do
  for method in tmr sllm cnn sllm_fused; do
    case $method in
      tmr) args=(method=tmr text_encoder.model_dir="$DISTILBERT_DIR") ;;
      sllm) args=(method=sllm text_encoder.model_dir="$QWEN2_DIR") ;;
      cnn) args=(method=sllm motion_encoder=cnn text_encoder.model_dir="$QWEN2_DIR") ;;
      # the fused encoder loads the two encoders this loop has just trained at this size
      sllm_fused) args=(method=sllm_fused text_encoder.model_dir="$QWEN2_DIR"
        motion_encoder.tmr_run="$out/sllm_$size" motion_encoder.cnn_run="$out/cnn_$size") ;;
    esac
    dir=$out/${method}_$size
    $motlab run "${args[@]}" size=$size trainer.epochs=1 trainer.max_batches_per_epoch=$steps \
      "~task.protocols.threshold" "~task.protocols.dissimilar" run.dir="$dir" "$@" >/dev/null 2>&1 ||
      { echo "$method $size: failed (see $dir/log.txt)"; continue; }
    python3 - "$dir/metrics.json" "$method" "$size" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
ms = m["train/ms_per_step"]
print(f"{sys.argv[2]:<12} {sys.argv[3]:<6} {1000.0 / ms:10.2f} {ms:12.1f}")
PY
  done
done
echo "runs in $out"
