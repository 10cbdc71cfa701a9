// text_encoder `char_actor`: learned embeddings of hashed Unicode characters -> TMR's ACTOR-style
// VAE transformer encoder (the same encoder TMR runs over frozen DistilBERT token features).
// A weight-free stand-in for the DistilKoBERT text side of method=tmr: it gives mean, logvar and
// a sampled latent, which TMR's composite loss needs.
#include <algorithm>

#include "framework/core/error.h"
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"
#include "framework/text/char_ngrams.h"

namespace motlab {
namespace {

class CharActorEncoder : public TextEncoder {
 public:
  CharActorEncoder(int64_t buckets, int64_t max_length, const nn::ActorOptions& actor,
                   torch::Device device)
      : buckets_(buckets), max_length_(max_length), device_(device) {
    characters_ = register_module("characters", torch::nn::Embedding(buckets, actor.nfeats));
    encoder_ = register_module("encoder", nn::ActorStyleEncoder(actor));
  }

  Embedding encode(const std::vector<std::string>& captions) override {
    MOTLAB_CHECK(!captions.empty(), "text_encoder 'char_actor': no caption to encode");
    std::vector<std::vector<int64_t>> ids;
    int64_t longest = 1;
    for (const auto& caption : captions) {
      std::vector<int64_t> row;
      for (char32_t c : text::code_points(caption)) {
        if (static_cast<int64_t>(row.size()) == max_length_) break;
        // FNV-1a over the code point's 4 bytes, so every script spreads over the buckets.
        uint64_t h = 1469598103934665603ULL;
        for (int b = 0; b < 4; ++b) h = (h ^ ((c >> (8 * b)) & 0xFF)) * 1099511628211ULL;
        row.push_back(static_cast<int64_t>(h % static_cast<uint64_t>(buckets_)));
      }
      longest = std::max<int64_t>(longest, static_cast<int64_t>(row.size()));
      ids.push_back(std::move(row));
    }
    const int64_t batch = static_cast<int64_t>(captions.size());
    torch::Tensor tokens = torch::zeros({batch, longest}, torch::kLong);
    torch::Tensor mask = torch::zeros({batch, longest}, torch::kBool);
    for (int64_t b = 0; b < batch; ++b)
      for (size_t k = 0; k < ids[b].size(); ++k) {
        tokens[b][static_cast<int64_t>(k)] = ids[b][k];
        mask[b][static_cast<int64_t>(k)] = true;
      }
    tokens = tokens.to(device_);
    mask = mask.to(device_);
    torch::Tensor out = encoder_->forward(characters_->forward(tokens), mask);  // [B, 2, latent]
    Embedding e;
    e.mean = out.select(1, 0);
    e.logvar = out.select(1, 1);
    e.latent =
        is_training() ? e.mean + torch::randn_like(e.mean) * torch::exp(e.logvar / 2) : e.mean;
    return e;
  }
  int64_t embedding_dim() const override { return encoder_->options().latent_dim; }

 private:
  int64_t buckets_, max_length_;
  torch::Device device_;
  torch::nn::Embedding characters_{nullptr};
  nn::ActorStyleEncoder encoder_{nullptr};
};

}  // namespace

MOTLAB_REGISTER(
    text_encoder_family, "char_actor",
    "hashed character embeddings -> TMR's ACTOR VAE encoder (weight-free TMR text side)",
    [](const Config& node, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
      Options options(node, "text_encoder 'char_actor'");
      const int64_t buckets = options.get<int64_t>("buckets", 4096);
      const int64_t max_length = options.get<int64_t>("max_length", 128);
      nn::ActorOptions actor;
      actor.nfeats = options.get<int64_t>("char_dim", 128);
      actor.latent_dim = options.get<int64_t>("latent_dim", actor.latent_dim);
      actor.ff_size = options.get<int64_t>("ff_size", actor.ff_size);
      actor.num_layers = options.get<int64_t>("num_layers", actor.num_layers);
      actor.num_heads = options.get<int64_t>("num_heads", actor.num_heads);
      actor.dropout = options.get<double>("dropout", actor.dropout);
      options.finish();
      MOTLAB_CHECK(buckets > 0 && max_length > 0, node.describe(),
                   ": buckets and max_length must be positive");
      auto encoder = std::make_shared<CharActorEncoder>(buckets, max_length, actor, ctx.device);
      encoder->to(ctx.device);
      return encoder;
    });
}  // namespace motlab
