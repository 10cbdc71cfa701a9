#!/usr/bin/env python3
"""Numerical parity of motlab's encoder backbones with Hugging Face transformers.

For each architecture at its real config (shared/specs/models.md: DistilKoBERT 4.1,
multilingual-e5-base 5.1; --layers keeps it small), builds a random-weight model with
transformers (eager attention), saves it with save_pretrained(safe_serialization=True), runs HF
on fixed ids with a right-padded row, runs `motlab hidden-states` on the same folder and ids, and
prints the max abs difference of the last hidden state over real tokens, for fp32 and bf16.
For e5 it also compares the sentence embedding (mean over real tokens, L2 norm), computed from
both hidden states. Exit status 1 when an fp32 difference exceeds --tolerance.

  python3 tools/parity/encoder_parity.py --motlab build/motlab [--arch distilkobert e5] [--device cuda]
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qwen2_parity import randomise, run_motlab  # noqa: E402

DISTILKOBERT = dict(
    activation="gelu", attention_dropout=0.1, dim=768, dropout=0.1, hidden_dim=3072,
    max_position_embeddings=512, n_heads=12, n_layers=3, pad_token_id=1,
    sinusoidal_pos_embds=False, tie_weights_=True, vocab_size=8002,
)
E5_BASE = dict(
    vocab_size=250002, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
    intermediate_size=3072, hidden_act="gelu", layer_norm_eps=1e-5, max_position_embeddings=514,
    type_vocab_size=1, pad_token_id=1, bos_token_id=0, eos_token_id=2,
    position_embedding_type="absolute", hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
)


def build(arch, layers):
    if arch == "distilkobert":
        from transformers import DistilBertConfig, DistilBertModel
        cfg = dict(DISTILKOBERT)
        if layers is not None:
            cfg["n_layers"] = layers
        model = DistilBertModel._from_config(DistilBertConfig(**cfg), attn_implementation="eager")
        return model.float(), cfg["vocab_size"], 1
    from transformers import XLMRobertaConfig, XLMRobertaModel
    cfg = dict(E5_BASE)
    if layers is not None:
        cfg["num_hidden_layers"] = layers
    model = XLMRobertaModel._from_config(XLMRobertaConfig(**cfg), attn_implementation="eager")
    return model.float(), cfg["vocab_size"], 1


def mean_pool(hidden, mask):
    m = mask[..., None].astype(np.float64)
    pooled = (hidden * m).sum(1) / m.sum(1)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def check(arch, args):
    work = os.path.join(args.work_dir or tempfile.mkdtemp(prefix="encoder_parity_"), arch)
    os.makedirs(work, exist_ok=True)
    model_dir = os.path.join(work, "model")
    torch.manual_seed(args.seed)
    model, vocab, pad = build(arch, args.layers)
    randomise(model, args.seed)
    model.save_pretrained(model_dir, safe_serialization=True)

    g = torch.Generator().manual_seed(args.seed + 1)
    ids = torch.randint(5, vocab, (args.batch, args.length), generator=g)
    ids[:, 0] = 2 if arch == "distilkobert" else 0  # [CLS] / <s>
    mask = torch.ones_like(ids)
    if args.batch > 1:  # right padding on the second row
        cut = args.length - args.length // 3
        mask[1, cut:] = 0
        ids[1, cut:] = pad
    ids_path, mask_path = os.path.join(work, "ids.npy"), os.path.join(work, "mask.npy")
    np.save(ids_path, ids.numpy().astype(np.int64))
    np.save(mask_path, mask.numpy().astype(np.int64))
    real = mask.bool().numpy()

    results = {}
    for name, dtype in (("f32", torch.float32), ("bf16", torch.bfloat16)):
        hf = model.to(device=args.device, dtype=dtype).eval()
        with torch.no_grad():
            ref = hf(input_ids=ids.to(args.device), attention_mask=mask.to(args.device)).last_hidden_state
        ref = ref.float().cpu().numpy()
        ours = run_motlab(args, model_dir, ids_path, mask_path, os.path.join(work, f"h_{name}.npy"), name)
        assert ours.shape == ref.shape, (ours.shape, ref.shape)
        diff = np.abs(ours - ref)[real]
        results[name] = float(diff.max())
        line = f"{arch} {name}: hidden max abs diff {diff.max():.3e} (mean {diff.mean():.3e})"
        if arch == "e5":
            pooled = np.abs(mean_pool(ours, mask.numpy()) - mean_pool(ref, mask.numpy())).max()
            results[name + "_sentence"] = float(pooled)
            line += f", sentence embedding {pooled:.3e}"
        print(line, flush=True)
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--motlab", required=True, help="path to the motlab executable")
    p.add_argument("--arch", nargs="+", default=["distilkobert", "e5"], choices=["distilkobert", "e5"])
    p.add_argument("--layers", type=int, default=None, help="layer count override (default: the real one)")
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--length", type=int, default=24)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tolerance", type=float, default=1e-4)
    p.add_argument("--work-dir", default=None, help="keep files here instead of a temp dir")
    args = p.parse_args()
    results = {arch: check(arch, args) for arch in args.arch}
    print(json.dumps({"encoder_parity": results, "device": args.device}))
    return 0 if all(r["f32"] <= args.tolerance for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
