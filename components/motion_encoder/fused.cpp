// motion_encoder `fused` (the paper's section 3.2): a trained `tmr` encoder and a trained `cnn`
// encoder, loaded from earlier run directories and frozen, combined by scaled-dot-product
// cross-attention in which the TMR per-frame tokens give the queries and the CNN tokens give the
// keys and values; the attended frames are mean-pooled over real frames, concatenated with the
// TMR mean token and mapped by a Linear into the joint space. Only the attention projections
// and the Linear train.
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/model/interfaces.h"
#include "framework/train/run_artifacts.h"

namespace motlab {
namespace {

class FusedMotionEncoder : public MotionEncoder {
 public:
  FusedMotionEncoder(std::shared_ptr<MotionEncoder> tmr, std::shared_ptr<MotionEncoder> cnn,
                     int64_t tmr_dim, int64_t cnn_dim, int64_t attention_dim, int64_t num_heads,
                     int64_t latent_dim)
      : tmr_(std::move(tmr)), cnn_(std::move(cnn)), num_heads_(num_heads), latent_dim_(latent_dim) {
    register_module("tmr", tmr_);
    register_module("cnn", cnn_);
    for (auto& p : tmr_->parameters()) p.set_requires_grad(false);
    for (auto& p : cnn_->parameters()) p.set_requires_grad(false);
    query_ = register_module("query", torch::nn::Linear(tmr_dim, attention_dim));
    key_ = register_module("key", torch::nn::Linear(cnn_dim, attention_dim));
    value_ = register_module("value", torch::nn::Linear(cnn_dim, attention_dim));
    projection_ =
        register_module("projection", torch::nn::Linear(tmr_dim + attention_dim, latent_dim));
  }

  // The frozen encoders stay in evaluation mode (no dropout, mean token) while the fusion trains.
  void train(bool on = true) override {
    torch::nn::Module::train(on);
    tmr_->eval();
    cnn_->eval();
  }

  Embedding encode(const MotionBatch& batch) override {
    Embedding tmr, cnn;
    {
      torch::NoGradGuard no_grad;
      tmr = tmr_->encode(batch);
      cnn = cnn_->encode(batch);
    }
    MOTLAB_CHECK(tmr.tokens.defined() && cnn.tokens.defined(),
                 "motion_encoder 'fused': both encoders must expose token sequences");
    const int64_t B = tmr.tokens.size(0), T = tmr.tokens.size(1), N = cnn.tokens.size(1);
    const int64_t d = query_->options.out_features() / num_heads_;
    auto heads = [&](const torch::Tensor& x, int64_t length) {  // [B, L, D] -> [B, h, L, d]
      return x.view({B, length, num_heads_, d}).transpose(1, 2);
    };
    torch::Tensor q = heads(query_->forward(tmr.tokens), T);
    torch::Tensor k = heads(key_->forward(cnn.tokens), N);
    torch::Tensor v = heads(value_->forward(cnn.tokens), N);
    torch::Tensor scores =
        torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
    if (cnn.token_mask.defined())
      scores = scores.masked_fill(~cnn.token_mask.view({B, 1, 1, N}), -1e9);
    torch::Tensor attended = torch::matmul(torch::softmax(scores, -1), v)  // [B, h, T, d]
                                 .transpose(1, 2)
                                 .reshape({B, T, num_heads_ * d});
    // Mean over real frames only: padding never changes the embedding.
    torch::Tensor mask = tmr.token_mask.to(attended.dtype()).unsqueeze(-1);  // [B, T, 1]
    torch::Tensor pooled = (attended * mask).sum(1) / mask.sum(1).clamp_min(1.0);
    Embedding out;
    out.mean = projection_->forward(torch::cat({tmr.mean, pooled}, 1));
    out.latent = out.mean;
    out.tokens = attended;
    out.token_mask = tmr.token_mask;
    return out;
  }
  int64_t embedding_dim() const override { return latent_dim_; }
  int64_t token_dim() const override { return query_->options.out_features(); }

 private:
  std::shared_ptr<MotionEncoder> tmr_, cnn_;
  int64_t num_heads_, latent_dim_;
  torch::nn::Linear query_{nullptr}, key_{nullptr}, value_{nullptr}, projection_{nullptr};
};

struct FusedEncoderSettings {
  std::string tmr_run, cnn_run;
  int64_t attention_dim = 256;
  int64_t num_heads = 4;
  int64_t latent_dim = 256;
};

SettingsSchema<FusedEncoderSettings> fused_encoder_settings() {
  using S = FusedEncoderSettings;
  return SettingsSchema<S>()
      .required("tmr_run", &S::tmr_run, "run dir of a trained `tmr` motion encoder")
      .required("cnn_run", &S::cnn_run, "run dir of a trained `cnn` motion encoder")
      .option("attention_dim", &S::attention_dim, "width of the cross-attention", above(0))
      .option("num_heads", &S::num_heads, "cross-attention heads", above(0))
      .option("latent_dim", &S::latent_dim, "joint embedding size", above(0))
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.attention_dim % s.num_heads == 0, where("num_heads"), ": attention_dim (",
                     s.attention_dim, ") must be a multiple of num_heads (", s.num_heads, ")");
      });
}

}  // namespace

MOTLAB_REGISTER(motion_encoder_family, "fused",
                "frozen tmr + cnn encoders (from run dirs) fused by cross-attention (TMR queries)",
                fused_encoder_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<MotionEncoder> {
                  const FusedEncoderSettings s = fused_encoder_settings().read(o);
                  auto tmr = train::load_motion_encoder(RunDir(s.tmr_run), ctx, "tmr");
                  auto cnn = train::load_motion_encoder(RunDir(s.cnn_run), ctx, "cnn");
                  auto encoder = std::make_shared<FusedMotionEncoder>(
                      tmr, cnn, tmr->token_dim(), cnn->token_dim(), s.attention_dim, s.num_heads,
                      s.latent_dim);
                  encoder->to(ctx.device);
                  return encoder;
                });
}  // namespace motlab
