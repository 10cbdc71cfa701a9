#!/usr/bin/env python3
"""One TMR-size contrastive training step in plain eager PyTorch: the reference that
`motlab run task=bench_train_step method=tmr size=paper loss=infonce` is timed against.

Written from shared/specs/tmr.md (1.1, 2, 3), not from TMR's code: two ACTOR-style encoders
(Linear(nfeats -> 256), 2 learned distribution tokens prepended, sinusoidal positions, dropout 0.1,
post-LN nn.TransformerEncoder: 6 layers, 4 heads, ff 1024, GELU, batch_first), the text one over
frozen DistilBERT token features (768-d, precomputed as TMR does), the motion one over 263-d
HumanML3D features; InfoNCE on the cosine of the mu tokens (temperature 0.1, no negative
filtering); torch.optim.AdamW(lr=1e-4, weight_decay=0.01) with PyTorch's defaults otherwise.
Batch 32: 32 motions of 196 frames (all real) and 32 captions of --text-tokens tokens.

Per precision (fp32, bf16 autocast on CUDA): --warmup untimed steps, then the median of --repeats
timed steps (CUDA synchronised before and after each). Prints one JSON line.

  python3 tools/parity/tmr_step_reference.py [--device cuda] [--repeats 50]
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
from torch import nn


class PositionalEncoding(nn.Module):
    def __init__(self, dim, dropout, max_len=5000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        position = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)
        div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
        table = torch.zeros(max_len, dim)
        table[:, 0::2] = torch.sin(position * div)
        table[:, 1::2] = torch.cos(position * div)
        self.register_buffer("table", table, persistent=False)

    def forward(self, x):  # [B, L, dim]
        return self.dropout(x + self.table[: x.shape[1]])


class ActorStyleEncoder(nn.Module):
    def __init__(self, nfeats, latent=256, ff=1024, layers=6, heads=4, dropout=0.1):
        super().__init__()
        self.embedding = nn.Linear(nfeats, latent)
        self.tokens = nn.Parameter(torch.randn(2, latent))  # mu, logvar
        self.positions = PositionalEncoding(latent, dropout)
        layer = nn.TransformerEncoderLayer(latent, heads, ff, dropout, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, x, mask):  # x [B, T, nfeats], mask [B, T] bool (True = real) -> [B, 2, latent]
        batch = x.shape[0]
        seq = torch.cat([self.tokens.expand(batch, -1, -1), self.embedding(x)], 1)
        aug_mask = torch.cat([torch.ones(batch, 2, dtype=torch.bool, device=x.device), mask], 1)
        out = self.encoder(self.positions(seq), src_key_padding_mask=~aug_mask)
        return out[:, :2]


def info_nce(text, motion, temperature):
    sim = nn.functional.normalize(text, dim=-1) @ nn.functional.normalize(motion, dim=-1).T / temperature
    labels = torch.arange(sim.shape[0], device=sim.device)
    return (nn.functional.cross_entropy(sim, labels) + nn.functional.cross_entropy(sim.T, labels)) / 2


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def bench(args, device, bf16):
    torch.manual_seed(args.seed)
    text_encoder = ActorStyleEncoder(768).to(device)
    motion_encoder = ActorStyleEncoder(263).to(device)
    params = list(text_encoder.parameters()) + list(motion_encoder.parameters())
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    text = torch.randn(args.batch, args.text_tokens, 768, device=device)
    text_mask = torch.ones(args.batch, args.text_tokens, dtype=torch.bool, device=device)
    motion = torch.randn(args.batch, args.frames, 263, device=device)
    motion_mask = torch.ones(args.batch, args.frames, dtype=torch.bool, device=device)
    text_encoder.train()
    motion_encoder.train()

    def step():
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            t = text_encoder(text, text_mask)[:, 0]
            m = motion_encoder(motion, motion_mask)[:, 0]
            loss = info_nce(t.float(), m.float(), args.temperature)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.detach()

    first = step().item()
    for _ in range(args.warmup - 1):
        step()
    times = []
    for _ in range(args.repeats):
        synchronize(device)
        start = time.perf_counter()
        last = step()
        synchronize(device)
        times.append(1000 * (time.perf_counter() - start))
    return dict(median_ms=statistics.median(times), mean_ms=statistics.fmean(times),
                first_loss=first, last_loss=last.item(),
                trainable_parameters=sum(p.numel() for p in params))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--frames", type=int, default=196)
    p.add_argument("--text-tokens", type=int, default=24, help="DistilBERT tokens per caption")
    p.add_argument("--temperature", type=float, default=0.1)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--repeats", type=int, default=50)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--tf32", action="store_true",
                   help="TF32 matmuls in fp32 (TMR sets float32_matmul_precision('high'); off by default)")
    args = p.parse_args()
    device = torch.device(args.device)
    if args.tf32:
        torch.set_float32_matmul_precision("high")
    results = {"fp32": bench(args, device, bf16=False)}
    if device.type == "cuda":
        results["bf16"] = bench(args, device, bf16=True)
    for name, r in results.items():
        print(f"reference {name}: {r['median_ms']:.2f} ms/step (mean {r['mean_ms']:.2f}), "
              f"loss {r['first_loss']:.4f} -> {r['last_loss']:.4f}, {r['trainable_parameters']} parameters",
              flush=True)
    print(json.dumps({"tmr_step_reference": results, "device": str(device), "torch": torch.__version__,
                      "gpu": torch.cuda.get_device_name() if device.type == "cuda" else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
