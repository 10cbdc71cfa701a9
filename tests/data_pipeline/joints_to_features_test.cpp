#include "framework/data/joints_to_features.h"

#include <gtest/gtest.h>

#include "framework/core/error.h"
#include "framework/data/features.h"
#include "framework/data/npy.h"
#include "tests/support/paths.h"

namespace {
namespace F = motlab::features;
std::string sample(const std::string& relative) {
  return motlab::test::shared_dir() + "/data/humanml3d/" + relative;
}
}  // namespace

TEST(JointsToFeatures, BuiltInSkeletonIsTheExampleSkeleton) {
  MOTLAB_REQUIRE_SHARED();
  torch::Tensor example = motlab::npy::load(sample("skeleton_example_h3d.npy"));
  ASSERT_EQ(example.size(0), 52);
  for (int j = 0; j < 22; ++j) {
    EXPECT_EQ(example[j][0].item<double>(), F::example_skeleton_joints()[j].x) << j;
    EXPECT_EQ(example[j][1].item<double>(), F::example_skeleton_joints()[j].y) << j;
    EXPECT_EQ(example[j][2].item<double>(), F::example_skeleton_joints()[j].z) << j;
  }
}

// The reference joints are recover_from_ric(reference features); processing them again must give
// the reference features back. Per-part maximum errors are recorded as test properties.
TEST(JointsToFeatures, RoundTripsTheReferenceSample) {
  MOTLAB_REQUIRE_SHARED();
  torch::Tensor features = motlab::npy::load(sample("sample/new_joint_vecs/012314.npy"));
  torch::Tensor joints = motlab::npy::load(sample("sample/new_joints/012314.npy"));
  torch::Tensor recomputed = F::joints_to_features(joints);
  ASSERT_EQ(recomputed.sizes(), (std::vector<int64_t>{169, 263}));
  torch::Tensor reference = features.narrow(0, 0, 169);
  // The joints are not an exact preimage: the raw motion had one frame more (171), which the
  // Gaussian-smoothed facing direction (sigma 20, 'nearest' edges) sees near the end, and HumanML3D
  // rotates root velocities by r_rot[t+1] when computing but r_rot[t] when recovering. So frames
  // away from the end must match tightly, the last 40 frames loosely.
  struct Part {
    const char* name;
    int64_t begin, end;
    double interior_tolerance, tolerance;
  };
  const Part parts[] = {{"root_rot_vel", 0, 1, 1e-4, 1e-3}, {"root_lin_vel", 1, 3, 5e-4, 1e-3},
                        {"root_y", 3, 4, 1e-5, 1e-5},       {"ric", 4, 67, 1e-3, 1e-2},
                        {"rot6d", 67, 193, 2e-3, 2e-2},     {"local_vel", 193, 259, 1e-3, 1e-3},
                        {"foot_contact", 259, 263, 0, 0}};
  const int64_t interior = 129;
  for (const auto& part : parts) {
    torch::Tensor error =
        (recomputed.slice(1, part.begin, part.end) - reference.slice(1, part.begin, part.end))
            .abs();
    const double all = error.max().item<double>();
    const double inner = error.narrow(0, 0, interior).max().item<double>();
    std::printf("  %-13s max abs error: frames 0-%ld %.3g, all %.3g\n", part.name,
                static_cast<long>(interior - 1), inner, all);
    RecordProperty(part.name, std::to_string(all));
    EXPECT_LE(inner, part.interior_tolerance) << part.name;
    EXPECT_LE(all, part.tolerance) << part.name;
  }
}

TEST(JointsToFeatures, StraightWalkOfARigidSkeleton) {
  // The example skeleton translated 0.05 m per frame along its facing direction (+X): constant
  // forward velocity in the facing frame, no rotation, constant root height and ric.
  const int T = 10;
  torch::Tensor joints = torch::zeros({T, 22, 3}, torch::kFloat64);
  for (int t = 0; t < T; ++t)
    for (int j = 0; j < 22; ++j) {
      const auto& p = F::example_skeleton_joints()[j];
      joints[t][j][0] = p.x + 0.05 * t;
      joints[t][j][1] = p.y;
      joints[t][j][2] = p.z;
    }
  torch::Tensor f = F::joints_to_features(joints);
  ASSERT_EQ(f.sizes(), (std::vector<int64_t>{T - 1, 263}));
  // Frame 0's root rotation is the identity (HumanML3D), the smoothed IK facing direction (which
  // mixes hips and shoulders differently) differs by a constant yaw: only frame 0 turns.
  EXPECT_LT(f.select(1, 0).narrow(0, 1, T - 2).abs().max().item<double>(), 1e-6);
  EXPECT_NEAR(std::hypot(f[3][1].item<double>(), f[3][2].item<double>()), 0.05, 1e-5);
  EXPECT_TRUE(torch::allclose(f.slice(1, 4, 67)[1], f.slice(1, 4, 67)[T - 2], 1e-5, 1e-5));
  // Recovering gives back a skeleton with the example's bone lengths.
  torch::Tensor recovered = F::recover_from_ric(f);
  const auto lengths = F::example_bone_lengths();
  for (int j = 1; j < 22; ++j) {
    const double length =
        (recovered[4][j] - recovered[4][F::joint_parents()[j]]).norm().item<double>();
    EXPECT_NEAR(length, lengths[j], 1e-5) << j;
  }
}

TEST(JointsToFeatures, MirrorSwapsSidesAndNegatesX) {
  torch::Tensor joints = torch::randn({3, 22, 3});
  torch::Tensor mirrored = F::mirror_joints(joints);
  EXPECT_TRUE(torch::equal(mirrored[1][1][0], -joints[1][2][0]));
  EXPECT_TRUE(torch::equal(mirrored[1][2][1], joints[1][1][1]));
  EXPECT_TRUE(torch::equal(mirrored[2][0][0], -joints[2][0][0]));
  EXPECT_TRUE(torch::equal(F::mirror_joints(mirrored), joints));
}

TEST(JointsToFeatures, RejectsBadShapes) {
  EXPECT_THROW(F::joints_to_features(torch::zeros({5, 21, 3})), motlab::Error);
  EXPECT_THROW(F::joints_to_features(torch::zeros({1, 22, 3})), motlab::Error);
}
