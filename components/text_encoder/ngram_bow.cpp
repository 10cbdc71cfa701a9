// text_encoder `ngram_bow`: hashed character n-gram counts (log1p) -> MLP -> joint embedding.
// A weight-free, tokenizer-free baseline to compare the pretrained encoders against.
#include "framework/model/interfaces.h"
#include "framework/text/char_ngrams.h"

namespace motlab {
namespace {
class NgramBowEncoder : public TextEncoder {
 public:
  NgramBowEncoder(text::NgramOptions ngrams, int64_t hidden, int64_t latent, double dropout,
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
  text::NgramOptions ngrams_;
  int64_t latent_;
  torch::Device device_;
  torch::nn::Sequential mlp_{nullptr};
};
}  // namespace

MOTLAB_REGISTER(
    text_encoder_family, "ngram_bow",
    "hashed character n-gram bag -> MLP (tokenizer-free baseline)",
    [] {
      const text::NgramOptions d;
      return OptionSchema()
          .option<int64_t>("min_n", d.min_n, "smallest character n-gram")
          .option<int64_t>("max_n", d.max_n, "largest character n-gram")
          .option<int64_t>("buckets", d.buckets, "hash buckets (the MLP's input width)")
          .option<int64_t>("hidden_dim", 512, "MLP hidden width")
          .option<int64_t>("latent_dim", 256, "joint embedding size")
          .option<double>("dropout", 0.1, "dropout after the hidden layer");
    }(),
    [](const Options& options, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
      text::NgramOptions ngrams;
      ngrams.min_n = options.get<int64_t>("min_n");
      ngrams.max_n = options.get<int64_t>("max_n");
      ngrams.buckets = options.get<int64_t>("buckets");
      const int64_t hidden = options.get<int64_t>("hidden_dim");
      const int64_t latent = options.get<int64_t>("latent_dim");
      const double dropout = options.get<double>("dropout");
      auto encoder = std::make_shared<NgramBowEncoder>(ngrams, hidden, latent, dropout, ctx.device);
      encoder->to(ctx.device);
      return encoder;
    });
}  // namespace motlab
