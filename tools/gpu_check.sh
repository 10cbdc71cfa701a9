#!/usr/bin/env bash
# Everything issue 16 asks of the GPU machine, in one call: the CUDA build, the fast tests and
# the CUDA variants, parity with Hugging Face transformers (Qwen2, DistilKoBERT, e5, the PEFT
# adapter), the query encoder's speed (P1) and a TMR training step's (P2) next to their
# references, and short paper-size training runs on CUDA whose checkpoints are reloaded.
#
# On the development machine first: tools/gpu_prepare.sh. Then one device call with
# carry [".devdeps"] and the command
#   source .devdeps/device-env.sh; bash tools/gpu_check.sh
# Each stage writes $OUT/<stage>.log and appends JSON lines to $OUT/results.jsonl as it finishes,
# so a call cut short still returns what it measured; $OUT/summary.md (also printed) is the
# compact table. Stages stop at GPU_CHECK_BUDGET_S (570 s: the device tool allows 600 s a call),
# and all of them take ~11 min on an H200 by estimate, so plan two calls on one warm machine:
#   GPU_CHECK_STAGES="env build parity p1 p2"   (the parity and speed tables in one call)
#   GPU_CHECK_STAGES="tests train"              (reuses build-cuda/ and p1's Qwen2 folder)
#
# GPU_CHECK_DRY=1 runs the non-GPU parts here (CPU, tiny sizes, the existing build/, no
# transformers): the commands, the JSON and the summary are checked before the device time is spent.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
OUT=${OUT:-$root/results/gpu_check}
mkdir -p "$OUT"
results=$OUT/results.jsonl
dry=${GPU_CHECK_DRY:-0}
stages=${GPU_CHECK_STAGES:-"env build tests parity p1 p2 train"}
jobs=$(nproc)
python=${PYTHON:-python3}
started=$(date +%s)
budget=${GPU_CHECK_BUDGET_S:-570}  # the device tool allows 600 s per command

if [ "$dry" = 1 ]; then
  device=cpu build_dir=${GPU_CHECK_BUILD_DIR:-build}
  qwen_layers=2 repeats=3 warmup=1 train_batches=4 train_epochs=1 step_repeats=3
else
  device=cuda build_dir=${GPU_CHECK_BUILD_DIR:-build-cuda}
  qwen_layers=28 repeats=50 warmup=5 train_batches=100 train_epochs=2 step_repeats=50
fi
motlab=$build_dir/motlab
# FAISS's reference BLAS/LAPACK from .devdeps live in subfolders the loader is not told about.
devlib=/opt/devdeps/usr/lib/x86_64-linux-gnu
[ -d "$devlib/blas" ] && export LD_LIBRARY_PATH="$devlib/blas:$devlib/lapack:${LD_LIBRARY_PATH:-}"
# Model folders and runs stay out of $OUT (only the logs and tables travel back) and survive a
# second call on the same machine.
work=${GPU_CHECK_WORK:-$root/results/gpu_check_work}
mkdir -p "$work"

say() { printf '[gpu_check %4ds] %s\n' $(($(date +%s) - started)) "$*"; }
record() { echo "$1" >> "$results"; }  # one JSON object per line
# run_stage NAME TIMEOUT_S: runs stage_NAME under a time limit, its output in $OUT/NAME.log.
run_stage() {
  local name=$1 limit=$2 t0 rc left
  case " $stages " in *" $name "*) ;; *) return 0 ;; esac
  # Within the call's budget, so the summary is always written before the device tool's limit.
  left=$((budget - ($(date +%s) - started)))
  if [ "$left" -lt 30 ]; then
    say "stage $name skipped: ${left}s of GPU_CHECK_BUDGET_S left"
    record "{\"stage\": \"$name\", \"rc\": \"skipped (budget)\", \"seconds\": 0}"
    return 0
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  say "stage $name (limit ${limit}s)"
  t0=$(date +%s)
  timeout --signal=TERM --kill-after=10 "$limit" bash -c "$(declare -f "stage_$name" say record); stage_$name" \
    > "$OUT/$name.log" 2>&1
  rc=$?
  record "{\"stage\": \"$name\", \"rc\": $rc, \"seconds\": $(($(date +%s) - t0))}"
  [ $rc -eq 0 ] || { say "stage $name: rc $rc, last lines:"; tail -n 15 "$OUT/$name.log"; }
  return 0
}
export OUT results dry device build_dir motlab work jobs python qwen_layers repeats warmup \
  train_batches train_epochs step_repeats started

