// Action primitives of the procedural dataset. Each one samples its parameters (speed, direction,
// amplitude, repetitions, which hand or leg, a variant) and animates a pose as a function of time;
// a motion is a sequence of 1 to 4 of them with blended transitions (generator.h).
#pragma once
#include <string>
#include <vector>

#include "framework/data/synth/rng.h"
#include "framework/data/synth/skeleton.h"

namespace motlab::synth {

enum class Side { kLeft = 0, kRight = 1, kBoth = 2 };
enum class Speed { kSlow = 0, kNormal = 1, kFast = 2 };
enum class Direction { kForward = 0, kBackward = 1, kLeft = 2, kRight = 3 };
enum class Posture { kStanding, kSitting };

struct ActionParams {
  Side side = Side::kRight;
  Speed speed = Speed::kNormal;
  Direction direction = Direction::kForward;
  int reps = 1;
  double amplitude = 1.0;  // 0.75 .. 1.25, scales the movement
  double angle = 0.0;      // radians, + = to the body's left (turns, curved walks)
  int variant = 0;         // action-specific (e.g. raise arms: overhead / forward / sideways)
  double duration = 2.0;   // seconds
};

struct ActionSpec {
  std::string key;  // e.g. "walk"
  Posture start = Posture::kStanding, end = Posture::kStanding;
  double weight = 1.0;  // relative sampling frequency
  void (*sample)(Rng& rng, ActionParams& params);
  // Pose at time t in [0, duration] seconds (neutral pose given).
  void (*animate)(const ActionParams& params, double t, Pose& pose);
};

// Every registered primitive (at least 30), in a fixed order.
const std::vector<ActionSpec>& actions();
const ActionSpec& action(const std::string& key);  // throws naming the known keys

struct Action {
  const ActionSpec* spec = nullptr;
  ActionParams params;
};

// The left/right mirror of an action (HumanML3D's M<id> copies): sides, sideways directions and
// turn angles swap.
Action mirrored(const Action& action);

}  // namespace motlab::synth
