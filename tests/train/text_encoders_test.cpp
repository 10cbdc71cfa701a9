// The `char_actor` text encoder: shapes, VAE outputs, batch composition never changes a caption's
// embedding (padding is masked), and different captions get different embeddings.
#include <gtest/gtest.h>

#include "framework/config/config.h"
#include "framework/model/interfaces.h"

TEST(CharActorEncoder, ShapesPaddingAndDistinctCaptions) {
  torch::manual_seed(0);
  auto encoder = motlab::text_encoder_family().build(
      motlab::Config::from_yaml_string("{_target_: char_actor, buckets: 512, char_dim: 16, "
                                       "latent_dim: 24, ff_size: 32, num_layers: 2, num_heads: 2}"),
      motlab::BuildContext{});
  encoder->eval();
  torch::NoGradGuard no_grad;
  auto alone = encoder->encode({"사람이 걷는다"});
  ASSERT_EQ(alone.mean.sizes(), (std::vector<int64_t>{1, 24}));
  ASSERT_EQ(alone.logvar.sizes(), (std::vector<int64_t>{1, 24}));
  EXPECT_TRUE(torch::equal(alone.latent, alone.mean));  // evaluation: the mean
  auto batch = encoder->encode({"누군가 아주 천천히 앞으로 달려간다", "사람이 걷는다"});
  EXPECT_TRUE(torch::allclose(batch.mean[1], alone.mean[0], 1e-5, 1e-5));
  EXPECT_GT((batch.mean[0] - batch.mean[1]).abs().max().item<float>(), 1e-3);
  encoder->train();
  auto sampled = encoder->encode({"사람이 걷는다"});
  EXPECT_FALSE(torch::equal(sampled.latent, sampled.mean));  // training: mu + eps * sigma
}