# ---- env: what machine, which versions -------------------------------------------------------
stage_env() {
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
  $python - <<'PY'
import json, importlib
info = {"stage_info": "env"}
import torch
info["torch"] = torch.__version__
info["cuda"] = torch.version.cuda
info["gpu"] = torch.cuda.get_device_name() if torch.cuda.is_available() else None
for name in ("transformers", "peft", "safetensors", "tokenizers", "numpy"):
    try:
        info[name] = importlib.import_module(name).__version__
    except Exception as e:  # absent: the stage that needs it says so
        info[name] = None
print(json.dumps(info))
with open(__import__("os").environ["results"], "a") as f:
    f.write(json.dumps(info) + "\n")
PY
}

# ---- build: motlab and the tests against the device's LibTorch (CUDA) ------------------------
stage_build() {
  if [ "$dry" = 1 ]; then
    cmake --build "$build_dir" -j "$jobs"
    return
  fi
  # Debian's FAISS package names its BLAS/LAPACK by absolute /usr paths: point them at the
  # unpacked copies (device-env.sh unpacks into /opt/devdeps).
  local lib=/opt/devdeps/usr/lib/x86_64-linux-gnu
  if [ -f "$lib/cmake/faiss/faiss-targets.cmake" ]; then
    sed -i "s#/usr/lib/x86_64-linux-gnu/libblas.so#$lib/blas/libblas.so#g;
            s#/usr/lib/x86_64-linux-gnu/liblapack.so#$lib/lapack/liblapack.so#g" \
      "$lib/cmake/faiss/faiss-targets.cmake"
  fi
  [ -e "$lib/blas/libblas.so" ] || ln -sf libblas.so.3 "$lib/blas/libblas.so"
  [ -e "$lib/lapack/liblapack.so" ] || ln -sf liblapack.so.3 "$lib/lapack/liblapack.so"
  # The wheel's own nccl.h (site-packages/nvidia/...), the one libtorch_cuda was built with.
  local nccl
  nccl=$($python -c 'import glob, os, torch
site = os.path.dirname(os.path.dirname(torch.__file__))
found = sorted(glob.glob(os.path.join(site, "nvidia", "**", "nccl.h"), recursive=True))
print(os.path.dirname(found[0]) if found else "")')
  echo "nccl.h: ${nccl:-not found} (runtime NCCL $($python -c 'import torch; print(torch.cuda.nccl.version())' 2>/dev/null))"
  local flags=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
  [ -n "$nccl" ] && flags+=(-DMOTLAB_NCCL_INCLUDE="$nccl")
  if cmake -S . -B "$build_dir" "${flags[@]}" && cmake --build "$build_dir" -j "$jobs"; then
    record '{"build": "ok", "cuda_graphs": true}'
    return
  fi
  # Keep the first failure for the note, then build without the two CUDA-only extras.
  say "build failed; retrying with MOTLAB_CUDA_GRAPHS=OFF MOTLAB_NCCL=OFF"
  cmake -S . -B "$build_dir" "${flags[@]}" -DMOTLAB_CUDA_GRAPHS=OFF -DMOTLAB_NCCL=OFF &&
    cmake --build "$build_dir" -j "$jobs" && record '{"build": "ok", "cuda_graphs": false}'
}

# ---- tests: the fast suite (CPU paths) and the CUDA variants ---------------------------------
stage_tests() {
  ctest --test-dir "$build_dir" -L fast -j "$jobs" --timeout 120 --output-on-failure > "$OUT/ctest_fast.txt" 2>&1
  local rc=$?
  local line
  line=$(grep -E "tests passed|tests failed" "$OUT/ctest_fast.txt" | tail -n 1)
  record "{\"tests\": \"fast\", \"rc\": $rc, \"summary\": \"$line\"}"
  grep -E "\(Failed\)|\(Timeout\)|\*\*\*" "$OUT/ctest_fast.txt" | head -n 20
  "$build_dir/cuda_variants_test" > "$OUT/cuda_variants.txt" 2>&1
  local vrc=$?
  line=$(grep -cE "^\[       OK \]" "$OUT/cuda_variants.txt")
  local skipped failed
  skipped=$(grep -cE "^\[  SKIPPED \]" "$OUT/cuda_variants.txt")
  failed=$(grep -cE "^\[  FAILED  \].*\(" "$OUT/cuda_variants.txt")
  record "{\"tests\": \"cuda_variants\", \"rc\": $vrc, \"ok\": $line, \"skipped\": $skipped, \"failed\": $failed}"
  grep -E "Failure|Expected|actual|SKIPPED|FAILED" "$OUT/cuda_variants.txt" | head -n 20
  [ $rc -eq 0 ] && [ $vrc -eq 0 ]
}

# ---- parity with transformers ------------------------------------------------------------------
stage_parity() {
  local ok=0
  if ! $python -c 'import transformers' 2>/dev/null; then
    record '{"parity": "skipped: transformers is not installed here"}'
    return 0
  fi
  $python tools/parity/qwen2_parity.py --motlab "$motlab" --layers 2 --device "$device" \
    --work-dir "$work/qwen2_parity" | tee "$work/qwen2_parity.txt" || ok=1
  grep '^{' "$work/qwen2_parity.txt" | tail -n 1 >> "$results"
  $python tools/parity/encoder_parity.py --motlab "$motlab" --device "$device" \
    --work-dir "$work/encoder_parity" | tee "$work/encoder_parity.txt" || ok=1
  grep '^{' "$work/encoder_parity.txt" | tail -n 1 >> "$results"
  if $python -c 'import peft' 2>/dev/null; then
    $python tools/parity/peft_roundtrip.py --motlab "$motlab" --device "$device" \
      --work-dir "$work/peft" | tee "$work/peft.txt" || ok=1
    grep '^{' "$work/peft.txt" | tail -n 1 >> "$results"
  else
    record '{"peft_roundtrip": "peft is not installed on this machine"}'
  fi
  return $ok
}

# ---- P1: the query encoder (qwen2_lora, Qwen2-1.5B config, bf16) against HF eager ------------
stage_p1() {
  if [ "$dry" = 1 ] || ! $python -c 'import transformers' 2>/dev/null; then
    record '{"p1": "skipped: needs CUDA and transformers"}'
    return 0
  fi
  $python tools/parity/qwen2_latency.py --motlab "$motlab" --layers "$qwen_layers" \
    --repeats "$repeats" --warmup "$warmup" --tokenizer .devdeps/qwen_tokenizer/tokenizer.json \
    --work-dir "$work/p1" --variant graphs= --variant eager=text_encoder.cuda_graphs=false \
    | tee "$work/p1.txt"
  local rc=${PIPESTATUS[0]}
  grep '^{' "$work/p1.txt" | tail -n 1 >> "$results"
  return "$rc"
}

# ---- P2: one TMR-size contrastive step, motlab against plain eager PyTorch -------------------
stage_p2() {
  local rc=0
  $python tools/parity/tmr_step_reference.py --device "$device" --repeats "$step_repeats" \
    | tee "$work/p2_reference.txt" || rc=1
  grep '^{' "$work/p2_reference.txt" | tail -n 1 >> "$results"
  # A DistilBERT of DistilKoBERT's width (768) for the text side's cached token features.
  rm -rf "$work/distilbert768"
  "$motlab" run task=pretrain_distilbert data=synth_ko task.dim=768 task.hidden_dim=3072 \
    task.n_heads=12 task.steps=1 device="$device" run.dir="$work/distilbert768" > /dev/null || rc=1
  local bf16
  for bf16 in false true; do
    [ "$device" = cpu ] && [ $bf16 = true ] && continue
    rm -rf "$work/p2_motlab_bf16_$bf16"
    "$motlab" run task=bench_train_step method=tmr size=paper loss=infonce '~text_similarity' \
      text_encoder.model_dir="$work/distilbert768/model" trainer.bf16=$bf16 device="$device" \
      task.repeats="$step_repeats" run.dir="$work/p2_motlab_bf16_$bf16" || rc=1
    $python -c "import json,sys; m=json.load(open(sys.argv[1]))['metrics']; print(json.dumps({'p2_motlab': {'bf16': sys.argv[2] == 'true', **{k: m[k] for k in ('median_ms','mean_ms','p10_ms','p90_ms','first_loss','last_loss','trainable_parameters')}}}))" \
      "$work/p2_motlab_bf16_$bf16/metrics.json" $bf16 >> "$results" || rc=1
  done
  return $rc
}

# ---- paper-size training on CUDA (bf16 autocast): loss falls, no NaN, checkpoints reload ------
stage_train() {
  local rc=0 qwen2=$work/p1/model
  if [ "$dry" = 1 ] && [ ! -f "$qwen2/config.json" ]; then  # no p1 here: a small pretrained one
    "$motlab" run task=pretrain_qwen2 data=synth_ko task.steps=20 run.dir="$work/qwen2_small" \
      > /dev/null && qwen2=$work/qwen2_small/model
  fi
  [ -f "$qwen2/config.json" ] || { echo "no Qwen2 folder from stage p1 at $qwen2"; return 1; }
  local method args
  for method in sllm tmr; do
    case $method in
      sllm) args=(method=sllm text_encoder.model_dir="$qwen2" text_encoder.dtype=bfloat16) ;;
      tmr) args=(method=tmr text_encoder.model_dir="$work/distilbert768/model") ;;
    esac
    rm -rf "$work/train_$method" "$work/reload_$method"
    "$motlab" run "${args[@]}" size=paper device="$device" trainer.epochs="$train_epochs" \
      trainer.max_batches_per_epoch="$train_batches" run.dir="$work/train_$method" || rc=1
    # Reload: the trained text encoder's weights from the run re-encode the test captions.
    "$motlab" run task=reevaluate task.source_run="$work/train_$method" device="$device" \
      run.dir="$work/reload_$method" || rc=1
    $python - "$work/train_$method" "$work/reload_$method" "$method" <<'PY' >> "$results" || rc=1
