// text_encoder `ngram_bow`: hashed character n-gram counts (log1p) -> MLP -> joint embedding.
// A weight-free, tokenizer-free baseline to compare the pretrained encoders against.
#include "framework/config/settings.h"
#include "framework/model/interfaces.h"
#include "framework/text/char_ngrams.h"

namespace motlab {
namespace {
struct NgramBowSettings {
  text::NgramSettings ngrams;
  int64_t hidden_dim = 512;
  int64_t latent_dim = 256;
  double dropout = 0.1;
};

SettingsSchema<NgramBowSettings> ngram_bow_settings() {
  using S = NgramBowSettings;
  return SettingsSchema<S>()
      .flat(&S::ngrams, text::ngram_settings())
      .option("hidden_dim", &S::hidden_dim, "MLP hidden width", above(0))
      .option("latent_dim", &S::latent_dim, "joint embedding size", above(0))
      .option("dropout", &S::dropout, "dropout after the hidden layer", between(0, 0.999999));
}

class NgramBowEncoder : public TextEncoder {
 public:
  NgramBowEncoder(text::NgramSettings ngrams, int64_t hidden, int64_t latent, double dropout,
                  torch::Device device)
      : ngrams_(ngrams), latent_(latent), device_(device) {
    mlp_ =
        register_module("mlp", torch::nn::Sequential(torch::nn::Linear(ngrams.buckets, hidden),
                                                     torch::nn::GELU(), torch::nn::Dropout(dropout),
                                                     torch::nn::Linear(hidden, latent)));
  }
  Embedding encode(const std::vector<std::string>& captions) override {
    torch::Tensor features = torch::log1p(text::ngram_counts(captions, ngrams_)).to(device_);
    Embedding out;
    out.mean = mlp_->forward(features);
    out.latent = out.mean;
    return out;
  }
  int64_t embedding_dim() const override { return latent_; }

 private:
  text::NgramSettings ngrams_;
  int64_t latent_;
  torch::Device device_;
  torch::nn::Sequential mlp_{nullptr};
};
}  // namespace

MOTLAB_REGISTER(text_encoder_family, "ngram_bow",
                "hashed character n-gram bag -> MLP (tokenizer-free baseline)",
                ngram_bow_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
                  const NgramBowSettings s = ngram_bow_settings().read(o);
                  auto encoder = std::make_shared<NgramBowEncoder>(
                      s.ngrams, s.hidden_dim, s.latent_dim, s.dropout, ctx.device);
                  encoder->to(ctx.device);
                  return encoder;
                });
}  // namespace motlab
