// text_encoder `char_actor`: word tokens embedded as the mean of their hashed character n-gram
// embeddings -> TMR's ACTOR-style VAE transformer encoder (the same encoder TMR runs over frozen
// DistilBERT token features). A weight-free stand-in for the DistilKoBERT text side of method=tmr:
// it gives mean, logvar and a sampled latent, which TMR's composite loss needs.
#include <algorithm>

#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"
#include "framework/text/char_ngrams.h"
#include "framework/text/unicode.h"

namespace motlab {
namespace {

struct CharActorSettings {
  nn::ActorSettings actor;
  int64_t buckets = 4096;
  int64_t max_length = 128;
  int64_t char_dim = 128;
};

SettingsSchema<CharActorSettings> char_actor_settings() {
  using S = CharActorSettings;
  return SettingsSchema<S>()
      .flat(&S::actor, nn::actor_settings("text encoder", /*motion_input=*/false))
      .option("buckets", &S::buckets, "hash buckets of the character n-gram embeddings", above(0))
      .option("max_length", &S::max_length, "longest caption in word tokens", above(0))
      .option("char_dim", &S::char_dim, "embedding width of a word token (the ACTOR input)",
              above(0));
}

class CharActorEncoder : public TextEncoder {
 public:
  CharActorEncoder(int64_t buckets, int64_t max_length, const nn::ActorSettings& actor,
                   torch::Device device)
      : buckets_(buckets), max_length_(max_length), device_(device) {
    characters_ = register_module(
        "characters",
        torch::nn::EmbeddingBag(
            torch::nn::EmbeddingBagOptions(buckets, actor.nfeats).mode(torch::kMean)));
    encoder_ = register_module("encoder", nn::ActorStyleEncoder(actor));
  }

  Embedding encode(const std::vector<std::string>& captions) override {
    MOTLAB_CHECK(!captions.empty(), "text_encoder 'char_actor': no caption to encode");
    // Tokens are words (space-separated); a token's feature is the mean embedding of its hashed
    // character 1..3-grams of "<word>" (fastText-style subwords: Korean particles and endings
    // share the stem's n-grams).
    std::vector<int64_t> grams, offsets;
    std::vector<int64_t> words_per_caption;
    for (const auto& caption : captions) {
      std::vector<char32_t> points = text::unicode::decode(caption);
      int64_t words = 0;
      size_t k = 0;
      while (k < points.size() && words < max_length_) {
        while (k < points.size() && points[k] == U' ') ++k;
        if (k == points.size()) break;
        std::vector<char32_t> word{U'<'};
        while (k < points.size() && points[k] != U' ') word.push_back(points[k++]);
        word.push_back(U'>');
        offsets.push_back(static_cast<int64_t>(grams.size()));
        for (size_t n = 1; n <= 3; ++n)
          for (size_t i = 0; i + n <= word.size(); ++i) {
            if (n == 1 && (i == 0 || i + 1 == word.size())) continue;  // "<" and ">" alone
            uint64_t h = kFnv1aBasis ^ n;
            for (size_t j = i; j < i + n; ++j)
              for (int b = 0; b < 4; ++b) h = fnv1a_step(h, (word[j] >> (8 * b)) & 0xFF);
            grams.push_back(static_cast<int64_t>(h % static_cast<uint64_t>(buckets_)));
          }
        ++words;
      }
      words_per_caption.push_back(words);
    }
    const int64_t batch = static_cast<int64_t>(captions.size());
    const int64_t longest =
        std::max<int64_t>(1, *std::max_element(words_per_caption.begin(), words_per_caption.end()));
    torch::Tensor lengths = torch::tensor(words_per_caption, torch::kLong);
    torch::Tensor mask = torch::arange(longest).unsqueeze(0) < lengths.unsqueeze(1);  // [B, L]
    torch::Tensor features = torch::zeros({batch * longest, characters_->options.embedding_dim()},
                                          torch::TensorOptions().device(device_));
    if (!offsets.empty()) {
      torch::Tensor words = characters_->forward(torch::tensor(grams, torch::kLong).to(device_),
                                                 torch::tensor(offsets, torch::kLong).to(device_));
      torch::Tensor rows = torch::nonzero(mask.reshape({-1})).squeeze(1).to(device_);
      features = features.index_copy(0, rows, words);
    }
    torch::Tensor out = encoder_->forward(features.view({batch, longest, -1}),
                                          mask.to(device_));  // [B, 2, latent]
    return gaussian_embedding(out.select(1, 0), out.select(1, 1), is_training());
  }
  int64_t embedding_dim() const override { return encoder_->options().latent_dim; }

 private:
  int64_t buckets_, max_length_;
  torch::Device device_;
  torch::nn::EmbeddingBag characters_{nullptr};
  nn::ActorStyleEncoder encoder_{nullptr};
};

}  // namespace

MOTLAB_REGISTER(
    text_encoder_family, "char_actor",
    "word tokens from hashed char n-grams -> TMR's ACTOR VAE encoder (weight-free TMR text side)",
    char_actor_settings().options(),
    [](const Options& options, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
      const CharActorSettings s = char_actor_settings().read(options);
      nn::ActorSettings actor = s.actor;
      actor.nfeats = s.char_dim;
      auto encoder = std::make_shared<CharActorEncoder>(s.buckets, s.max_length, actor, ctx.device);
      encoder->to(ctx.device);
      return encoder;
    });
}  // namespace motlab