import csv, json, math, sys
run, reload, method = sys.argv[1:4]
rows = list(csv.DictReader(open(f"{run}/metrics.csv")))
losses = [float(r["train/loss"]) for r in rows if r.get("train/loss")]
metrics = json.load(open(f"{run}/metrics.json"))["metrics"]
again = json.load(open(f"{reload}/metrics.json"))["metrics"]
out = {"train": method, "epochs": len(rows), "steps": int(float(rows[-1]["step"])) if rows else 0,
       "loss_first_epoch": losses[0] if losses else None, "loss_last_epoch": losses[-1] if losses else None,
       "finite": all(math.isfinite(x) for x in losses),
       "test_t2m_R10": metrics.get("all/t2m/R10"), "reloaded_t2m_R10": again.get("all/t2m/R10"),
       "ms_per_step": metrics.get("train/ms_per_step")}
out["loss_fell"] = bool(losses) and losses[-1] < losses[0]
print(json.dumps(out))
PY
  done
  return $rc
}

run_stage env 60
run_stage build 300
run_stage tests 200
run_stage parity 200
run_stage p1 200
run_stage p2 150
run_stage train 240

# ---- summary ------------------------------------------------------------------------------------
$python - "$results" > "$OUT/summary.md" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
out = []
env = next((l for l in lines if l.get("stage_info") == "env"), {})
out.append(f"GPU {env.get('gpu')} · torch {env.get('torch')} (CUDA {env.get('cuda')}) · "
           f"transformers {env.get('transformers')} · peft {env.get('peft')}")
