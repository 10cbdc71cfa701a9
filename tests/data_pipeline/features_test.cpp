#include "framework/data/features.h"

#include <gtest/gtest.h>

#include "framework/data/npy.h"
#include "tests/support/paths.h"

namespace {
std::string sample(const std::string& relative) {
  return motlab::test::shared_dir() + "/data/humanml3d/" + relative;
}
}  // namespace

TEST(RecoverFromRic, ReproducesTheReferenceJoints) {
  MOTLAB_REQUIRE_SHARED();
  torch::Tensor features = motlab::npy::load(sample("sample/new_joint_vecs/012314.npy"));
  torch::Tensor reference = motlab::npy::load(sample("sample/new_joints/012314.npy"));
  ASSERT_EQ(features.sizes(), (std::vector<int64_t>{170, 263}));
  ASSERT_EQ(reference.sizes(), (std::vector<int64_t>{170, 22, 3}));
  torch::Tensor joints = motlab::features::recover_from_ric(features);
  ASSERT_EQ(joints.sizes(), reference.sizes());
  const double max_error = (joints - reference).abs().max().item<double>();
  RecordProperty("max_abs_error", std::to_string(max_error));
  EXPECT_LE(max_error, 1e-4);
  // Batched input gives the same joints.
  torch::Tensor batched =
      motlab::features::recover_from_ric(features.unsqueeze(0).repeat({2, 1, 1}));
  EXPECT_TRUE(torch::allclose(batched[1], joints));
}

TEST(RecoverFromRic, RootIntegratesVelocities) {
  // Constant forward velocity 0.1 along Z, no rotation, height 1: the root moves 0.1 per frame.
  torch::Tensor f = torch::zeros({5, 263});
  f.select(1, 2).fill_(0.1f);
  f.select(1, 3).fill_(1.0f);
  torch::Tensor joints = motlab::features::recover_from_ric(f);
  for (int t = 0; t < 5; ++t) {
    EXPECT_NEAR(joints[t][0][2].item<float>(), 0.1f * t, 1e-6);
    EXPECT_NEAR(joints[t][0][1].item<float>(), 1.0f, 1e-6);
  }
}

TEST(Quaternion, RotateAboutY) {
  const float half = std::sqrt(0.5f);
  torch::Tensor q = torch::tensor({half, 0.f, half, 0.f});  // 90 degrees about +Y
  torch::Tensor v = motlab::features::quaternion_rotate(q, torch::tensor({0.f, 0.f, 1.f}));
  EXPECT_TRUE(torch::allclose(v, torch::tensor({1.f, 0.f, 0.f}), 1e-6, 1e-6));
}
