#include <gtest/gtest.h>

#include <cmath>

#include "framework/config/config.h"
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"
#include "framework/nn/gaussian.h"

TEST(GaussianKl, HandValues) {
  torch::Tensor zero = torch::zeros({1, 1}), one = torch::ones({1, 1});
  // q = N(1, 1), p = N(0, 1): 0.5 * (1 + 1 - 1 - 0) = 0.5.
  EXPECT_NEAR(motlab::nn::gaussian_kl(one, zero, zero, zero).item<double>(), 0.5, 1e-7);
  // q = N(0, e), p = N(0, 1) (logvar 1): 0.5 * (e - 1 - 1).
  EXPECT_NEAR(motlab::nn::gaussian_kl(zero, one, zero, zero).item<double>(),
              0.5 * (std::exp(1.0) - 2), 1e-6);
  EXPECT_NEAR(motlab::nn::gaussian_kl(one, one, one, one).item<double>(), 0.0, 1e-7);
}

TEST(TmrLoss, WeightedSumOfItsTermsWithTheDecoderInside) {
  torch::manual_seed(0);
  auto loss = motlab::loss_family().build(
      motlab::Config::from_yaml_string(
          "{_target_: tmr, nfeats: 6, latent_dim: 8, ff_size: 16, num_layers: 1, num_heads: 2, "
          "weight_kl: 1.0, weight_latent: 1.0, threshold: null}"),
      motlab::BuildContext{});
  loss->eval();
  EXPECT_GT(motlab::nn::parameter_count(*loss), 0);  // the decoder trains with the encoders
  motlab::MotionBatch motions;
  motions.features = torch::randn({3, 5, 6});
  motions.mask = torch::ones({3, 5}, torch::kBool);
  motions.lengths = torch::full({3}, 5, torch::kLong);
  motlab::LossInputs in;
  in.motions = &motions;
  for (motlab::Embedding* e : {&in.text, &in.motion}) {
    e->mean = torch::randn({3, 8});
    e->logvar = torch::randn({3, 8}) * 0.1;
    e->latent = e->mean;
  }
  motlab::LossOutput out = loss->compute(in);
  double sum = 0;
  for (const auto& [name, value] : out.parts) sum += value;
  EXPECT_EQ(out.parts.size(), 4u);
  EXPECT_NEAR(out.total.item<double>(), sum, 1e-5);
  // Identical text and motion latents: the latent term and the symmetric KLs vanish.
  in.text = in.motion;
  motlab::LossOutput same = loss->compute(in);
  EXPECT_NEAR(same.parts.at("latent"), 0.0, 1e-7);
  EXPECT_NEAR(same.parts.at("kl"),
              2 * motlab::nn::gaussian_kl(in.motion.mean, in.motion.logvar,
                                          torch::zeros_like(in.motion.mean),
                                          torch::zeros_like(in.motion.mean))
                      .item<double>(),
              1e-5);
}