out.append("\n| stage | rc | s |\n|---|---|---|")
for l in lines:
    if "stage" in l and "rc" in l:
        out.append(f"| {l['stage']} | {l['rc']} | {l['seconds']} |")
for l in lines:
    if "tests" in l:
        out.append(f"\ntests {l['tests']}: rc {l['rc']} {l.get('summary', '')} "
                   f"{'ok %s skipped %s failed %s' % (l['ok'], l['skipped'], l['failed']) if 'ok' in l else ''}")
out.append("\n| parity | dtype | max abs error |\n|---|---|---|")
for l in lines:
    if "qwen2_parity" in l:
        for k, v in l["qwen2_parity"].items():
            out.append(f"| Qwen2 ({l['layers']} layers) | {k} | {v:.3e} |")
    if "encoder_parity" in l:
        for arch, r in l["encoder_parity"].items():
            for k, v in r.items():
                out.append(f"| {arch} | {k} | {v:.3e} |")
    if "peft_to_motlab_max_abs_diff" in l:
        out.append(f"| LoRA PEFT -> motlab | f32 | {l['peft_to_motlab_max_abs_diff']:.3e} |")
        out.append(f"| LoRA motlab -> PEFT | f32 | {l['motlab_to_peft_max_abs_diff']:.3e} |")
    if "peft_roundtrip" in l:
        out.append(f"| LoRA round trip | - | {l['peft_roundtrip']} |")
out.append("\n| speed | reference | motlab | ratio |\n|---|---|---|---|")
for l in lines:
    if "qwen2_latency" in l:
        for batch, r in l["qwen2_latency"].items():
            for variant, ms in r["motlab_ms"].items():
                out.append(f"| P1 query encoder, batch {batch}, {variant} (ms; HF eager fwd) | "
                           f"{r['hf_forward_ms']:.2f} | {ms:.2f} | {r['hf_forward_ms'] / ms:.1f}x |")
ref = next((l["tmr_step_reference"] for l in lines if "tmr_step_reference" in l), {})
for l in lines:
    if "p2_motlab" in l:
        m = l["p2_motlab"]
        key = "bf16" if m["bf16"] else "fp32"
        r = ref.get(key, {}).get("median_ms")
        out.append(f"| P2 TMR step {key} (ms, plain PyTorch) | {r if r is None else round(r, 2)} | "
                   f"{m['median_ms']:.2f} | {'' if r is None else '%.1fx' % (r / m['median_ms'])} |")
out.append("\n| training | epochs | steps | loss first -> last | finite | test R@10 | reloaded R@10 | ms/step |\n|---|---|---|---|---|---|---|---|")
for l in lines:
    if "train" in l and "loss_fell" in l:
        out.append(f"| {l['train']} | {l['epochs']} | {l['steps']} | {l['loss_first_epoch']} -> "
                   f"{l['loss_last_epoch']} | {l['finite']} | {l['test_t2m_R10']} | "
                   f"{l['reloaded_t2m_R10']} | {l['ms_per_step']} |")
print("\n".join(out))
PY
cat "$OUT/summary.md"
say "done"
