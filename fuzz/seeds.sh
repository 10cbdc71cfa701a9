#!/usr/bin/env bash
# Seed corpora of the fuzz harnesses (tools/fuzz.sh), one folder per harness under $1: the real
# reference files in ../shared/data (when present), motlab's configs, and small valid inputs
# written here (Python's standard library only; a SentencePiece model from Debian's spm_train).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$1
shared="$root/../shared/data"
rm -rf "$out"
for h in npy safetensors hf_config tokenizer_json bpe_encode sentencepiece yaml override caption \
         annotations split; do mkdir -p "$out/$h"; done
if [ -d "$shared" ]; then
  cp "$shared"/humanml3d/*.npy "$out/npy/"
  cp "$shared"/humanml3d/sample/new_joint_vecs/*.npy "$out/npy/sample_vecs.npy"
  head -c 4000 "$shared/humanml3d/splits/test.txt" > "$out/split/test.txt"
  cp "$shared/humanml3d/splits/nsim_test.txt" "$out/split/"
  python3 -c '
import json, sys
data = json.loads(open(sys.argv[1]).read())  # the first entries of the real file
open(sys.argv[2], "w").write(json.dumps(dict(list(data.items())[:20]), ensure_ascii=False))
' "$shared/kitml/annotations.json" "$out/annotations/kitml_20.json"
fi
find "$root/configs" -name '*.yaml' | head -40 | while read -r f; do
  cp "$f" "$out/yaml/$(echo "${f#$root/configs/}" | tr / _)"; done
python3 - "$out" <<'PY'
import json, struct, sys
out = sys.argv[1]
def npy(name, shape, descr="<f4", itemsize=4):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    n = 1
    for d in eval(shape) if shape != "()" else ():
        n *= d
    open(f"{out}/npy/{name}", "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header))
                                          + header.encode() + b"\0" * (n * itemsize))
npy("small.npy", "(3, 4)")
npy("vector.npy", "(7,)", "<i8", 8)
npy("scalar.npy", "()", "<f8", 8)
def safetensors(name, tensors, metadata=None):
    header, data = {}, b""
    for key, (dtype, shape, size) in tensors.items():
        header[key] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + size]}
        data += b"\1" * size
    if metadata: header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    open(f"{out}/safetensors/{name}", "wb").write(struct.pack("<Q", len(h)) + h + data)
safetensors("two.safetensors", {"a.weight": ("F32", [2, 3], 24), "b": ("BF16", [4], 8)},
            {"format": "pt"})
safetensors("empty.safetensors", {})
configs = {
  "qwen2_1.5b.json": {"model_type": "qwen2", "vocab_size": 151936, "hidden_size": 1536,
    "intermediate_size": 8960, "num_hidden_layers": 28, "num_attention_heads": 12,
    "num_key_value_heads": 2, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
    "max_position_embeddings": 131072, "tie_word_embeddings": True, "hidden_act": "silu"},
  "distilkobert.json": {"model_type": "distilbert", "vocab_size": 8002, "dim": 768,
    "hidden_dim": 3072, "n_layers": 3, "n_heads": 12, "max_position_embeddings": 512,
    "pad_token_id": 1, "activation": "gelu"},
  "e5_base.json": {"model_type": "xlm-roberta", "vocab_size": 250002, "hidden_size": 768,
    "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
    "max_position_embeddings": 514, "type_vocab_size": 1, "pad_token_id": 1,
    "layer_norm_eps": 1e-5, "hidden_act": "gelu"},
}
for name, c in configs.items():
    open(f"{out}/hf_config/{name}", "w").write(json.dumps(c))
vocab = {chr(c): i for i, c in enumerate(range(33, 127))}
vocab.update({"Ġ": len(vocab), "Ġa": len(vocab) + 1, "ab": len(vocab) + 2})
tokenizer = {"version": "1.0", "added_tokens": [{"id": len(vocab), "content": "<|im_end|>",
  "special": True, "normalized": False, "lstrip": False, "rstrip": False}],
  "normalizer": {"type": "NFC"},
  "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern":
    {"Regex": "\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+"}, "behavior": "Isolated", "invert": False},
    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
  "decoder": {"type": "ByteLevel"},
  "model": {"type": "BPE", "vocab": vocab, "merges": ["Ġ a", "a b"]}}
open(f"{out}/tokenizer_json/small.json", "w").write(json.dumps(tokenizer))
for k, text in enumerate(["사람이 앞으로 걷다가 뒤로 돈다", "a person waves with the left hand",
                          "<|im_end|> 안녕", "  spaces\tand\nnewlines  ", "숫자 1234 와 기호 !?"]):
    open(f"{out}/bpe_encode/{k}.txt", "w").write(text)
for k, line in enumerate(["a=1", "k='a,b'", "db@backup=sqlite", "~x.0", "+d={a: 1, b: [x, 2.5]}",
                          "k=a\\,b", "task.a=1,2,3", "k=range(0,10,2)", "k=choice(a,'b c')",
                          "k=${a.b}", "k=x${s}y", "++new=[1,[2,3]]", "k=\"foo \\\"bar\""]):
    open(f"{out}/override/{k}.txt", "w").write(line)
open(f"{out}/caption/whole.txt", "w").write(
    "a person walks forward#a/DET person/NOUN walk/VERB#0.0#0.0\n"
    "someone jumps twice#someone/PRON jump/VERB#0.5#2.0\n")
open(f"{out}/caption/korean.txt", "w").write("사람이 천천히 앉는다#x#nan#nan\n")
open(f"{out}/split/ids.txt", "w").write("000001\nM000001\n012314\n")
PY
printf '사람이 앞으로 걷다가 뒤로 돈다\na person walks forward and turns\n한 사람이 손을 흔든다\n' \
  > "$out/spm_corpus.txt"
spm_train --input="$out/spm_corpus.txt" --model_prefix="$out/sentencepiece/tiny" --vocab_size=40 \
  --character_coverage=1.0 --model_type=bpe >/dev/null 2>&1 || true
rm -f "$out/sentencepiece/"*.vocab "$out/spm_corpus.txt"
