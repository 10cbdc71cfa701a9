#!/usr/bin/env python3
"""LoRA adapter round trip PEFT -> motlab -> PEFT on a small random Qwen2.

1. transformers builds a random Qwen2 (real Qwen2-1.5B layout, few layers, small vocab) and saves it.
2. PEFT adds a LoRA adapter (r, alpha, all-linear targets), randomises lora_B so the adapter is not
   a no-op, saves it (adapter_config.json + adapter_model.safetensors) and records its hidden states.
3. `motlab hidden-states --adapter <peft adapter> --save-adapter <motlab adapter>` loads the PEFT
   adapter (PEFT -> motlab) and writes it again in motlab's PEFT layout.
4. PEFT loads motlab's adapter (motlab -> PEFT) and runs again.
Prints the max abs differences; exit status 1 when any exceeds --tolerance.

  python3 tools/parity/peft_roundtrip.py --motlab build/motlab [--device cuda]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import Qwen2Config, Qwen2ForCausalLM


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--motlab", required=True)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--r", type=int, default=8)
    p.add_argument("--alpha", type=float, default=16)
    p.add_argument("--tolerance", type=float, default=1e-4)
    p.add_argument("--work-dir", default=None)
    args = p.parse_args()

    work = args.work_dir or tempfile.mkdtemp(prefix="peft_roundtrip_")
    base_dir, peft_dir, motlab_dir = (os.path.join(work, n) for n in ("base", "peft_adapter", "motlab_adapter"))
    torch.manual_seed(0)
    config = Qwen2Config(hidden_size=1536, intermediate_size=8960, num_hidden_layers=args.layers,
                         num_attention_heads=12, num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1e6,
                         vocab_size=4096, tie_word_embeddings=True, max_window_layers=args.layers,
                         use_sliding_window=False, bos_token_id=0, eos_token_id=0)
    base = Qwen2ForCausalLM._from_config(config, attn_implementation="eager").float()
    with torch.no_grad():
        for name, param in base.named_parameters():
            param.copy_(1.0 + 0.1 * torch.randn_like(param) if name.endswith("norm.weight")
                        else 0.02 * torch.randn_like(param))
    base.save_pretrained(base_dir, safe_serialization=True)

    targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    peft_model = get_peft_model(base, LoraConfig(r=args.r, lora_alpha=args.alpha, lora_dropout=0.0,
                                                 target_modules=targets))
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.copy_(0.05 * torch.randn_like(param))
    peft_model.save_pretrained(peft_dir, safe_serialization=True)
    print("peft adapter files:", sorted(os.listdir(peft_dir)))

    ids = torch.randint(0, config.vocab_size, (2, 20))
    mask = torch.ones_like(ids)
    ids_path, mask_path = os.path.join(work, "ids.npy"), os.path.join(work, "mask.npy")
    np.save(ids_path, ids.numpy().astype(np.int64))
    np.save(mask_path, mask.numpy().astype(np.int64))

    def peft_hidden(model):
        model = model.to(args.device).eval()
        with torch.no_grad():
            out = model.base_model.model.model(input_ids=ids.to(args.device),
                                               attention_mask=mask.to(args.device)).last_hidden_state
        return out.float().cpu().numpy()

    reference = peft_hidden(peft_model)
    out_path = os.path.join(work, "h_motlab.npy")
    subprocess.run([args.motlab, "hidden-states", "--model-dir", base_dir, "--ids", ids_path, "--mask", mask_path,
                    "--out", out_path, "--device", args.device, "--adapter", peft_dir,
                    "--save-adapter", motlab_dir], check=True)
    ours = np.load(out_path)
    peft_to_motlab = float(np.abs(ours - reference).max())

    fresh = Qwen2ForCausalLM.from_pretrained(base_dir, attn_implementation="eager").float()
    reloaded = PeftModel.from_pretrained(fresh, motlab_dir)
    motlab_to_peft = float(np.abs(peft_hidden(reloaded) - reference).max())
    print(json.dumps({"peft_to_motlab_max_abs_diff": peft_to_motlab, "motlab_to_peft_max_abs_diff": motlab_to_peft,
                      "max_abs_hidden": float(np.abs(reference).max())}))
    return 0 if max(peft_to_motlab, motlab_to_peft) <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
