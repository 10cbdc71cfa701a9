// InfoNCE with TMR's negative filtering against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "framework/config/config.h"
#include "framework/model/interfaces.h"
#include "framework/nn/contrastive.h"

namespace {
// Four unit vectors at 90 degrees: cosines are 1 (self), 0 (neighbours), -1 (opposite).
torch::Tensor square() { return torch::tensor({{1.f, 0.f}, {0.f, 1.f}, {-1.f, 0.f}, {0.f, -1.f}}); }
const double e = std::exp(1.0);
}  // namespace

TEST(InfoNce, HandComputedWithoutFiltering) {
  // Every row and column holds logits {1, 0, -1, 0} (temperature 1): CE = log(e + 2 + 1/e) - 1.
  const double expected = std::log(e + 2 + 1 / e) - 1;
  torch::Tensor loss = motlab::nn::infonce(square(), square(), 1.0);
  EXPECT_NEAR(loss.item<double>(), expected, 1e-6);
  EXPECT_NEAR(expected, 0.626523, 1e-6);
  // Temperature 0.5 doubles the logits: log(e^2 + 2 + e^-2) - 2.
  EXPECT_NEAR(motlab::nn::infonce(square(), square(), 0.5).item<double>(),
              std::log(e * e + 2 + 1 / (e * e)) - 2, 1e-6);
}

TEST(InfoNce, HandComputedWithFiltering) {
  // Captions 0 and 1 are near-identical (cosine 0.99 > 2 * 0.95 - 1 = 0.9): pair (0,1) and (1,0)
  // leave the denominators of rows 0, 1 and columns 0, 1. Rows 2, 3 are unchanged.
  torch::Tensor captions = torch::eye(4);
  captions[0][1] = captions[1][0] = 0.99f;
  captions[2][3] = captions[3][2] = 0.85f;              // below the cosine threshold 0.9: kept
  const double filtered = std::log(e + 1 + 1 / e) - 1;  // {1, -1, 0}
  const double kept = std::log(e + 2 + 1 / e) - 1;      // {1, 0, -1, 0}
  const double expected = ((2 * filtered + 2 * kept) / 4 + (2 * filtered + 2 * kept) / 4) / 2;
  torch::Tensor loss = motlab::nn::infonce(square(), square(), 1.0, captions, 0.95);
  EXPECT_NEAR(loss.item<double>(), expected, 1e-6);
  EXPECT_NEAR(expected, 0.517064, 1e-6);
  // Through the registered component (same numbers).
  auto component = motlab::loss_family().build(
      motlab::Config::from_yaml_string("{_target_: infonce, temperature: 1.0, threshold: 0.95}"),
      motlab::BuildContext{});
  motlab::LossInputs inputs;
  inputs.text.latent = square();
  inputs.motion.latent = square();
  inputs.caption_similarity = captions;
  EXPECT_NEAR(component->compute(inputs).total.item<double>(), expected, 1e-6);
}

TEST(InfoNce, FilteredNegativesGetNoGradientPositivesAlwaysDo) {
  torch::Tensor logits = torch::randn({4, 4}).requires_grad_(true);
  torch::Tensor captions = torch::eye(4);  // captions 0 and 1 identical, the rest distinct
  captions[0][1] = captions[1][0] = 1.0f;
  motlab::nn::infonce_from_logits(logits, captions, 0.95).backward();
  torch::Tensor grad = logits.grad();
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const bool filtered = (i == 0 && j == 1) || (i == 1 && j == 0);
      if (filtered)
        EXPECT_EQ(grad[i][j].item<float>(), 0.0f) << i << "," << j;
      else
        EXPECT_NE(grad[i][j].item<float>(), 0.0f) << i << "," << j;
    }
  }
}

TEST(InfoNce, ThresholdNullMeansNoFiltering) {
  torch::Tensor captions = torch::ones({4, 4});
  EXPECT_NEAR(motlab::nn::infonce(square(), square(), 1.0, captions, std::nullopt).item<double>(),
              std::log(e + 2 + 1 / e) - 1, 1e-6);
}
