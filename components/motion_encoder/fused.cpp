// motion_encoder `fused` (the paper's section 3.2): a trained `tmr` encoder and a trained `cnn`
// encoder, loaded from earlier run directories and frozen, combined by scaled-dot-product
// cross-attention in which the TMR per-frame tokens give the queries and the CNN tokens give the
// keys and values; the attended frames are mean-pooled over real frames, concatenated with the
// TMR mean token and mapped by a Linear into the joint space. Only the attention projections
// and the Linear train.
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

 private:
  std::shared_ptr<MotionEncoder> tmr_, cnn_;
  int64_t num_heads_, latent_dim_;
  torch::nn::Linear query_{nullptr}, key_{nullptr}, value_{nullptr}, projection_{nullptr};
};

// Channel width of an encoder's tokens, probed with a tiny batch.
int64_t token_dim(MotionEncoder& encoder, int64_t nfeats, torch::Device device) {
  torch::NoGradGuard no_grad;
  encoder.eval();
  MotionBatch probe;
  probe.features = torch::zeros({1, 8, nfeats}, torch::TensorOptions().device(device));
  probe.mask = torch::ones({1, 8}, torch::TensorOptions().dtype(torch::kBool).device(device));
  probe.lengths = torch::full({1}, 8, torch::kLong);
  Embedding e = encoder.encode(probe);
  MOTLAB_CHECK(e.tokens.defined(), "motion_encoder 'fused': an encoder exposes no tokens");
  return e.tokens.size(-1);
}

}  // namespace

MOTLAB_REGISTER(motion_encoder_family, "fused",
                "frozen tmr + cnn encoders (from run dirs) fused by cross-attention (TMR queries)",
                OptionSchema()
                    .required<std::string>("tmr_run", "run dir of a trained `tmr` motion encoder")
                    .required<std::string>("cnn_run", "run dir of a trained `cnn` motion encoder")
                    .option<int64_t>("nfeats", 263, "motion feature size (HumanML3D: 263)")
                    .option<int64_t>("attention_dim", 256, "width of the cross-attention")
                    .option<int64_t>("num_heads", 4, "cross-attention heads")
                    .option<int64_t>("latent_dim", 256, "joint embedding size"),
                [](const Options& options,
                   const BuildContext& ctx) -> std::shared_ptr<MotionEncoder> {
                  const std::string tmr_run = options.get<std::string>("tmr_run");
                  const std::string cnn_run = options.get<std::string>("cnn_run");
                  const int64_t nfeats = options.get<int64_t>("nfeats");
                  const int64_t attention_dim = options.get<int64_t>("attention_dim");
                  const int64_t num_heads = options.get<int64_t>("num_heads");
                  const int64_t latent = options.get<int64_t>("latent_dim");
                  MOTLAB_CHECK(num_heads > 0 && attention_dim % num_heads == 0,
                               options.describe("num_heads"), ": attention_dim (", attention_dim,
                               ") must be a positive multiple of num_heads (", num_heads, ")");
                  auto tmr = train::load_motion_encoder(tmr_run, ctx, "tmr");
                  auto cnn = train::load_motion_encoder(cnn_run, ctx, "cnn");
                  const int64_t tmr_dim = token_dim(*tmr, nfeats, ctx.device);
                  const int64_t cnn_dim = token_dim(*cnn, nfeats, ctx.device);
                  auto encoder = std::make_shared<FusedMotionEncoder>(
                      tmr, cnn, tmr_dim, cnn_dim, attention_dim, num_heads, latent);
                  encoder->to(ctx.device);
                  return encoder;
                });
}  // namespace motlab
