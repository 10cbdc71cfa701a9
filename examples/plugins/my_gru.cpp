// text_encoder `my_gru`: a bidirectional GRU over a caption's token ids (any tokenizer motlab
// reads: a Qwen tokenizer.json, a KoBERT folder; or UTF-8 bytes when none is given), the final
// hidden states of both directions -> Linear -> the joint embedding space.
#include "framework/core/error.h"
#include "framework/model/interfaces.h"
#include "framework/text/tokenizer.h"

namespace my_plugins {
using namespace motlab;

class GruTextEncoder : public TextEncoder {
 public:
  GruTextEncoder(const Options& o, torch::Device device)
      : buckets_(o.get<int64_t>("buckets")),
        max_tokens_(o.get<int64_t>("max_tokens")),
        latent_(o.get<int64_t>("latent_dim")),
        device_(device) {
    const std::string tokenizer = o.get<std::string>("tokenizer");
    if (!tokenizer.empty()) tokenizer_ = text::load_tokenizer(tokenizer);
    const int64_t hidden = o.get<int64_t>("hidden_dim");
    embedding_ = register_module(
        "embedding",
        torch::nn::Embedding(
            torch::nn::EmbeddingOptions(buckets_ + 1, o.get<int64_t>("embed_dim")).padding_idx(0)));
    gru_ = register_module(
        "gru", torch::nn::GRU(
                   torch::nn::GRUOptions(o.get<int64_t>("embed_dim"), hidden)
                       .num_layers(o.get<int64_t>("layers"))
                       .batch_first(true)
                       .bidirectional(true)
                       .dropout(o.get<int64_t>("layers") > 1 ? o.get<double>("dropout") : 0.0)));
    projection_ = register_module("projection", torch::nn::Linear(2 * hidden, latent_));
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

MOTLAB_REGISTER(text_encoder_family, "my_gru",
                "bidirectional GRU over token ids -> Linear (an example plugin)",
                OptionSchema()
                    .option<std::string>("tokenizer", "",
                                         "tokenizer.json or tokenizer folder (empty: UTF-8 bytes)")
                    .option<int64_t>("buckets", 8192, "token ids are hashed into this many rows")
                    .option<int64_t>("embed_dim", 128, "token embedding width")
                    .option<int64_t>("hidden_dim", 256, "GRU width per direction")
                    .option<int64_t>("layers", 1, "stacked GRU layers")
                    .option<double>("dropout", 0.1, "dropout between GRU layers")
                    .option<int64_t>("max_tokens", 128, "longer captions are cut")
                    .option<int64_t>("latent_dim", 256, "joint embedding size"),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
                  MOTLAB_CHECK(o.get<int64_t>("buckets") > 0 && o.get<int64_t>("max_tokens") > 0,
                               o.component(), ": buckets and max_tokens must be positive");
                  auto encoder = std::make_shared<GruTextEncoder>(o, ctx.device);
                  encoder->to(ctx.device);
                  return encoder;
                });

}  // namespace my_plugins
