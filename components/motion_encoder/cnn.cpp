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

MOTLAB_REGISTER(
    motion_encoder_family, "cnn",
    "T2M-GPT VQ-VAE encoder on fixed-length resampled motions, pooled -> Linear",
    [] {
      const nn::ConvEncoderOptions d;
      return OptionSchema()
          .option<int64_t>("nfeats", d.nfeats, "motion feature size (HumanML3D: 263)")
          .option<int64_t>("frames", 64,
                           "fixed length: linear interpolation up, adaptive pooling "
                           "down")
          .option<int64_t>("width", d.width, "channels of the convolution stack")
          .option<int64_t>("output_dim", d.output_dim, "channels of its output tokens")
          .option<int64_t>("down_t", d.down_t, "temporal downsampling blocks")
          .option<int64_t>("stride_t", d.stride_t, "stride of each downsampling")
          .option<int64_t>("depth", d.depth, "residual blocks per downsampling")
          .option<int64_t>("dilation_growth_rate", d.dilation_growth_rate,
                           "dilation growth of the residual blocks")
          .option<int64_t>("latent_dim", 256, "joint embedding size");
    }(),
    [](const Options& options, const BuildContext& ctx) -> std::shared_ptr<MotionEncoder> {
      nn::ConvEncoderOptions o;
      o.nfeats = options.get<int64_t>("nfeats");
      o.width = options.get<int64_t>("width");
      o.output_dim = options.get<int64_t>("output_dim");
      o.down_t = options.get<int64_t>("down_t");
      o.stride_t = options.get<int64_t>("stride_t");
      o.depth = options.get<int64_t>("depth");
      o.dilation_growth_rate = options.get<int64_t>("dilation_growth_rate");
      const int64_t frames = options.get<int64_t>("frames");
      const int64_t latent = options.get<int64_t>("latent_dim");
      MOTLAB_CHECK(frames > 0, options.describe("frames"), ": frames must be positive");
      auto encoder = std::make_shared<CnnMotionEncoder>(o, frames, latent);
      encoder->to(ctx.device);
      return encoder;
    });
}  // namespace motlab
