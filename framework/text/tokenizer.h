// Tokenizers of Hugging Face model folders, in C++ only (no Python, no Rust):
//   tokenizer.json (byte-level BPE, Qwen2)                  -> ByteLevelBpeTokenizer
//   *.model + vocab.txt (KoBERT, SentencePiece + vocab ids)  -> KoBertTokenizer
//   sentencepiece.bpe.model (XLM-R / multilingual-e5)       -> XlmRobertaTokenizer
// load_tokenizer() picks the right one from a folder or a file.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace motlab::text {

// Token ids and the matching token strings (HF "tokens": byte-level BPE pieces look like
// "Ġworld", SentencePiece pieces like "▁한국").
struct Encoding {
  std::vector<int64_t> ids;
  std::vector<std::string> pieces;
};

// Ids of a tokenizer's special tokens; std::nullopt where the model has none (Qwen2 has no BOS).
struct SpecialTokens {
  std::optional<int64_t> bos, eos, pad, unk, cls, sep, mask;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Tokens of `text` without any framing. Special-token strings inside the text ("<|im_end|>",
  // "[SEP]") become their ids.
  virtual Encoding encode(const std::string& text) const = 0;
  // The model's input framing around encode(text): "[CLS] x [SEP]" (KoBERT), "<s> x </s>"
  // (XLM-R); none for byte-level BPE (Qwen2 adds no BOS/EOS).
  virtual Encoding encode_framed(const std::string& text) const { return encode(text); }
  // Text of `ids`; special tokens are dropped when skip_special.
  virtual std::string decode(const std::vector<int64_t>& ids, bool skip_special = false) const = 0;
  // Number of ids (largest id + 1).
  virtual int64_t vocab_size() const = 0;
  // Throws for an id out of range.
  virtual std::string id_to_token(int64_t id) const = 0;
  virtual std::optional<int64_t> token_to_id(const std::string& token) const = 0;
  virtual SpecialTokens special_tokens() const = 0;
  // "bpe", "kobert" or "xlmr".
  virtual std::string kind() const = 0;
  // The file or folder it was loaded from.
  virtual std::string origin() const = 0;
};

// From a folder (tokenizer.json, sentencepiece.bpe.model, or vocab.txt + *.model, in that order)
// or a file (a tokenizer.json, or a .model file). Throws naming the path and what was expected.
std::shared_ptr<Tokenizer> load_tokenizer(const std::string& path);

}  // namespace motlab::text
