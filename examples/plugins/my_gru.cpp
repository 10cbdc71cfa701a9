// text_encoder `my_gru`: a bidirectional GRU over a caption's token ids (any tokenizer motlab
// reads: a Qwen tokenizer.json, a KoBERT folder; or UTF-8 bytes when none is given), the final
// hidden states of both directions -> Linear -> the joint embedding space.
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/model/interfaces.h"
#include "framework/text/tokenizer.h"

namespace my_plugins {
using namespace motlab;

namespace {
struct MyGruSettings {
  std::string tokenizer;
  int64_t buckets = 8192;
  int64_t embed_dim = 128;
  int64_t hidden_dim = 256;
  int64_t layers = 1;
  double dropout = 0.1;
  int64_t max_tokens = 128;
  int64_t latent_dim = 256;
};

SettingsSchema<MyGruSettings> my_gru_settings() {
  using S = MyGruSettings;
  return SettingsSchema<S>()
      .option("tokenizer", &S::tokenizer, "tokenizer.json or tokenizer folder (empty: UTF-8 bytes)")
      .option("buckets", &S::buckets, "token ids are hashed into this many rows", above(0))
      .option("embed_dim", &S::embed_dim, "token embedding width")
      .option("hidden_dim", &S::hidden_dim, "GRU width per direction")
      .option("layers", &S::layers, "stacked GRU layers")
      .option("dropout", &S::dropout, "dropout between GRU layers")
      .option("max_tokens", &S::max_tokens, "longer captions are cut", above(0))
      .option("latent_dim", &S::latent_dim, "joint embedding size");
}

class GruTextEncoder : public TextEncoder {
 public:
  GruTextEncoder(const MyGruSettings& s, torch::Device device)
      : buckets_(s.buckets), max_tokens_(s.max_tokens), latent_(s.latent_dim), device_(device) {
    if (!s.tokenizer.empty()) tokenizer_ = text::load_tokenizer(s.tokenizer);
    embedding_ = register_module(
        "embedding", torch::nn::Embedding(
                         torch::nn::EmbeddingOptions(buckets_ + 1, s.embed_dim).padding_idx(0)));
    gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(s.embed_dim, s.hidden_dim)
                                                     .num_layers(s.layers)
                                                     .batch_first(true)
                                                     .bidirectional(true)
                                                     .dropout(s.layers > 1 ? s.dropout : 0.0)));
    projection_ = register_module("projection", torch::nn::Linear(2 * s.hidden_dim, latent_));
  }

  // captions -> mean [B, latent]
  Embedding encode(const std::vector<std::string>& captions) override {
    MOTLAB_CHECK(!captions.empty(), "text_encoder 'my_gru': no caption to encode");
    std::vector<std::vector<int64_t>> ids;
    int64_t longest = 1;
    for (const auto& caption : captions) {
      std::vector<int64_t> row = token_ids(caption);
      if (static_cast<int64_t>(row.size()) > max_tokens_) row.resize(max_tokens_);
      if (row.empty()) row.push_back(1);  // an empty caption still has one step
      longest = std::max<int64_t>(longest, static_cast<int64_t>(row.size()));
      ids.push_back(std::move(row));
    }
    const int64_t batch = static_cast<int64_t>(captions.size());
    torch::Tensor tokens = torch::zeros({batch, longest}, torch::kLong);  // 0 = padding
    torch::Tensor lengths = torch::empty({batch}, torch::kLong);
    for (int64_t b = 0; b < batch; ++b) {
      for (size_t t = 0; t < ids[b].size(); ++t) tokens[b][static_cast<int64_t>(t)] = ids[b][t];
      lengths[b] = static_cast<int64_t>(ids[b].size());
    }
    torch::Tensor embedded = embedding_->forward(tokens.to(device_));  // [B, L, D]
    auto packed = torch::nn::utils::rnn::pack_padded_sequence(embedded, lengths, true,
                                                              /*enforce_sorted=*/false);
    auto [output, hidden] = gru_->forward_with_packed_input(packed);
    // hidden [layers * 2, B, H]: the last layer's forward and backward final states.
    torch::Tensor last = torch::cat({hidden[-2], hidden[-1]}, 1);
    Embedding out;
    out.mean = projection_->forward(last);
    out.latent = out.mean;
    return out;
  }
  int64_t embedding_dim() const override { return latent_; }

 private:
  // Ids hashed into [1, buckets] (0 is padding), so a 150k-token vocabulary needs no 150k-row
  // embedding table.
  std::vector<int64_t> token_ids(const std::string& caption) const {
    std::vector<int64_t> raw;
    if (tokenizer_)
      raw = tokenizer_->encode(caption).ids;
    else
      for (unsigned char c : caption) raw.push_back(c);
    for (auto& id : raw) id = 1 + id % buckets_;
    return raw;
  }

  int64_t buckets_, max_tokens_, latent_;
  torch::Device device_;
  std::shared_ptr<text::Tokenizer> tokenizer_;
  torch::nn::Embedding embedding_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::nn::Linear projection_{nullptr};
};

}  // namespace

MOTLAB_REGISTER(text_encoder_family, "my_gru",
                "bidirectional GRU over token ids -> Linear (an example plugin)",
                my_gru_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
                  auto encoder =
                      std::make_shared<GruTextEncoder>(my_gru_settings().read(o), ctx.device);
                  encoder->to(ctx.device);
                  return encoder;
                });

}  // namespace my_plugins
