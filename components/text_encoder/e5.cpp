// text_encoder `e5`: a frozen multilingual-e5 (XLM-RoBERTa) sentence embedding ("query: " +
// caption, mean pooling over real tokens, L2 norm) -> a trained Linear into the joint space. A
// sentence-embedding baseline next to `distilkobert` (frozen token features + TMR's text encoder)
// and `qwen2_lora`. The frozen embeddings of every caption are computed once and cached on disk.
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/model/interfaces.h"
#include "framework/nn/hf/sentence_encoder.h"
#include "framework/text/feature_cache.h"

namespace motlab {
namespace {

struct E5TextEncoderSettings {
  nn::SentenceEncoderSettings sentences;
  int64_t latent_dim = 256;
};

SettingsSchema<E5TextEncoderSettings> e5_text_encoder_settings() {
  using S = E5TextEncoderSettings;
  return SettingsSchema<S>()
      .flat(&S::sentences, nn::sentence_encoder_settings())
      .option("latent_dim", &S::latent_dim, "joint embedding size", at_least(1));
}

class E5TextEncoder : public TextEncoder {
 public:
  E5TextEncoder(nn::SentenceEncoderSettings options, int64_t latent_dim, const BuildContext& ctx)
      : sentences_(std::move(options)), device_(ctx.device), cache_dir_(ctx.cache_dir) {
    projection_ =
        register_module("projection", torch::nn::Linear(sentences_.hidden_size(), latent_dim));
    projection_->to(device_);
  }

  void prepare(const std::vector<std::string>& all_captions) override {
    const bool from_disk = cache_.build(
        all_captions, "e5 text encoder\n" + sentences_.fingerprint(), cache_dir_, 256,
        [this](const std::vector<std::string>& batch) { return sentence_rows(batch); });
    log::info("e5", std::string(from_disk ? "loaded" : "computed") + " sentence embeddings of " +
                        std::to_string(cache_.size()) + " captions" +
                        (cache_.file().empty() ? "" : ": " + cache_.file()));
  }

  // captions -> mean = latent = Linear(e5(caption)) [B, E].
  Embedding encode(const std::vector<std::string>& captions) override {
    MOTLAB_CHECK(!captions.empty(), "text_encoder 'e5': no caption to encode");
    const std::vector<torch::Tensor> rows = cache_.find_or_compute(
        captions, [this](const std::vector<std::string>& batch) { return sentence_rows(batch); });
    torch::Tensor pooled = torch::cat(rows, 0).to(device_);  // [B, H]
    Embedding e;
    e.mean = projection_(pooled);
    e.latent = e.mean;
    return e;
  }

  int64_t embedding_dim() const override { return projection_->options.out_features(); }

 private:
  // One [1, H] row per caption (the feature cache stores [L, C] per caption).
  std::vector<torch::Tensor> sentence_rows(const std::vector<std::string>& captions) {
    torch::Tensor embedded = sentences_.embed(captions);
    std::vector<torch::Tensor> out;
    for (int64_t i = 0; i < embedded.size(0); ++i) out.push_back(embedded.narrow(0, i, 1).clone());
    return out;
  }

  nn::MeanPooledSentenceEncoder sentences_;  // frozen, never saved in checkpoints
  torch::Device device_;
  std::string cache_dir_;
  torch::nn::Linear projection_{nullptr};
  text::TokenFeatureCache cache_;
};

}  // namespace

MOTLAB_REGISTER(
    text_encoder_family, "e5",
    "frozen multilingual-e5 sentence embedding (query: prefix, mean pool, L2) -> Linear",
    e5_text_encoder_settings().options(),
    [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
      E5TextEncoderSettings s = e5_text_encoder_settings().read(o);
      s.sentences.device = ctx.device;
      return std::make_shared<E5TextEncoder>(s.sentences, s.latent_dim, ctx);
    });

}  // namespace motlab
