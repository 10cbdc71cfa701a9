// text_similarity `e5`: cosine of multilingual-e5 sentence embeddings (the paper's negative
// filter and thresholded-protocol model, intfloat/multilingual-e5-base): "query: " + caption,
// XLM-RoBERTa, mean pooling over real tokens, L2 norm (framework/nn/hf/sentence_encoder.h).
// Any encoder folder load_hf_backbone knows works the same way (model_type from config.json).
// A caption's embedding does not depend on the others (unlike tfidf's idf), so prepare() computes
// every caption of the run once and caches them on disk (the stages of an experiment share it);
// captions outside that set (a user's query) are computed once per process and remembered.
#include <algorithm>
#include <unordered_map>

#include "framework/config/settings.h"
#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/model/interfaces.h"
#include "framework/nn/hf/sentence_encoder.h"
#include "framework/text/feature_cache.h"

namespace motlab {
namespace {

// The options of this component beside the sentence encoder's (nn::sentence_encoder_option_schema).
struct E5SimilaritySettings {
  nn::SentenceEncoderSettings sentences;
  std::string device;  // "" = the run's device
};

SettingsSchema<E5SimilaritySettings> e5_similarity_settings() {
  using S = E5SimilaritySettings;
  return SettingsSchema<S>()
      .flat(&S::sentences, nn::sentence_encoder_settings())
      .option("device", &S::device, "where the model runs (empty: the run's device)");
}

class E5Similarity : public TextSimilarity {
 public:
  E5Similarity(nn::SentenceEncoderSettings options, std::string cache_dir)
      : encoder_(std::move(options)), cache_dir_(std::move(cache_dir)) {}

  void prepare(const std::vector<std::string>& all_captions) override {
    const bool from_disk =
        cache_.build(all_captions, fingerprint(), cache_dir_, 256,
                     [this](const std::vector<std::string>& batch) { return unit_rows(batch); });
    log::info("e5", std::string(from_disk ? "loaded" : "computed") + " similarity embeddings of " +
                        std::to_string(cache_.size()) + " captions" +
                        (cache_.file().empty() ? "" : ": " + cache_.file()));
  }

  torch::Tensor embed(const std::vector<std::string>& sentences) override {
    if (sentences.empty()) return torch::zeros({0, encoder_.hidden_size()});
    std::vector<torch::Tensor> rows = cache_.find_or_compute(
        sentences,
        [this](const std::vector<std::string>& batch) { return remembered_rows(batch); });
    return torch::cat(rows, 0);  // [N, H]
  }
  std::string fingerprint() const override { return "e5\n" + encoder_.fingerprint(); }

 private:
  // One [1, H] unit row per sentence, on the CPU (the cache stores [L, C] per caption).
  std::vector<torch::Tensor> unit_rows(const std::vector<std::string>& sentences) {
    torch::Tensor computed = encoder_.embed(sentences).to(torch::kCPU, torch::kFloat);  // [M, H]
    std::vector<torch::Tensor> out;
    for (int64_t i = 0; i < computed.size(0); ++i) out.push_back(computed.narrow(0, i, 1).clone());
    return out;
  }
  // Rows of sentences outside the prepared set, each computed once per process.
  std::vector<torch::Tensor> remembered_rows(const std::vector<std::string>& sentences) {
    std::vector<std::string> missing;
    for (const auto& s : sentences)
      if (!known_.count(s)) missing.push_back(s);
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    if (!missing.empty()) {
      std::vector<torch::Tensor> computed = unit_rows(missing);
      for (size_t i = 0; i < missing.size(); ++i) known_.emplace(missing[i], computed[i]);
    }
    std::vector<torch::Tensor> out;
    out.reserve(sentences.size());
    for (const auto& s : sentences) out.push_back(known_.at(s));
    return out;
  }

  nn::MeanPooledSentenceEncoder encoder_;
  std::string cache_dir_;
  text::TokenFeatureCache cache_;                         // prepared captions, on disk
  std::unordered_map<std::string, torch::Tensor> known_;  // caption -> [1, H] unit row
};

}  // namespace

MOTLAB_REGISTER(text_similarity_family, "e5",
                "multilingual-e5 cosine: 'query: ' prefix, mean pooling, L2 norm (needs weights)",
                e5_similarity_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<TextSimilarity> {
                  E5SimilaritySettings s = e5_similarity_settings().read(o);
                  s.sentences.device = s.device.empty() ? ctx.device : resolve_device(s.device);
                  return std::make_shared<E5Similarity>(s.sentences, ctx.cache_dir);
                });

}  // namespace motlab
