#include "framework/nn/hf/sentence_encoder.h"

#include <algorithm>
#include <numeric>

#include "framework/core/error.h"
#include "framework/text/feature_cache.h"

namespace motlab::nn {

SettingsSchema<SentenceEncoderSettings> sentence_encoder_settings() {
  using S = SentenceEncoderSettings;
  return SettingsSchema<S>()
      .required("model_dir", &S::model_dir, "Hugging Face folder (config.json, model.safetensors)")
      .option("tokenizer", &S::tokenizer_path, "tokenizer folder or file (empty: model_dir)")
      .option("prefix", &S::prefix, "text put before every sentence")
      .option("max_tokens", &S::max_tokens, "longest input, framing specials included", at_least(2))
      .option("batch_size", &S::batch_size, "sentences per forward pass", at_least(1));
}

MeanPooledSentenceEncoder::MeanPooledSentenceEncoder(SentenceEncoderSettings options)
    : options_(std::move(options)) {
  if (options_.tokenizer_path.empty()) options_.tokenizer_path = options_.model_dir;
  MOTLAB_CHECK(options_.max_tokens >= 2, "sentence encoder '", options_.model_dir,
               "': max_tokens must be >= 2 (the framing specials), got ", options_.max_tokens);
  MOTLAB_CHECK(options_.batch_size >= 1, "sentence encoder '", options_.model_dir,
               "': batch_size must be >= 1, got ", options_.batch_size);
  tokenizer_ = text::load_tokenizer(options_.tokenizer_path);
  const HfBackboneSettings backbone{options_.model_dir, options_.dtype, options_.device};
  backbone_ = load_hf_backbone(backbone);
  for (auto& p : backbone_->parameters()) p.set_requires_grad(false);
  pad_id_ = tokenizer_->special_tokens().pad.value_or(1);
  fingerprint_ = "mean_pooled_sentence_encoder\n" +
                 text::model_folder_fingerprint(options_.model_dir) + "\n" +
                 text::model_folder_fingerprint(options_.tokenizer_path) + "\nprefix '" +
                 options_.prefix + "'\nmax_tokens " + std::to_string(options_.max_tokens) +
                 "\nnormalize " + std::to_string(options_.normalize) + "\ndtype " +
                 std::string(c10::toString(backbone.scalar_type()));
}

std::vector<int64_t> MeanPooledSentenceEncoder::input_ids(const std::string& sentence) const {
  std::vector<int64_t> ids = tokenizer_->encode_framed(options_.prefix + sentence).ids;
  if (static_cast<int64_t>(ids.size()) > options_.max_tokens) {  // keep the closing </s>
    const int64_t closing = ids.back();
    ids.resize(static_cast<size_t>(options_.max_tokens));
    ids.back() = closing;
  }
  return ids;
}

torch::Tensor MeanPooledSentenceEncoder::embed(const std::vector<std::string>& sentences) {
  torch::NoGradGuard no_grad;
  const int64_t count = static_cast<int64_t>(sentences.size());
  std::vector<std::vector<int64_t>> ids;
  ids.reserve(sentences.size());
  for (const auto& s : sentences) ids.push_back(input_ids(s));
  // Batches of similar lengths waste little on padding; results go back to input order.
  std::vector<int64_t> order(sentences.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return ids[static_cast<size_t>(a)].size() < ids[static_cast<size_t>(b)].size();
  });
  torch::Tensor out = torch::zeros({count, backbone_->hidden_size()});
  for (int64_t start = 0; start < count; start += options_.batch_size) {
    const int64_t batch = std::min(options_.batch_size, count - start);
    size_t longest = 1;
    for (int64_t b = 0; b < batch; ++b)
      longest = std::max(longest, ids[static_cast<size_t>(order[start + b])].size());
    torch::Tensor input =
        torch::full({batch, static_cast<int64_t>(longest)}, pad_id_, torch::kLong);
    torch::Tensor mask = torch::zeros({batch, static_cast<int64_t>(longest)}, torch::kLong);
    for (int64_t b = 0; b < batch; ++b) {
      const auto& row = ids[static_cast<size_t>(order[start + b])];
      const int64_t length = static_cast<int64_t>(row.size());
      input[b].narrow(0, 0, length).copy_(torch::tensor(row, torch::kLong));
      mask[b].narrow(0, 0, length).fill_(1);
    }
    torch::Tensor hidden =
        backbone_->last_hidden_state(input.to(options_.device), mask.to(options_.device))
            .to(torch::kFloat32)
            .cpu();                                                     // [b, L, H]
    torch::Tensor weights = mask.to(torch::kFloat32).unsqueeze(-1);     // [b, L, 1]
    torch::Tensor pooled = (hidden * weights).sum(1) / weights.sum(1);  // [b, H]
    if (options_.normalize)
      pooled = torch::nn::functional::normalize(
          pooled, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1).eps(1e-12));
    for (int64_t b = 0; b < batch; ++b) out[order[start + b]].copy_(pooled[b]);
  }
  return out;
}

}  // namespace motlab::nn
