// Byte-level BPE from a Hugging Face tokenizer.json (GPT-2 / Qwen2 family): added tokens matched
// verbatim first (leftmost-longest), then the normaliser (NFC...), the pre-tokenizer (Split regex
// via PCRE2 with UTF+UCP, read from the file; ByteLevel), GPT-2 byte-to-unicode, and merges by
// rank.
#pragma once
#include <array>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "framework/text/tokenizer.h"

namespace motlab::text {

// GPT-2 bytes_to_unicode: the UTF-8 text of the code point that stands for each byte.
const std::array<std::string, 256>& byte_to_unicode();

// The Rust-regex pattern translated to PCRE2 syntax with Rust's meaning of \s and \d (Unicode
// White_Space and Nd). Exposed for tests.
std::string rust_regex_to_pcre2(const std::string& pattern);

class ByteLevelBpeTokenizer : public Tokenizer {
 public:
  // `path` is a tokenizer.json; a tokenizer_config.json next to it supplies the special-token
  // roles.
  static std::shared_ptr<ByteLevelBpeTokenizer> load(const std::string& path);
  // `config` is the tokenizer_config.json content (may be null).
  static std::shared_ptr<ByteLevelBpeTokenizer> from_json(const nlohmann::json& tokenizer,
                                                          const nlohmann::json& config,
                                                          const std::string& origin);
  ~ByteLevelBpeTokenizer() override;

  Encoding encode(const std::string& text) const override;
  std::string decode(const std::vector<int64_t>& ids, bool skip_special = false) const override;
  int64_t vocab_size() const override { return vocab_size_; }
  std::string id_to_token(int64_t id) const override;
  std::optional<int64_t> token_to_id(const std::string& token) const override;
  SpecialTokens special_tokens() const override { return special_; }
  std::string kind() const override { return "bpe"; }
  std::string origin() const override { return origin_; }

  // The normaliser and pre-tokenizer alone (no added tokens, no byte mapping): the words that BPE
  // sees. Used by the trainer so that training and encoding split text identically.
  std::vector<std::string> pre_tokenize(const std::string& text) const;

  struct Impl;

 private:
  ByteLevelBpeTokenizer() = default;
  std::unique_ptr<Impl> impl_;
  std::string origin_;
  int64_t vocab_size_ = 0;
  SpecialTokens special_;
};

}  // namespace motlab::text
