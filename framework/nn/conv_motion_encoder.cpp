#include "framework/nn/conv_motion_encoder.h"

#include "framework/core/error.h"

namespace motlab::nn {

SettingsSchema<ConvEncoderSettings> conv_encoder_settings() {
  using S = ConvEncoderSettings;
  return SettingsSchema<S>()
      .option("nfeats", &S::nfeats, "motion feature size (HumanML3D: 263)", above(0))
      .option("width", &S::width, "channels of the convolution stack", above(0))
      .option("output_dim", &S::output_dim, "channels of its output tokens", above(0))
      .option("down_t", &S::down_t, "temporal downsampling blocks", at_least(0))
      .option("stride_t", &S::stride_t, "stride of each downsampling", above(0))
      .option("depth", &S::depth, "residual blocks per downsampling", at_least(0))
      .option("dilation_growth_rate", &S::dilation_growth_rate,
              "dilation growth of the residual blocks", above(0));
}

namespace {

torch::nn::Conv1dOptions conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1,
                              int64_t padding = 0, int64_t dilation = 1) {
  return torch::nn::Conv1dOptions(in, out, kernel)
      .stride(stride)
      .padding(padding)
      .dilation(dilation);
}

class ResConvBlockImpl : public torch::nn::Module {
 public:
  ResConvBlockImpl(int64_t width, int64_t dilation) {
    conv1_ =
        register_module("conv1", torch::nn::Conv1d(conv(width, width, 3, 1, dilation, dilation)));
    conv2_ = register_module("conv2", torch::nn::Conv1d(conv(width, width, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = conv1_->forward(torch::relu(x));
    h = conv2_->forward(torch::relu(h));
    return x + h;
  }

 private:
  torch::nn::Conv1d conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(ResConvBlock);

}  // namespace

ConvMotionEncoderImpl::ConvMotionEncoderImpl(const ConvEncoderSettings& o) {
  MOTLAB_CHECK(o.down_t >= 0 && o.depth >= 1 && o.stride_t >= 1,
               "conv motion encoder: invalid down_t/depth/stride");
  body_ = torch::nn::Sequential();
  body_->push_back(torch::nn::Conv1d(conv(o.nfeats, o.width, 3, 1, 1)));
  body_->push_back(torch::nn::ReLU());
  for (int64_t d = 0; d < o.down_t; ++d) {
    body_->push_back(
        torch::nn::Conv1d(conv(o.width, o.width, 2 * o.stride_t, o.stride_t, o.stride_t / 2)));
    // Resnet1D with reverse_dilation=True (the encoder's default): largest dilation first.
    std::vector<int64_t> dilations;
    int64_t dilation = 1;
    for (int64_t k = 0; k < o.depth; ++k, dilation *= o.dilation_growth_rate)
      dilations.push_back(dilation);
    for (auto it = dilations.rbegin(); it != dilations.rend(); ++it)
      body_->push_back(ResConvBlock(o.width, *it));
  }
  body_->push_back(torch::nn::Conv1d(conv(o.width, o.output_dim, 3, 1, 1)));
  register_module("body", body_);
}

torch::Tensor ConvMotionEncoderImpl::forward(const torch::Tensor& x) {
  MOTLAB_CHECK(x.dim() == 3, "conv motion encoder: expected [B, T, F], got ", x.sizes());
  return body_->forward(x.transpose(1, 2)).transpose(1, 2);  // [B, T', out]
}

}  // namespace motlab::nn
