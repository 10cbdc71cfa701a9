#!/usr/bin/env python3
"""Numerical parity of motlab's Qwen2 with Hugging Face transformers.

Builds a random-weight Qwen2 from the real Qwen/Qwen2-1.5B config (shared/specs/models.md 3.1;
--layers keeps it small), saves it with save_pretrained(safe_serialization=True), runs HF (eager
attention) on fixed ids with a right-padded row, runs `motlab hidden-states` on the same folder
and ids, and prints the max abs difference of the last hidden state over real tokens, for fp32
and bf16. Exit status 1 when the fp32 difference exceeds --tolerance.

  python3 tools/parity/qwen2_parity.py --motlab build/motlab [--layers 2] [--device cuda]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

QWEN2_1_5B = dict(
    architectures=["Qwen2ForCausalLM"],
    model_type="qwen2",
    hidden_size=1536,
    intermediate_size=8960,
    num_hidden_layers=28,
    num_attention_heads=12,
    num_key_value_heads=2,
    hidden_act="silu",
    rms_norm_eps=1e-6,
    rope_theta=1000000.0,
    max_position_embeddings=131072,
    sliding_window=131072,
    use_sliding_window=False,
    max_window_layers=28,
    vocab_size=151936,
    tie_word_embeddings=True,
    bos_token_id=151643,
    eos_token_id=151643,
    attention_dropout=0.0,
    initializer_range=0.02,
)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--motlab", required=True, help="path to the motlab executable")
    p.add_argument("--layers", type=int, default=None, help="num_hidden_layers override (default: 28)")
    p.add_argument("--vocab", type=int, default=None, help="vocab_size override (default: 151936)")
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--length", type=int, default=24)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tolerance", type=float, default=1e-4)
    p.add_argument("--work-dir", default=None, help="keep files here instead of a temp dir")
    return p.parse_args()


def randomise(model, seed):
    """Every parameter random (biases and norm weights too, so they are exercised). Norm weights
    (Qwen2's RMSNorm, BERT's LayerNorm, DistilBERT's *_layer_norm) stay near 1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if name.lower().endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * noise)
            else:
                p.copy_(0.02 * noise)


def run_motlab(args, model_dir, ids_path, mask_path, out_path, dtype):
    cmd = [args.motlab, "hidden-states", "--model-dir", model_dir, "--ids", ids_path, "--mask", mask_path,
           "--out", out_path, "--dtype", dtype, "--device", args.device]
    subprocess.run(cmd, check=True)
    return np.load(out_path)


def main():
    args = parse_args()
    config = dict(QWEN2_1_5B)
    if args.layers is not None:
        config["num_hidden_layers"] = args.layers
        config["max_window_layers"] = args.layers
    if args.vocab is not None:
        config["vocab_size"] = args.vocab
    work = args.work_dir or tempfile.mkdtemp(prefix="qwen2_parity_")
    os.makedirs(work, exist_ok=True)
    model_dir = os.path.join(work, "model")

    torch.manual_seed(args.seed)
    hf_config = Qwen2Config(**{k: v for k, v in config.items() if k not in ("architectures", "model_type")})
    hf_config.architectures = config["architectures"]
    # dtype set by .float(): transformers 5 renamed torch_dtype to dtype.
    model = Qwen2ForCausalLM._from_config(hf_config, attn_implementation="eager").float()
    randomise(model, args.seed)
    model.save_pretrained(model_dir, safe_serialization=True)
    with open(os.path.join(model_dir, "config.json")) as f:
        saved = json.load(f)
    print(f"saved {model_dir}: layers={saved['num_hidden_layers']} hidden={saved['hidden_size']} "
          f"vocab={saved['vocab_size']} files={sorted(os.listdir(model_dir))}")

    g = torch.Generator().manual_seed(args.seed + 1)
    ids = torch.randint(0, config["vocab_size"], (args.batch, args.length), generator=g)
    mask = torch.ones_like(ids)
    if args.batch > 1:
        mask[1, args.length - args.length // 3:] = 0  # right padding on the second row
        ids[1, args.length - args.length // 3:] = config["eos_token_id"] % config["vocab_size"]
    ids_path, mask_path = os.path.join(work, "ids.npy"), os.path.join(work, "mask.npy")
    np.save(ids_path, ids.numpy().astype(np.int64))
    np.save(mask_path, mask.numpy().astype(np.int64))
    real = mask.bool().numpy()

    results = {}
    for dtype_name, dtype in (("f32", torch.float32), ("bf16", torch.bfloat16)):
        if dtype == torch.bfloat16 and args.device == "cpu":
            pass  # bf16 on CPU works in recent PyTorch; kept for completeness
        hf = model.to(device=args.device, dtype=dtype).eval()
        with torch.no_grad():
            reference = hf.model(input_ids=ids.to(args.device), attention_mask=mask.to(args.device)).last_hidden_state
        reference = reference.float().cpu().numpy()
        ours = run_motlab(args, model_dir, ids_path, mask_path, os.path.join(work, f"h_{dtype_name}.npy"), dtype_name)
        assert ours.shape == reference.shape, (ours.shape, reference.shape)
        diff = np.abs(ours - reference)[real]
        scale = np.abs(reference[real]).max()
        results[dtype_name] = float(diff.max())
        print(f"{dtype_name}: max abs diff {diff.max():.3e} (mean {diff.mean():.3e}, max |h| {scale:.3e}) "
              f"over {real.sum()} real tokens")
    model.to(torch.float32)
    print(json.dumps({"qwen2_parity": results, "layers": config["num_hidden_layers"], "device": args.device}))
    return 0 if results["f32"] <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
