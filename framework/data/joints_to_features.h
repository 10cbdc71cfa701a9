// Joint positions -> HumanML3D's 263-d features (motion_representation.py `process_file`), the
// inverse of recover_from_ric (features.h). The target skeleton is built in (the body joints of
// HumanML3D's example skeleton, as TMR ships it in skeleton_example_h3d.npy), so nothing outside
// the product is read at run time.
#pragma once
#include <torch/torch.h>

#include <array>
#include <vector>

#include "framework/data/geometry.h"

namespace motlab::features {

// SMPL body topology of the 22 HumanML3D joints (t2m_kinematic_chain) and parents.
const std::vector<std::vector<int>>& kinematic_chains();
const std::array<int, 22>& joint_parents();
// Unit rest directions of each joint's incoming bone (t2m_raw_offsets): the IK reference.
const std::array<geometry::Vec3, 22>& raw_offsets();
// The example skeleton's 22 body joint positions (metres, Y up, facing +X) and its bone lengths
// |joint - parent| ([0] = 0), which every motion is retargeted to.
const std::array<geometry::Vec3, 22>& example_skeleton_joints();
std::array<double, 22> example_bone_lengths();

// Left/right joint pairs (HumanML3D's swap_left_right chains).
const std::array<std::pair<int, int>, 8>& left_right_pairs();

struct JointsToFeaturesSettings {
  double foot_velocity_threshold = 0.002;  // squared metres per frame (HumanML3D feet_thre)
  bool uniform_skeleton = true;            // retarget bone lengths to `bone_lengths` first
  std::array<double, 22> bone_lengths = example_bone_lengths();
};

// joints [T, 22, 3] (T >= 2, metres, Y up; float32 or float64) -> features [T-1, 263] float32.
// Steps as process_file: uniform skeleton, floor at the lowest joint, root XZ of frame 0 at the
// origin, frame 0 turned to face +Z, foot contacts, IK with a Gaussian-smoothed (sigma 20) facing
// direction, 6-D rotations, root-relative positions and velocities. Computed in double.
torch::Tensor joints_to_features(const torch::Tensor& joints,
                                 const JointsToFeaturesSettings& options = {});

// HumanML3D's mirror of raw joints [T, 22, 3]: x negated, left and right joints swapped.
torch::Tensor mirror_joints(const torch::Tensor& joints);

}  // namespace motlab::features
