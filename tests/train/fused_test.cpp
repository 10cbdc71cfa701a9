// The fused motion encoder: loads trained tmr/cnn encoders from run directories, freezes them,
// trains only the cross-attention and the Linear, keeps shapes and ignores padding.
#include <gtest/gtest.h>

#include "framework/config/config.h"
#include "framework/io/atomic_file.h"
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"
#include "framework/train/checkpoint.h"
#include "framework/train/run_artifacts.h"
#include "tests/support/paths.h"

namespace {
using motlab::Config;

// A "finished run": its resolved config and trained (here: randomly initialised) weights.
std::shared_ptr<motlab::MotionEncoder> write_run(const std::string& dir, const std::string& node) {
  Config config = Config::from_yaml_string("{motion_encoder: " + node + "}");
  motlab::write_file_atomic(dir + "/config_resolved.yaml", config.to_yaml());
  auto encoder =
      motlab::motion_encoder_family().build(config["motion_encoder"], motlab::BuildContext{});
  motlab::train::save_module(motlab::RunDir(dir).model_weights_file("motion_encoder"), *encoder);
  return encoder;
}

motlab::MotionBatch batch_of(const torch::Tensor& features, std::vector<int64_t> lengths) {
  motlab::MotionBatch b;
  b.features = features;
  b.lengths = torch::tensor(lengths);
  b.mask = torch::arange(features.size(1)).unsqueeze(0) < b.lengths.unsqueeze(1);
  return b;
}

TEST(FusedEncoder, FrozenEncodersTrainableFusionShapesAndPadding) {
  torch::manual_seed(1);
  const std::string tmr_dir = motlab::test::temp_dir("fused_tmr_run");
  const std::string cnn_dir = motlab::test::temp_dir("fused_cnn_run");
  auto tmr = write_run(tmr_dir,
                       "{_target_: tmr, nfeats: 12, latent_dim: 16, ff_size: 32, num_layers: 1, "
                       "num_heads: 2}");
  auto cnn = write_run(cnn_dir,
                       "{_target_: cnn, nfeats: 12, width: 16, output_dim: 24, frames: 16, "
                       "latent_dim: 8}");
  auto fused = motlab::motion_encoder_family().build(
      Config::from_yaml_string("{_target_: fused, tmr_run: " + tmr_dir + ", cnn_run: " + cnn_dir +
                               ", attention_dim: 8, num_heads: 2, latent_dim: 10}"),
      motlab::BuildContext{});
  EXPECT_EQ(fused->embedding_dim(), 10);
  // Trainable: query 16->8, key 24->8, value 24->8, projection (16+8)->10.
  const int64_t expected = (16 * 8 + 8) + (24 * 8 + 8) + (24 * 8 + 8) + (24 * 10 + 10);
  EXPECT_EQ(motlab::nn::parameter_count(*fused, /*trainable_only=*/true), expected);
  EXPECT_EQ(motlab::nn::parameter_count(*fused),
            expected + motlab::nn::parameter_count(*tmr) + motlab::nn::parameter_count(*cnn));
  // The loaded weights are the runs' weights.
  auto loaded = fused->named_parameters();
  for (const auto& p : tmr->named_parameters())
    EXPECT_TRUE(torch::equal(loaded["tmr." + p.key()], p.value())) << p.key();

  fused->train(true);  // the frozen encoders stay in eval mode: no dropout, no sampling
  torch::Tensor motion = torch::randn({1, 20, 12});
  auto one = fused->encode(batch_of(motion, {20}));
  ASSERT_EQ(one.mean.sizes(), (std::vector<int64_t>{1, 10}));
  EXPECT_TRUE(torch::equal(one.mean, fused->encode(batch_of(motion, {20})).mean));
  // The same motion padded with garbage next to a longer one: same embedding.
  torch::Tensor padded = torch::randn({2, 33, 12}) * 50;
  padded[0].narrow(0, 0, 20).copy_(motion[0]);
  auto two = fused->encode(batch_of(padded, {20, 33}));
  EXPECT_TRUE(torch::allclose(two.mean[0], one.mean[0], 1e-5, 1e-5));
  // Gradients reach the fusion only.
  two.mean.sum().backward();
  for (const auto& p : fused->named_parameters())
    EXPECT_EQ(p.value().grad().defined(), p.value().requires_grad()) << p.key();
}

TEST(FusedEncoder, MissingRunDirectoryIsAClearError) {
  try {
    motlab::motion_encoder_family().build(
        Config::from_yaml_string("{_target_: fused, tmr_run: /nonexistent/a, cnn_run: /b}"),
        motlab::BuildContext{});
    FAIL() << "expected an error";
  } catch (const motlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/a"), std::string::npos) << e.what();
  }
}
}  // namespace
