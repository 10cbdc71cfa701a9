// text_similarity `e5`: cosine of multilingual-e5 sentence embeddings (the paper's negative
// filter and thresholded-protocol model, intfloat/multilingual-e5-base): "query: " + caption,
// XLM-RoBERTa, mean pooling over real tokens, L2 norm (framework/nn/hf/sentence_encoder.h).
// Any encoder folder load_hf_backbone knows works the same way (model_type from config.json).
// A caption's embedding does not depend on the others (unlike tfidf's idf), so each is computed
// once per process and remembered: training asks for every batch's captions again each epoch.
#include <algorithm>
#include <unordered_map>

#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/model/interfaces.h"
#include "framework/nn/hf/sentence_encoder.h"

namespace motlab {
namespace {

class E5Similarity : public TextSimilarity {
 public:
  explicit E5Similarity(nn::SentenceEncoderOptions options) : encoder_(std::move(options)) {}
  torch::Tensor embed(const std::vector<std::string>& sentences) override {
    std::vector<std::string> missing;
    for (const auto& s : sentences)
      if (!known_.count(s)) missing.push_back(s);
    if (!missing.empty()) {
      std::sort(missing.begin(), missing.end());
      missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
      torch::Tensor computed = encoder_.embed(missing);  // [M, H]
      for (size_t i = 0; i < missing.size(); ++i)
        known_.emplace(missing[i], computed[static_cast<int64_t>(i)]);
    }
    if (sentences.empty()) return torch::zeros({0, encoder_.hidden_size()});
    std::vector<torch::Tensor> rows;
    rows.reserve(sentences.size());
    for (const auto& s : sentences) rows.push_back(known_.at(s));
    return torch::stack(rows);  // [N, H]
  }
  std::string fingerprint() const override { return "e5\n" + encoder_.fingerprint(); }

 private:
  nn::MeanPooledSentenceEncoder encoder_;
  std::unordered_map<std::string, torch::Tensor> known_;  // caption -> [H] unit row
};

}  // namespace

MOTLAB_REGISTER(text_similarity_family, "e5",
                "multilingual-e5 cosine: 'query: ' prefix, mean pooling, L2 norm (needs weights)",
                [](const Config& node, const BuildContext& ctx) -> std::shared_ptr<TextSimilarity> {
                  Options o(node, "text_similarity 'e5'");
                  nn::SentenceEncoderOptions options = nn::read_sentence_encoder_options(o);
                  const std::string device = o.get<std::string>("device", "");
                  o.finish();
                  options.device = device.empty() ? ctx.device : resolve_device(device);
                  return std::make_shared<E5Similarity>(options);
                });

}  // namespace motlab
