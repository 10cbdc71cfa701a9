// text_encoder `distilkobert`: the Korean TMR baseline's text side (paper 4.3; TMR 1.4). A frozen
// DistilBERT (monologg/distilkobert, or a small one from task=pretrain_distilbert) gives token
// features [L, C] for "[CLS] caption [SEP]"; TMR's ACTOR-style VAE encoder turns them into
// (mu, logvar). The features are computed once for every caption of the run and cached on disk
// (text/feature_cache.h), as TMR precomputes them.
#include <algorithm>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/hf_config.h"
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"
#include "framework/nn/hf/distilbert.h"
#include "framework/text/feature_cache.h"
#include "framework/text/tokenizer.h"

namespace motlab {
namespace {

struct DistilKoBertSettings {
  nn::ActorSettings actor;
  std::string model_dir;
  std::string tokenizer;  // "" = model_dir
  int64_t max_tokens = 512;
};

SettingsSchema<DistilKoBertSettings> distilkobert_settings() {
  using S = DistilKoBertSettings;
  return SettingsSchema<S>()
      .flat(&S::actor, nn::actor_settings("text encoder", /*motion_input=*/false))
      .required("model_dir", &S::model_dir, "DistilBERT folder (config.json, model.safetensors)")
      .option("tokenizer", &S::tokenizer, "KoBERT tokenizer folder (empty: model_dir)")
      .option("max_tokens", &S::max_tokens, "longest caption in tokens, [CLS]/[SEP] included",
              at_least(2));
}

class DistilKoBertEncoder : public TextEncoder {
 public:
  DistilKoBertEncoder(const std::string& model_dir, const std::string& tokenizer_dir,
                      nn::ActorSettings actor, int64_t max_tokens, const BuildContext& ctx)
      : model_dir_(model_dir),
        max_tokens_(max_tokens),
        device_(ctx.device),
        cache_dir_(ctx.cache_dir) {
    tokenizer_ = text::load_tokenizer(tokenizer_dir);
    backbone_ = nn::DistilBert(nn::DistilBertConfig::from_hf(io::HfConfig::load(model_dir)));
    nn::load_distilbert(*backbone_, model_dir);
    backbone_->to(device_);
    backbone_->eval();  // frozen and never in training mode (TMR's TextToEmb)
    for (auto& p : backbone_->parameters()) p.set_requires_grad(false);
    actor.nfeats = backbone_->config().dim;
    encoder_ = register_module("encoder", nn::ActorStyleEncoder(actor));
    encoder_->to(device_);
    fingerprint_ = "distilkobert\n" + text::model_folder_fingerprint(model_dir) + "\n" +
                   text::model_folder_fingerprint(tokenizer_dir) + "\nmax_tokens " +
                   std::to_string(max_tokens);
  }

  void prepare(const std::vector<std::string>& all_captions) override {
    const bool from_disk = cache_.build(
        all_captions, fingerprint_, cache_dir_, 128,
        [this](const std::vector<std::string>& batch) { return token_features(batch); });
    log::info("distilkobert", std::string(from_disk ? "loaded" : "computed") +
                                  " token features of " + std::to_string(cache_.size()) +
                                  " captions" +
                                  (cache_.file().empty() ? "" : ": " + cache_.file()));
  }

  Embedding encode(const std::vector<std::string>& captions) override {
    MOTLAB_CHECK(!captions.empty(), "text_encoder 'distilkobert': no caption to encode");
    const std::vector<torch::Tensor> features = cache_.find_or_compute(
        captions, [this](const std::vector<std::string>& batch) { return token_features(batch); });
    int64_t longest = 1;
    for (const auto& f : features) longest = std::max(longest, f.size(0));
    const int64_t batch = static_cast<int64_t>(captions.size()), dim = features[0].size(1);
    torch::Tensor x = torch::zeros({batch, longest, dim});
    torch::Tensor mask = torch::zeros({batch, longest}, torch::kBool);
    for (int64_t b = 0; b < batch; ++b) {
      const auto& f = features[static_cast<size_t>(b)];
      x[b].narrow(0, 0, f.size(0)).copy_(f);
      mask[b].narrow(0, 0, f.size(0)).fill_(true);
    }
    torch::Tensor out = encoder_->forward(x.to(device_), mask.to(device_));  // [B, 2, latent]
    return gaussian_embedding(out.select(1, 0), out.select(1, 1), is_training());
  }

  int64_t embedding_dim() const override { return encoder_->options().latent_dim; }

 private:
  // Frozen backbone: [CLS] caption [SEP] -> last hidden state of every token [L, C].
  std::vector<torch::Tensor> token_features(const std::vector<std::string>& captions) {
    torch::NoGradGuard no_grad;
    std::vector<std::vector<int64_t>> ids;
    size_t longest = 1;
    for (const auto& caption : captions) {
      std::vector<int64_t> row = tokenizer_->encode_framed(caption).ids;
      if (static_cast<int64_t>(row.size()) > max_tokens_) {  // keep the closing [SEP]
        const int64_t sep = row.back();
        row.resize(static_cast<size_t>(max_tokens_));
        row.back() = sep;
      }
      longest = std::max(longest, row.size());
      ids.push_back(std::move(row));
    }
    const int64_t batch = static_cast<int64_t>(captions.size());
    const int64_t pad = tokenizer_->special_tokens().pad.value_or(backbone_->config().pad_token_id);
    torch::Tensor input = torch::full({batch, static_cast<int64_t>(longest)}, pad, torch::kLong);
    torch::Tensor mask = torch::zeros({batch, static_cast<int64_t>(longest)}, torch::kLong);
    for (int64_t b = 0; b < batch; ++b) {
      const auto& row = ids[static_cast<size_t>(b)];
      input[b]
          .narrow(0, 0, static_cast<int64_t>(row.size()))
          .copy_(torch::tensor(row, torch::kLong));
      mask[b].narrow(0, 0, static_cast<int64_t>(row.size())).fill_(1);
    }
    torch::Tensor hidden = backbone_->forward(input.to(device_), mask.to(device_)).cpu();
    std::vector<torch::Tensor> out;
    for (int64_t b = 0; b < batch; ++b)
      out.push_back(
          hidden[b].narrow(0, 0, static_cast<int64_t>(ids[static_cast<size_t>(b)].size())).clone());
    return out;
  }

  std::string model_dir_;
  int64_t max_tokens_;
  torch::Device device_;
  std::string cache_dir_, fingerprint_;
  std::shared_ptr<text::Tokenizer> tokenizer_;
  nn::DistilBert backbone_{nullptr};  // not registered: frozen, never saved in checkpoints
  nn::ActorStyleEncoder encoder_{nullptr};
  text::TokenFeatureCache cache_;
};

}  // namespace

MOTLAB_REGISTER(
    text_encoder_family, "distilkobert",
    "frozen DistilBERT token features -> TMR's ACTOR VAE text encoder (the TMR baseline)",
    distilkobert_settings().options(),
    [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
      const DistilKoBertSettings s = distilkobert_settings().read(o);
      // Its input width (nfeats) is the backbone's hidden size, from its config.json.
      return std::make_shared<DistilKoBertEncoder>(
          s.model_dir, s.tokenizer.empty() ? s.model_dir : s.tokenizer, s.actor, s.max_tokens, ctx);
    });

}  // namespace motlab
