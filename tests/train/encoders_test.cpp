// Motion encoders at the paper's sizes: parameter counts (TMR spec, T2M-GPT), shapes, masking.
#include <gtest/gtest.h>

#include "framework/config/config.h"
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"
#include "framework/nn/conv_motion_encoder.h"

using motlab::nn::parameter_count;

TEST(ActorEncoder, ParameterCountsMatchTmr) {
  motlab::nn::ActorSettings motion;  // 263 -> 256, 6 layers, 4 heads, ff 1024
  motlab::nn::ActorStyleEncoder motion_encoder(motion);
  EXPECT_EQ(parameter_count(*motion_encoder), 4806656);
  motlab::nn::ActorSettings text = motion;
  text.nfeats = 768;
  EXPECT_EQ(parameter_count(*motlab::nn::ActorStyleEncoder(text)), 4935936);
  motlab::nn::ActorSettings one_layer = motion;
  one_layer.num_layers = 1;
  // One encoder layer = 789,760; the rest is the input Linear (67,584) and 2 tokens (512).
  EXPECT_EQ(parameter_count(*motlab::nn::ActorStyleEncoder(one_layer)), 789760 + 67584 + 512);
  EXPECT_EQ(parameter_count(*motlab::nn::ActorStyleDecoder(motion)), 6388231);
}

TEST(ActorEncoder, PaddingDoesNotChangeTheEmbedding) {
  torch::manual_seed(0);
  motlab::nn::ActorSettings small;
  small.nfeats = 12;
  small.latent_dim = 16;
  small.ff_size = 32;
  small.num_layers = 2;
  small.num_heads = 2;
  motlab::nn::ActorStyleEncoder encoder(small);
  encoder->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor motion = torch::randn({1, 7, 12});
  torch::Tensor alone = encoder->forward(motion, torch::ones({1, 7}, torch::kBool));
  ASSERT_EQ(alone.sizes(), (std::vector<int64_t>{1, 2, 16}));
  // The same motion padded to 15 frames with garbage, next to a longer one.
  torch::Tensor padded = torch::randn({2, 15, 12}) * 100;
  padded[0].narrow(0, 0, 7).copy_(motion[0]);
  torch::Tensor mask = torch::zeros({2, 15}, torch::kBool);
  mask[0].narrow(0, 0, 7).fill_(true);
  mask[1].fill_(true);
  torch::Tensor batched = encoder->forward(padded, mask);
  EXPECT_TRUE(torch::allclose(batched[0], alone[0], 1e-5, 1e-5));
  torch::Tensor decoded =
      motlab::nn::ActorStyleDecoder(small)->forward(alone.select(1, 0), mask.narrow(0, 0, 1));
  EXPECT_EQ(decoded.sizes(), (std::vector<int64_t>{1, 15, 12}));
  EXPECT_EQ(decoded[0].narrow(0, 7, 8).abs().sum().item<float>(), 0.0f);  // padded frames zeroed
}

TEST(ConvEncoder, ParameterCountMatchesT2mGpt) {
  motlab::nn::ConvEncoderSettings options;  // HumanML3D defaults: down_t 2, depth 3, width 512
  motlab::nn::ConvMotionEncoder encoder(options);
  EXPECT_EQ(parameter_count(*encoder), 9587200);
  torch::NoGradGuard no_grad;
  EXPECT_EQ(encoder->forward(torch::randn({2, 64, 263})).sizes(),
            (std::vector<int64_t>{2, 16, 512}));  // 4x temporal downsampling
}

TEST(MotionEncoderComponents, BuildFromConfigAndIgnorePadding) {
  motlab::BuildContext ctx;
  auto tmr = motlab::motion_encoder_family().build(
      motlab::Config::from_yaml_string(
          "{_target_: tmr, nfeats: 12, latent_dim: 16, ff_size: 32, num_layers: 1, num_heads: 2}"),
      ctx);
  auto cnn = motlab::motion_encoder_family().build(
      motlab::Config::from_yaml_string(
          "{_target_: cnn, nfeats: 12, width: 16, output_dim: 16, frames: 16, latent_dim: 8}"),
      ctx);
  tmr->eval();
  cnn->eval();
  torch::NoGradGuard no_grad;
  motlab::MotionBatch one, two;
  torch::Tensor motion = torch::randn({1, 9, 12});
  one.features = motion;
  one.mask = torch::ones({1, 9}, torch::kBool);
  one.lengths = torch::tensor({9L});
  two.features = torch::zeros({2, 20, 12});
  two.features[0].narrow(0, 0, 9).copy_(motion[0]);
  two.features[1].normal_();
  two.mask = torch::arange(20).unsqueeze(0) < torch::tensor({9L, 20L}).unsqueeze(1);
  two.lengths = torch::tensor({9L, 20L});
  for (auto& encoder : {tmr, cnn}) {
    motlab::Embedding a = encoder->encode(one), b = encoder->encode(two);
    EXPECT_EQ(a.mean.size(1), encoder->embedding_dim());
    EXPECT_TRUE(torch::allclose(a.mean[0], b.mean[0], 1e-5, 1e-5));
  }
  EXPECT_THROW(motlab::motion_encoder_family().build(
                   motlab::Config::from_yaml_string("{_target_: cnn, widht: 3}"), ctx),
               motlab::Error);
}
