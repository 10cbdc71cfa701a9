// Sentence embeddings from any registered Hugging Face encoder backbone, the way
// sentence-transformers and the multilingual-e5 model card compute them: prefix the text
// ("query: " for e5), frame it with the tokenizer's specials, truncate to max_tokens (keeping the
// closing special), run the frozen backbone, mean-pool the last hidden state over real tokens
// (specials included, pads excluded) and L2-normalise (eps 1e-12).
//
// Shapes: N = sentences, H = hidden size.
#pragma once
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "framework/config/settings.h"
#include "framework/nn/hf/backbone.h"
#include "framework/text/tokenizer.h"

namespace motlab::nn {

struct SentenceEncoderSettings {
  std::string model_dir;       // config.json + safetensors
  std::string tokenizer_path;  // "" = model_dir
  std::string prefix = "query: ";
  int64_t max_tokens = 512;
  int64_t batch_size = 64;
  bool normalize = true;
  torch::Device device = torch::kCPU;
  std::string dtype = "float32";  // float32 | bfloat16 | float16
};

// The options the e5 similarity and text encoder share: model_dir (required), tokenizer, prefix,
// max_tokens and batch_size (defaults: SentenceEncoderSettings); device and dtype are the caller's.
SettingsSchema<SentenceEncoderSettings> sentence_encoder_settings();

class MeanPooledSentenceEncoder {
 public:
  explicit MeanPooledSentenceEncoder(SentenceEncoderSettings options);
  // [N, H] float32 on the CPU, in the order of `sentences`; unit rows when options.normalize.
  torch::Tensor embed(const std::vector<std::string>& sentences);
  // Token ids of one sentence exactly as embed() feeds it (prefix, framing, truncation).
  std::vector<int64_t> input_ids(const std::string& sentence) const;
  int64_t hidden_size() const { return backbone_->hidden_size(); }
  // Model folder, tokenizer and settings: part of every cache key built on these embeddings.
  const std::string& fingerprint() const { return fingerprint_; }
  const SentenceEncoderSettings& options() const { return options_; }

 private:
  SentenceEncoderSettings options_;
  std::shared_ptr<text::Tokenizer> tokenizer_;
  std::shared_ptr<HfBackbone> backbone_;
  int64_t pad_id_ = 1;
  std::string fingerprint_;
};

}  // namespace motlab::nn
