// The procedural body: a pose is a vector of joint-angle channels (radians) plus root motion
// channels; forward kinematics turns it into the 22 SMPL-topology joint positions of the HumanML3D
// skeleton (bone lengths and rest directions of HumanML3D's example skeleton, turned to face +Z).
// Conventions: Y up, the body faces +Z at heading 0, its left is +X; heading grows when turning
// left. Paired channels are [left, right] (channel + side, side 0 = left, 1 = right).
#pragma once
#include <array>
#include <vector>

#include "framework/data/geometry.h"

namespace motlab::synth {

enum Channel : int {
  kRootPitch = 0,  // whole body leans forward (+)
  kRootRoll,       // whole body leans to its left (+)
  kSpineBend,      // trunk bends forward (+), spread over the three spine joints
  kSpineSide,      // trunk bends to its left (+)
  kSpineTwist,     // trunk turns to its left (+)
  kNeckBend,       // head tilts forward (+)
  kNeckTurn,       // head turns to its left (+)
  kHipFlex,        // thigh swings forward (+)            [left, right]
  kHipAbd = kHipFlex + 2,     // thigh moves outward (+)
  kHipTwist = kHipAbd + 2,    // thigh rotates outward (+)
  kKnee = kHipTwist + 2,      // knee bends (+)
  kAnkle = kKnee + 2,         // toes point down (+)
  kFootFlat = kAnkle + 2,     // 0..1: blend of the ankle towards a foot parallel to the ground
  kCollar = kFootFlat + 2,    // shoulder shrugs up (+)
  kShoulderFlex = kCollar + 2,   // arm raises forward (+)
  kShoulderAbd = kShoulderFlex + 2,  // arm raises sideways (+)
  kShoulderHoriz = kShoulderAbd + 2,  // raised arm swings outward (+) / across the body (-)
  kShoulderTwist = kShoulderHoriz + 2,  // arm rotates about its own axis (outward +)
  kElbow = kShoulderTwist + 2,  // elbow bends (+)
  kSpeedForward = kElbow + 2,   // m/s along the heading
  kSpeedLeft,                   // m/s to the body's left
  kYawRate,                     // rad/s, + = turning left
  kLift,                        // m above the ground contact (jumps)
  kChannels
};

struct Pose {
  std::array<double, kChannels> v{};
  double& operator[](int channel) { return v[channel]; }
  double operator[](int channel) const { return v[channel]; }
  static Pose neutral();  // standing: everything 0 except feet flat
  static Pose blend(const Pose& a, const Pose& b, double weight);  // (1-w) a + w b
};

constexpr int kJoints = 22;
using Joints = std::array<geometry::Vec3, kJoints>;

// Rest offsets (joint - parent) of the body facing +Z.
const Joints& rest_offsets();

// Joint positions for a pose with the root at `root` and the body turned by `heading` about Y.
Joints forward_kinematics(const Pose& pose, const geometry::Vec3& root, double heading);

}  // namespace motlab::synth
