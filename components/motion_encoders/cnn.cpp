// motion_encoder `cnn`: T2M-GPT's VQ-VAE encoder over motions resampled to a fixed frame count
// (linear interpolation up, adaptive average pooling down), mean-pooled over time -> Linear.
#include "framework/data/dataset.h"
#include "framework/model/interfaces.h"
#include "framework/nn/conv_motion_encoder.h"

namespace motlab {
namespace {
class CnnMotionEncoder : public MotionEncoder {
 public:
  CnnMotionEncoder(const nn::ConvEncoderOptions& options, int64_t frames, int64_t latent_dim)
      : frames_(frames), latent_dim_(latent_dim) {
    encoder_ = register_module("encoder", nn::ConvMotionEncoder(options));
    projection_ = register_module("projection", torch::nn::Linear(options.output_dim, latent_dim));
  }
  Embedding encode(const MotionBatch& batch) override {
    // Each motion is cut to its length, then resampled to frames_ (padding never leaks in).
    std::vector<torch::Tensor> resampled;
    torch::Tensor lengths = batch.lengths.to(torch::kCPU);
    for (int64_t b = 0; b < batch.features.size(0); ++b)
      resampled.push_back(data::resample_frames(
          batch.features[b].narrow(0, 0, lengths[b].item<int64_t>()), frames_));
    torch::Tensor tokens = encoder_->forward(torch::stack(resampled));  // [B, frames/4, 512]
    Embedding out;
    out.mean = projection_->forward(tokens.mean(1));
    out.latent = out.mean;
    out.tokens = tokens;
    out.token_mask =
        torch::ones({tokens.size(0), tokens.size(1)}, tokens.options().dtype(torch::kBool));
    return out;
  }
  int64_t embedding_dim() const override { return latent_dim_; }

 private:
  int64_t frames_, latent_dim_;
  nn::ConvMotionEncoder encoder_{nullptr};
  torch::nn::Linear projection_{nullptr};
};
}  // namespace

MOTLAB_REGISTER(motion_encoder_family, "cnn",
                "T2M-GPT VQ-VAE encoder on fixed-length resampled motions, pooled -> Linear",
                [](const Config& node, const BuildContext& ctx) -> std::shared_ptr<MotionEncoder> {
                  Options options(node, "motion_encoder 'cnn'");
                  nn::ConvEncoderOptions o;
                  o.nfeats = options.get<int64_t>("nfeats", o.nfeats);
                  o.width = options.get<int64_t>("width", o.width);
                  o.output_dim = options.get<int64_t>("output_dim", o.output_dim);
                  o.down_t = options.get<int64_t>("down_t", o.down_t);
                  o.stride_t = options.get<int64_t>("stride_t", o.stride_t);
                  o.depth = options.get<int64_t>("depth", o.depth);
                  o.dilation_growth_rate =
                      options.get<int64_t>("dilation_growth_rate", o.dilation_growth_rate);
                  const int64_t frames = options.get<int64_t>("frames", 64);
                  const int64_t latent = options.get<int64_t>("latent_dim", 256);
                  options.finish();
                  MOTLAB_CHECK(frames > 0, node.describe(), ": frames must be positive");
                  auto encoder = std::make_shared<CnnMotionEncoder>(o, frames, latent);
                  encoder->to(ctx.device);
                  return encoder;
                });
}  // namespace motlab
