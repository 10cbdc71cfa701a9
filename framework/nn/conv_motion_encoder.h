// T2M-GPT's VQ-VAE motion encoder (Mael-zys/T2M-GPT models/encdec.py + resnet.py), HumanML3D
// defaults: Conv1d(nfeats, width, 3) + ReLU; down_t x [Conv1d(width, width, 2*stride, stride,
// stride/2), Resnet1D(depth, dilations growth^d reversed: 9, 3, 1)]; Conv1d(width, out, 3).
// A ResConv1DBlock is pre-activation: ReLU -> Conv1d(k3, dilation d) -> ReLU -> Conv1d(k1) + x.
#pragma once
#include <torch/torch.h>

#include "framework/config/settings.h"

namespace motlab::nn {

struct ConvEncoderSettings {
  int64_t nfeats = 263;
  int64_t width = 512;
  int64_t output_dim = 512;
  int64_t down_t = 2;
  int64_t stride_t = 2;
  int64_t depth = 3;
  int64_t dilation_growth_rate = 3;
};

// Its options as a component declares them (defaults: T2M-GPT's HumanML3D VQ-VAE).
SettingsSchema<ConvEncoderSettings> conv_encoder_settings();

class ConvMotionEncoderImpl : public torch::nn::Module {
 public:
  explicit ConvMotionEncoderImpl(const ConvEncoderSettings& options);
  // x [B, T, nfeats] -> tokens [B, T / stride^down_t, output_dim].
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential body_{nullptr};
};
TORCH_MODULE(ConvMotionEncoder);

}  // namespace motlab::nn
