// motion_encoder `cnn`: T2M-GPT's VQ-VAE encoder over motions resampled to a fixed frame count
// (linear interpolation up, adaptive average pooling down), mean-pooled over time -> Linear.
#include "framework/data/dataset.h"
#include "framework/model/interfaces.h"
#include "framework/nn/conv_motion_encoder.h"

namespace motlab {
namespace {
struct CnnEncoderSettings {
  nn::ConvEncoderSettings conv;
  int64_t frames = 64;
  int64_t latent_dim = 256;
};

SettingsSchema<CnnEncoderSettings> cnn_encoder_settings() {
  using S = CnnEncoderSettings;
  return SettingsSchema<S>()
      .flat(&S::conv, nn::conv_encoder_settings())
      .option("frames", &S::frames, "fixed length: linear interpolation up, adaptive pooling down",
              above(0))
      .option("latent_dim", &S::latent_dim, "joint embedding size", above(0));
}

class CnnMotionEncoder : public MotionEncoder {
 public:
  explicit CnnMotionEncoder(const CnnEncoderSettings& s)
      : frames_(s.frames), latent_dim_(s.latent_dim), token_dim_(s.conv.output_dim) {
    encoder_ = register_module("encoder", nn::ConvMotionEncoder(s.conv));
    projection_ = register_module("projection", torch::nn::Linear(s.conv.output_dim, s.latent_dim));
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
  int64_t token_dim() const override { return token_dim_; }

 private:
  int64_t frames_, latent_dim_, token_dim_;
  nn::ConvMotionEncoder encoder_{nullptr};
  torch::nn::Linear projection_{nullptr};
};
}  // namespace

MOTLAB_REGISTER(motion_encoder_family, "cnn",
                "T2M-GPT VQ-VAE encoder on fixed-length resampled motions, pooled -> Linear",
                cnn_encoder_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<MotionEncoder> {
                  auto encoder = std::make_shared<CnnMotionEncoder>(cnn_encoder_settings().read(o));
                  encoder->to(ctx.device);
                  return encoder;
                });
}  // namespace motlab
