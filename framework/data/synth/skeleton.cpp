#include "framework/data/synth/skeleton.h"

#include "framework/data/joints_to_features.h"

namespace motlab::synth {

using geometry::Mat3;
using geometry::rot_x;
using geometry::rot_y;
using geometry::rot_z;
using geometry::Vec3;

Pose Pose::neutral() {
  Pose pose;
  pose[kFootFlat] = pose[kFootFlat + 1] = 1.0;
  return pose;
}

Pose Pose::blend(const Pose& a, const Pose& b, double weight) {
  Pose out;
  for (int c = 0; c < kChannels; ++c) out.v[c] = (1 - weight) * a.v[c] + weight * b.v[c];
  return out;
}

const Joints& rest_offsets() {
  // The example skeleton faces +X with its left at -Z; (x, y, z) -> (-z, y, x) turns it to +Z.
  static const Joints offsets = [] {
    Joints out{};
    const auto& joints = features::example_skeleton_joints();
    const auto& parents = features::joint_parents();
    for (int j = 1; j < kJoints; ++j) {
      const Vec3 d = joints[j] - joints[parents[j]];
      out[j] = {-d.z, d.y, d.x};
    }
    return out;
  }();
  return offsets;
}

Joints forward_kinematics(const Pose& pose, const Vec3& root, double heading) {
  const auto& parents = features::joint_parents();
  const Joints& offsets = rest_offsets();
  std::array<Mat3, kJoints> local;
  local[0] = rot_y(heading) * rot_x(pose[kRootPitch]) * rot_z(-pose[kRootRoll]);
  for (int j : {3, 6, 9})
    local[j] = rot_y(pose[kSpineTwist] / 3) * rot_x(pose[kSpineBend] / 3) *
               rot_z(-pose[kSpineSide] / 3);
  local[12] = rot_y(pose[kNeckTurn]) * rot_x(pose[kNeckBend]);
  for (int side = 0; side < 2; ++side) {
    // The right side mirrors the left: rotations about Y and Z change sign (x -> -x).
    const double s = side == 0 ? 1.0 : -1.0;
    const double flex = pose[kHipFlex + side], knee = pose[kKnee + side];
    local[1 + side] =
        rot_z(s * pose[kHipAbd + side]) * rot_x(-flex) * rot_y(s * pose[kHipTwist + side]);
    local[4 + side] = rot_x(knee);
    // A flat foot cancels the leg's net pitch: pitch - flex + knee + ankle = 0.
    const double flat_ankle = flex - pose[kRootPitch] - knee;
    const double w = pose[kFootFlat + side];
    local[7 + side] = rot_x((1 - w) * pose[kAnkle + side] + w * (flat_ankle + pose[kAnkle + side]));
    local[13 + side] = rot_z(s * pose[kCollar + side]);
    local[16 + side] = rot_y(s * pose[kShoulderHoriz + side]) * rot_z(s * pose[kShoulderAbd + side]) *
                       rot_x(-pose[kShoulderFlex + side]) * rot_y(s * pose[kShoulderTwist + side]);
    local[18 + side] = rot_x(-pose[kElbow + side]);
  }
  Joints out;
  std::array<Mat3, kJoints> global;
  out[0] = root;
  global[0] = local[0];
  for (int j = 1; j < kJoints; ++j) {
    const int p = parents[j];
    out[j] = out[p] + global[p] * offsets[j];
    global[j] = global[p] * local[j];
  }
  return out;
}

}  // namespace motlab::synth
