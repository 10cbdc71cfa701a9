// SentencePiece tokenizers (libsentencepiece underneath):
//  KoBertTokenizer: monologg's KoBERT/DistilKoBERT (spm model for segmentation only, ids from
//    vocab.txt; whitespace collapse, `` and '' -> ", NFKD minus combining marks, digit-comma fix).
//  XlmRobertaTokenizer: XLM-R / multilingual-e5 (fairseq ids: <s>=0 <pad>=1 </s>=2 <unk>=3, spm
//    id p >= 3 -> p + 1, <mask> = pieces + 1).
#pragma once
#include <map>
#include <unordered_map>

#include "framework/text/sentencepiece_runtime.h"
#include "framework/text/tokenizer.h"

namespace motlab::text {

class KoBertTokenizer : public Tokenizer {
 public:
  static std::shared_ptr<KoBertTokenizer> load(const std::string& model_path,
                                               const std::string& vocab_path);
  ~KoBertTokenizer() override;

  Encoding encode(const std::string& text) const override;
  Encoding encode_framed(const std::string& text) const override;  // [CLS] x [SEP]
  std::string decode(const std::vector<int64_t>& ids, bool skip_special = false) const override;
  int64_t vocab_size() const override { return static_cast<int64_t>(tokens_.size()); }
  std::string id_to_token(int64_t id) const override;
  std::optional<int64_t> token_to_id(const std::string& token) const override;
  SpecialTokens special_tokens() const override { return special_; }
  std::string kind() const override { return "kobert"; }
  std::string origin() const override { return origin_; }

  // preprocess_text of tokenization_kobert.py (exposed for tests).
  static std::string preprocess(const std::string& text);

 private:
  KoBertTokenizer() = default;
  std::vector<std::string> segment(const std::string& preprocessed) const;  // spm + digit-comma fix
  std::unique_ptr<SentencePieceModel> sp_;
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int64_t> ids_;
  std::vector<std::string> special_strings_;
  SpecialTokens special_;
  std::string origin_;
};

class XlmRobertaTokenizer : public Tokenizer {
 public:
  static std::shared_ptr<XlmRobertaTokenizer> load(const std::string& model_path);
  ~XlmRobertaTokenizer() override;

  Encoding encode(const std::string& text) const override;
  Encoding encode_framed(const std::string& text) const override;  // <s> x </s>
  std::string decode(const std::vector<int64_t>& ids, bool skip_special = false) const override;
  int64_t vocab_size() const override;
  std::string id_to_token(int64_t id) const override;
  std::optional<int64_t> token_to_id(const std::string& token) const override;
  SpecialTokens special_tokens() const override;
  std::string kind() const override { return "xlmr"; }
  std::string origin() const override { return origin_; }

 private:
  XlmRobertaTokenizer() = default;
  std::unique_ptr<SentencePieceModel> sp_;
  std::string origin_;
};

}  // namespace motlab::text
