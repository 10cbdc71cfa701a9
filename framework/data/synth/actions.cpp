#include "framework/data/synth/actions.h"

#include <algorithm>
#include <cmath>

#include "framework/core/error.h"

namespace motlab::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

double smooth(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}
// 0 -> 1 over `rise` seconds, back to 0 over the last `fall` seconds.
double envelope(double t, double duration, double rise, double fall) {
  return smooth(t / rise) * smooth((duration - t) / fall);
}
double bell(double u) {  // 0 at 0 and 1, 1 at 0.5
  const double s = std::sin(kPi * std::clamp(u, 0.0, 1.0));
  return s * s;
}
// Position within the current repetition, in [0, 1).
double rep_phase(const ActionParams& p, double t) {
  const double x = std::clamp(t / p.duration, 0.0, 0.999999) * p.reps;
  return x - std::floor(x);
}
int side_index(Side side) { return side == Side::kRight ? 1 : 0; }
bool uses(Side side, int s) { return side == Side::kBoth || side_index(side) == s; }

Speed sample_speed(Rng& rng) {
  return static_cast<Speed>(rng.weighted({0.25, 0.5, 0.25}));
}
Side sample_side(Rng& rng, double both = 0.0) {
  if (rng.chance(both)) return Side::kBoth;
  return rng.chance(0.5) ? Side::kLeft : Side::kRight;
}
double sample_amplitude(Rng& rng) { return rng.uniform(0.8, 1.2); }

// Alternating legs and opposite arms; `phase` in radians, amplitudes in radians.
void gait(Pose& p, double phase, double hip, double knee, double knee_base, double arm,
          double elbow) {
  for (int s = 0; s < 2; ++s) {
    const double ph = phase + s * kPi;
    const double swing = std::cos(ph);  // > 0 while the thigh swings forward
    p[kHipFlex + s] += hip * std::sin(ph);
    p[kKnee + s] += knee_base + knee * std::max(0.0, swing);
    p[kFootFlat + s] = swing < 0 ? 1.0 : 1.0 - 0.8 * swing;
    p[kAnkle + s] += 0.25 * hip * std::max(0.0, -std::sin(ph));  // push-off
    p[kShoulderFlex + s] += -arm * std::sin(ph);
    p[kElbow + s] += elbow;
    p[kShoulderAbd + s] += 0.08;
  }
  p[kSpineTwist] += 0.15 * hip * std::sin(phase);
}

// ---- locomotion -------------------------------------------------------------------------------

struct GaitShape {
  double cadence, stride, hip, knee, knee_base, arm, elbow, lean, bounce;
};
GaitShape walk_shape(Speed speed) {
  switch (speed) {
    case Speed::kSlow: return {0.75, 1.0, 0.28, 0.9, 0.08, 0.2, 0.2, 0.0, 0.0};
    case Speed::kFast: return {1.05, 1.6, 0.46, 1.2, 0.12, 0.45, 0.35, 0.05, 0.0};
    default: return {0.9, 1.35, 0.38, 1.05, 0.1, 0.3, 0.25, 0.02, 0.0};
  }
}
void locomote(const ActionParams& p, double t, Pose& pose, const GaitShape& g, double sign) {
  const double ramp = envelope(t, p.duration, 0.4, 0.4);
  const double a = p.amplitude;
  gait(pose, sign * 2 * kPi * g.cadence * t, ramp * g.hip * a, ramp * g.knee * a, ramp * g.knee_base,
       ramp * g.arm * a, g.elbow);
  pose[kRootPitch] += ramp * g.lean * sign;
  pose[kSpeedForward] = sign * ramp * g.stride * g.cadence * a;
  pose[kYawRate] = p.angle / p.duration;
  pose[kLift] = ramp * g.bounce * std::max(0.0, std::sin(4 * kPi * g.cadence * t));
}

void sample_walk(Rng& rng, ActionParams& p) {
  p.speed = sample_speed(rng);
  p.amplitude = rng.uniform(0.9, 1.1);
  p.variant = static_cast<int>(rng.weighted({0.7, 0.2, 0.1}));  // straight, curve, circle
  const double side = rng.chance(0.5) ? 1.0 : -1.0;
  p.angle = p.variant == 0 ? rng.uniform(-0.15, 0.15)
                           : side * (p.variant == 1 ? rng.uniform(0.6, 1.6) : 2 * kPi);
  p.duration = p.variant == 2 ? rng.uniform(5.0, 7.5) : rng.uniform(2.5, 6.0);
}
void animate_walk(const ActionParams& p, double t, Pose& pose) {
  locomote(p, t, pose, walk_shape(p.speed), 1.0);
}

void sample_run(Rng& rng, ActionParams& p) {
  p.speed = rng.chance(0.3) ? Speed::kFast : Speed::kNormal;
  p.amplitude = rng.uniform(0.9, 1.1);
  p.angle = rng.chance(0.2) ? (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.6, 1.4)
                            : rng.uniform(-0.1, 0.1);
  p.variant = std::abs(p.angle) > 0.5 ? 1 : 0;
  p.duration = rng.uniform(2.0, 4.5);
}
void animate_run(const ActionParams& p, double t, Pose& pose) {
  GaitShape g{1.4, 2.3, 0.65, 1.6, 0.3, 0.7, 1.5, 0.15, 0.05};
  if (p.speed == Speed::kFast) g = {1.55, 2.6, 0.75, 1.8, 0.3, 0.8, 1.5, 0.2, 0.06};
  locomote(p, t, pose, g, 1.0);
}

void sample_jog(Rng& rng, ActionParams& p) {
  p.speed = rng.chance(0.3) ? Speed::kSlow : Speed::kNormal;
  p.amplitude = rng.uniform(0.9, 1.1);
  p.angle = rng.uniform(-0.15, 0.15);
  p.variant = rng.chance(0.25) ? 1 : 0;  // in place
  p.duration = rng.uniform(2.5, 5.0);
}
void animate_jog(const ActionParams& p, double t, Pose& pose) {
  GaitShape g{1.25, 1.7, 0.48, 1.3, 0.25, 0.5, 1.3, 0.08, 0.03};
  if (p.speed == Speed::kSlow) g = {1.15, 1.4, 0.42, 1.2, 0.2, 0.45, 1.3, 0.06, 0.025};
  if (p.variant == 1) g.stride = 0.0;
  locomote(p, t, pose, g, 1.0);
}

void sample_walk_backwards(Rng& rng, ActionParams& p) {
  p.speed = rng.chance(0.3) ? Speed::kSlow : Speed::kNormal;
  p.amplitude = rng.uniform(0.85, 1.1);
  p.angle = rng.uniform(-0.15, 0.15);
  p.duration = rng.uniform(2.0, 4.5);
}
void animate_walk_backwards(const ActionParams& p, double t, Pose& pose) {
  GaitShape g = walk_shape(Speed::kSlow);
  g.stride *= p.speed == Speed::kSlow ? 0.7 : 0.9;
  locomote(p, t, pose, g, -1.0);
  pose[kRootPitch] -= 0.04;
}

void sample_sidestep(Rng& rng, ActionParams& p) {
  p.direction = rng.chance(0.5) ? Direction::kLeft : Direction::kRight;
  p.speed = sample_speed(rng);
  p.amplitude = sample_amplitude(rng);
  p.reps = rng.range(2, 5);  // steps
  p.duration = p.reps * (p.speed == Speed::kFast ? 0.55 : p.speed == Speed::kSlow ? 1.0 : 0.75);
}
void animate_sidestep(const ActionParams& p, double t, Pose& pose) {
  const double s = p.direction == Direction::kLeft ? 1.0 : -1.0;
  const int lead = s > 0 ? 0 : 1;
  const double phase = rep_phase(p, t);
  const double open = bell(phase);  // lead leg out in the first half, trailing leg follows
  const double a = 0.28 * p.amplitude;
  pose[kHipAbd + lead] = a * open;
  pose[kHipAbd + 1 - lead] = a * 0.5 * bell(std::fmod(phase + 0.5, 1.0)) * (phase > 0.3);
  for (int k = 0; k < 2; ++k) pose[kKnee + k] = 0.15 + 0.25 * open;
  pose[kShoulderAbd] = pose[kShoulderAbd + 1] = 0.15;
  pose[kSpeedLeft] = s * 0.5 * p.amplitude * p.reps / p.duration * 2 * std::sin(kPi * phase) *
                     std::sin(kPi * phase);
}

// ---- turning ----------------------------------------------------------------------------------

void turn_steps(const ActionParams& p, double t, Pose& pose) {
  const double lift = envelope(t, p.duration, 0.3, 0.3);
  const double phase = 2 * kPi * 1.1 * t;
  for (int s = 0; s < 2; ++s) {
    const double up = std::max(0.0, std::sin(phase + s * kPi));
    pose[kHipFlex + s] = 0.25 * lift * up;
    pose[kKnee + s] = 0.45 * lift * up;
  }
}
void animate_turn(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  pose[kYawRate] = p.angle * 2 * bell(u) / p.duration;  // integrates to angle
  pose[kSpineTwist] = 0.25 * (p.angle > 0 ? 1 : -1) * bell(u);
  pose[kNeckTurn] = 0.2 * (p.angle > 0 ? 1 : -1) * bell(std::min(1.0, u * 1.3));
  turn_steps(p, t, pose);
}
void sample_turn(Rng& rng, ActionParams& p) {
  const double s = rng.chance(0.5) ? 1.0 : -1.0;
  p.variant = rng.chance(0.8) ? 0 : 1;  // 90 degrees / a bit less or more
  p.angle = s * (p.variant == 0 ? kPi / 2 : rng.uniform(0.6, 2.0));
  p.speed = sample_speed(rng);
  p.duration = (p.speed == Speed::kFast ? 0.9 : p.speed == Speed::kSlow ? 2.0 : 1.4) *
               std::max(1.0, std::abs(p.angle) / (kPi / 2));
}
void sample_turn_around(Rng& rng, ActionParams& p) {
  p.angle = (rng.chance(0.5) ? 1.0 : -1.0) * kPi;
  p.speed = sample_speed(rng);
  p.duration = p.speed == Speed::kFast ? 1.2 : p.speed == Speed::kSlow ? 2.6 : 1.8;
}
void sample_spin(Rng& rng, ActionParams& p) {
  p.reps = rng.chance(0.8) ? 1 : 2;
  p.angle = (rng.chance(0.5) ? 1.0 : -1.0) * 2 * kPi * p.reps;
  p.speed = rng.chance(0.5) ? Speed::kFast : Speed::kNormal;
  p.duration = p.reps * (p.speed == Speed::kFast ? 1.3 : 2.0);
}
void animate_spin(const ActionParams& p, double t, Pose& pose) {
  animate_turn(p, t, pose);
  const double e = envelope(t, p.duration, 0.3, 0.3);
  pose[kShoulderAbd] = pose[kShoulderAbd + 1] = 0.5 * e;
  pose[kElbow] = pose[kElbow + 1] = 0.5 * e;
}

// ---- jumps ------------------------------------------------------------------------------------

// One jump in [0, 1): crouch, push off, flight, land, recover. Returns the flight fraction.
double jump_cycle(double x, double height, Pose& pose, double arms) {
  const double crouch = bell(std::clamp(x / 0.45, 0.0, 1.0) * 0.5) * (x < 0.3) +
                        (x >= 0.3 && x < 0.38) * (1 - (x - 0.3) / 0.08) +
                        (x >= 0.68) * bell(std::clamp((x - 0.68) / 0.32, 0.0, 1.0));
  const double flight = (x >= 0.38 && x < 0.68) ? std::sin(kPi * (x - 0.38) / 0.3) : 0.0;
  for (int s = 0; s < 2; ++s) {
    pose[kKnee + s] += 1.1 * crouch + 0.2 * flight;
    pose[kHipFlex + s] += 1.0 * crouch + 0.15 * flight;
    pose[kAnkle + s] += 0.6 * flight;
    pose[kFootFlat + s] = 1.0 - 0.8 * flight;
    pose[kShoulderFlex + s] += arms * (-0.6 * crouch + 2.2 * flight);
    pose[kElbow + s] += 0.3;
  }
  pose[kRootPitch] += 0.35 * crouch;
  pose[kLift] = height * flight;
  return flight;
}
void sample_jump(Rng& rng, ActionParams& p) {
  p.variant = static_cast<int>(rng.weighted({0.55, 0.3, 0.15}));  // in place, forward, high
  p.reps = p.variant == 2 ? 1 : rng.range(1, 3);
  p.amplitude = sample_amplitude(rng);
  p.duration = p.reps * rng.uniform(1.0, 1.3);
}
void animate_jump(const ActionParams& p, double t, Pose& pose) {
  const double height = (p.variant == 2 ? 0.45 : 0.25) * p.amplitude;
  const double flight = jump_cycle(rep_phase(p, t), height, pose, p.variant == 2 ? 1.3 : 0.8);
  if (p.variant == 1) pose[kSpeedForward] = 2.2 * p.amplitude * flight;
}

void sample_hop(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng);  // standing leg
  p.reps = rng.range(2, 6);
  p.amplitude = sample_amplitude(rng);
  p.variant = rng.chance(0.3) ? 1 : 0;  // forward
  p.duration = 0.6 + p.reps * 0.5;
}
void animate_hop(const ActionParams& p, double t, Pose& pose) {
  const int stand = side_index(p.side), free = 1 - stand;
  const double e = envelope(t, p.duration, 0.3, 0.3);
  pose[kHipFlex + free] = 0.35 * e;
  pose[kKnee + free] = 1.5 * e;
  pose[kFootFlat + free] = 1 - e;
  pose[kShoulderAbd] = pose[kShoulderAbd + 1] = 0.45 * e;
  pose[kElbow] = pose[kElbow + 1] = 0.6 * e;
  const double inner = std::clamp((t - 0.3) / (p.duration - 0.6), 0.0, 0.9999) * p.reps;
  const double x = inner - std::floor(inner);
  const double air = (t > 0.3 && t < p.duration - 0.3) ? std::max(0.0, std::sin(2 * kPi * x)) : 0.0;
  const double dip = (t > 0.3 && t < p.duration - 0.3) ? std::max(0.0, -std::sin(2 * kPi * x)) : 0.0;
  pose[kKnee + stand] = 0.5 * dip;
  pose[kHipFlex + stand] = 0.35 * dip;
  pose[kAnkle + stand] = 0.4 * air;
  pose[kFootFlat + stand] = 1 - 0.7 * air;
  pose[kLift] = 0.12 * p.amplitude * air;
  pose[kRootRoll] = (stand == 0 ? 1 : -1) * 0.06 * e;
  if (p.variant == 1) pose[kSpeedForward] = 0.9 * air;
}

void sample_jumping_jacks(Rng& rng, ActionParams& p) {
  p.reps = rng.range(2, 6);
  p.speed = sample_speed(rng);
  p.amplitude = sample_amplitude(rng);
  p.duration = p.reps * (p.speed == Speed::kFast ? 0.7 : p.speed == Speed::kSlow ? 1.2 : 0.9);
}
void animate_jumping_jacks(const ActionParams& p, double t, Pose& pose) {
  const double x = rep_phase(p, t);
  const double open = bell(x);
  for (int s = 0; s < 2; ++s) {
    pose[kShoulderAbd + s] = 2.8 * open * std::min(1.0, p.amplitude);
    pose[kHipAbd + s] = 0.3 * open;
    pose[kElbow + s] = 0.2;
    pose[kKnee + s] = 0.2 * (1 - open);
  }
  pose[kLift] = 0.06 * std::abs(std::sin(2 * kPi * x));
}

// ---- lower body exercises and postures --------------------------------------------------------

void sample_squat(Rng& rng, ActionParams& p) {
  p.reps = rng.range(1, 4);
  p.amplitude = sample_amplitude(rng);
  p.speed = sample_speed(rng);
  p.duration = p.reps * (p.speed == Speed::kFast ? 1.2 : p.speed == Speed::kSlow ? 2.4 : 1.7);
}
void animate_squat(const ActionParams& p, double t, Pose& pose) {
  const double d = bell(rep_phase(p, t)) * std::min(1.0, p.amplitude);
  pose[kRootPitch] = 0.55 * d;
  for (int s = 0; s < 2; ++s) {
    pose[kHipFlex + s] = 2.0 * d;
    pose[kKnee + s] = 2.1 * d;
    pose[kHipAbd + s] = 0.15 * d;
    pose[kShoulderFlex + s] = 1.4 * d;
    pose[kElbow + s] = 0.1 * d;
  }
  pose[kNeckBend] = -0.4 * d;
}

void sitting_pose(Pose& pose, double s) {
  pose[kRootPitch] += 0.05 * s;
  for (int k = 0; k < 2; ++k) {
    pose[kHipFlex + k] += 1.55 * s;
    pose[kKnee + k] += 1.5 * s;
    pose[kHipAbd + k] += 0.08 * s;
    pose[kShoulderFlex + k] += 0.45 * s;
    pose[kElbow + k] += 0.9 * s;
  }
}
void sample_sit(Rng& rng, ActionParams& p) {
  p.speed = sample_speed(rng);
  p.duration = p.speed == Speed::kFast ? 1.6 : p.speed == Speed::kSlow ? 3.2 : 2.3;
}
void animate_sit_down(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  sitting_pose(pose, smooth(u / 0.75));
  pose[kRootPitch] += 0.45 * bell(std::min(1.0, u / 0.8));
}
void animate_stand_up(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  sitting_pose(pose, 1 - smooth((u - 0.15) / 0.7));
  pose[kRootPitch] += 0.5 * bell(std::min(1.0, u / 0.75));
}

void sample_kneel(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng);  // the knee that goes down
  p.variant = rng.chance(0.25) ? 1 : 0;  // both knees
  if (p.variant == 1) p.side = Side::kBoth;
  p.duration = rng.uniform(3.0, 4.5);
}
void animate_kneel(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  const double d = smooth(u / 0.3) * smooth((1 - u) / 0.3);
  for (int s = 0; s < 2; ++s) {
    if (uses(p.side, s)) {  // knee on the ground, shin behind
      pose[kHipFlex + s] = 0.05 * d;
      pose[kKnee + s] = 1.6 * d;
      pose[kFootFlat + s] = 1 - d;
      pose[kAnkle + s] = 0.3 * d;
    } else {  // foot in front, shin vertical
      pose[kHipFlex + s] = 1.5 * d;
      pose[kKnee + s] = 1.55 * d;
    }
  }
  pose[kShoulderFlex] = pose[kShoulderFlex + 1] = 0.3 * d;
  pose[kElbow] = pose[kElbow + 1] = 0.4 * d;
}

void sample_lunge(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng);  // front leg
  p.reps = rng.range(1, 3);
  p.amplitude = sample_amplitude(rng);
  p.duration = p.reps * rng.uniform(1.6, 2.2);
}
void animate_lunge(const ActionParams& p, double t, Pose& pose) {
  const int front = side_index(p.side), back = 1 - front;
  const double x = rep_phase(p, t);
  const double d = bell(x) * std::min(1.0, p.amplitude);
  pose[kHipFlex + front] = 1.25 * d;
  pose[kKnee + front] = 1.35 * d;
  pose[kHipFlex + back] = -0.45 * d;
  pose[kKnee + back] = 1.25 * d;
  pose[kFootFlat + back] = 1 - d;
  pose[kAnkle + back] = -0.6 * d;
  for (int s = 0; s < 2; ++s) {
    pose[kShoulderAbd + s] = 0.45 * d;
    pose[kElbow + s] = 1.5 * d;
  }
  // Step forward while going down, back while coming up.
  pose[kSpeedForward] = 0.55 * kPi * std::sin(2 * kPi * x) * p.reps / p.duration;
}

void sample_balance(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng);  // standing leg
  p.duration = rng.uniform(2.5, 4.5);
  p.variant = rng.chance(0.5) ? 1 : 0;  // knee raised in front / foot raised behind
}
void animate_balance(const ActionParams& p, double t, Pose& pose) {
  const int stand = side_index(p.side), free = 1 - stand;
  const double e = envelope(t, p.duration, 0.6, 0.6);
  pose[kHipFlex + free] = (p.variant == 0 ? 1.2 : 0.1) * e;
  pose[kKnee + free] = (p.variant == 0 ? 1.3 : 1.6) * e;
  pose[kFootFlat + free] = 1 - e;
  pose[kShoulderAbd] = pose[kShoulderAbd + 1] = 1.35 * e;
  pose[kRootRoll] = e * ((stand == 0 ? 1 : -1) * 0.05 + 0.03 * std::sin(2 * kPi * 0.7 * t));
}

void sample_march(Rng& rng, ActionParams& p) {
  p.variant = rng.chance(0.6) ? 0 : 1;  // in place / forward
  p.speed = rng.chance(0.3) ? Speed::kFast : Speed::kNormal;
  p.amplitude = sample_amplitude(rng);
  p.duration = rng.uniform(2.5, 5.0);
}
void animate_march(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.4, 0.4);
  const double f = p.speed == Speed::kFast ? 1.1 : 0.85;
  const double phase = 2 * kPi * f * t;
  for (int s = 0; s < 2; ++s) {
    const double up = std::max(0.0, std::sin(phase + s * kPi));
    pose[kHipFlex + s] = 1.2 * p.amplitude * up * e;
    pose[kKnee + s] = 1.5 * p.amplitude * up * e;
    pose[kFootFlat + s] = 1 - 0.6 * up;
    pose[kShoulderFlex + s] = -0.8 * std::sin(phase + s * kPi) * e;
    pose[kElbow + s] = 1.4 * e;
  }
  if (p.variant == 1) pose[kSpeedForward] = 0.6 * e;
}

void sample_step(Rng& rng, ActionParams& p) {
  p.direction = static_cast<Direction>(rng.weighted({0.45, 0.25, 0.15, 0.15}));
  p.reps = rng.chance(0.6) ? 1 : 2;
  p.duration = 0.8 + 0.7 * p.reps;
}
void animate_step(const ActionParams& p, double t, Pose& pose) {
  const double inner = std::clamp((t - 0.4) / (p.duration - 0.8), 0.0, 0.9999);
  const bool moving = t > 0.4 && t < p.duration - 0.4;
  const double x = inner * p.reps;
  const int leg = static_cast<int>(std::floor(x)) % 2;  // right leg first, then left
  const double swing = moving ? bell(x - std::floor(x)) : 0.0;
  const int s = 1 - leg;
  const double v = moving ? 0.55 * 2 * swing * p.reps / (p.duration - 0.8) : 0.0;
  switch (p.direction) {
    case Direction::kForward:
      pose[kHipFlex + s] = 0.45 * swing;
      pose[kKnee + s] = 0.6 * swing;
      pose[kSpeedForward] = v;
      break;
    case Direction::kBackward:
      pose[kHipFlex + s] = -0.3 * swing;
      pose[kKnee + s] = 0.7 * swing;
      pose[kSpeedForward] = -0.8 * v;
      break;
    case Direction::kLeft:
    case Direction::kRight: {
      const int lead = p.direction == Direction::kLeft ? 0 : 1;
      pose[kHipAbd + lead] = 0.3 * swing;
      pose[kKnee + lead] = 0.3 * swing;
      pose[kSpeedLeft] = (lead == 0 ? 1 : -1) * 0.7 * v;
      break;
    }
  }
}

void sample_stumble(Rng& rng, ActionParams& p) {
  p.speed = Speed::kNormal;
  p.amplitude = sample_amplitude(rng);
  p.duration = rng.uniform(3.0, 4.5);
}
void animate_stumble(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  GaitShape g = walk_shape(Speed::kNormal);
  locomote(p, t, pose, g, 1.0);
  const double trip = bell(std::clamp((u - 0.35) / 0.3, 0.0, 1.0)) * p.amplitude;
  pose[kRootPitch] += 0.45 * trip;
  pose[kSpineBend] += 0.3 * trip;
  for (int s = 0; s < 2; ++s) {
    pose[kShoulderAbd + s] += 1.0 * trip;
    pose[kShoulderFlex + s] += 0.7 * trip;
    pose[kElbow + s] += 0.3 * trip;
  }
  pose[kSpeedForward] *= 1 + 0.6 * trip;
  pose[kRootRoll] += 0.12 * trip * std::sin(9 * t);
}

void sample_crawl(Rng& rng, ActionParams& p) {
  p.speed = rng.chance(0.3) ? Speed::kSlow : Speed::kNormal;
  p.duration = rng.uniform(5.0, 8.0);
}
void animate_crawl(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  const double down = smooth(u / 0.2) * smooth((1 - u) / 0.2);
  pose[kRootPitch] = 1.4 * down;
  pose[kNeckBend] = -0.9 * down;
  const double moving = smooth((u - 0.2) / 0.08) * smooth((0.8 - u) / 0.08);
  const double phase = 2 * kPi * (p.speed == Speed::kSlow ? 0.5 : 0.7) * t;
  for (int s = 0; s < 2; ++s) {
    const double leg = std::sin(phase + s * kPi);
    pose[kHipFlex + s] = 1.5 * down + 0.3 * moving * leg;
    pose[kKnee + s] = 1.55 * down + 0.2 * moving * std::max(0.0, std::cos(phase + s * kPi));
    pose[kFootFlat + s] = 1 - down;
    pose[kAnkle + s] = 0.4 * down;
    pose[kShoulderFlex + s] = 1.4 * down - 0.3 * moving * leg;  // diagonal: left arm, right leg
    pose[kElbow + s] = 0.15 * down;
  }
  pose[kSpeedForward] = (p.speed == Speed::kSlow ? 0.25 : 0.38) * moving;
}

// ---- upper body -------------------------------------------------------------------------------

void sample_bow(Rng& rng, ActionParams& p) {
  p.reps = rng.chance(0.8) ? 1 : 2;
  p.amplitude = rng.uniform(0.6, 1.2);  // a nod of the trunk .. a deep bow
  p.speed = sample_speed(rng);
  p.duration = p.reps * (p.speed == Speed::kFast ? 1.4 : p.speed == Speed::kSlow ? 2.8 : 2.0);
}
void animate_bow(const ActionParams& p, double t, Pose& pose) {
  const double x = rep_phase(p, t);
  const double d = smooth(x / 0.35) * smooth((1 - x) / 0.35);
  pose[kSpineBend] = 0.8 * p.amplitude * d;
  pose[kRootPitch] = 0.25 * p.amplitude * d;
  pose[kNeckBend] = 0.3 * d;
  pose[kShoulderFlex] = pose[kShoulderFlex + 1] = 0.2 * d;
}

void sample_wave(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng, 0.2);
  p.reps = rng.range(2, 6);
  p.variant = rng.chance(0.7) ? 0 : 1;  // forearm wave / whole arm overhead
  p.amplitude = sample_amplitude(rng);
  p.duration = 0.9 + p.reps * 0.45;
}
void animate_wave(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.45, 0.45);
  const double osc = std::sin(2 * kPi * t * p.reps / (p.duration - 0.6));
  for (int s = 0; s < 2; ++s) {
    if (!uses(p.side, s)) continue;
    if (p.variant == 0) {
      pose[kShoulderAbd + s] = 1.45 * e;
      pose[kShoulderTwist + s] = 1.4 * e;
      pose[kShoulderHoriz + s] = 0.3 * e;
      pose[kElbow + s] = e * (1.25 + 0.4 * p.amplitude * osc);
    } else {
      pose[kShoulderAbd + s] = e * (2.6 + 0.3 * p.amplitude * osc);
      pose[kShoulderHoriz + s] = 0.2 * e;
      pose[kElbow + s] = 0.2 * e;
    }
  }
}

void sample_clap(Rng& rng, ActionParams& p) {
  p.reps = rng.range(2, 8);
  p.variant = rng.chance(0.2) ? 1 : 0;  // above the head
  p.speed = sample_speed(rng);
  p.duration = 0.8 + p.reps * (p.speed == Speed::kFast ? 0.3 : p.speed == Speed::kSlow ? 0.6 : 0.42);
}
void animate_clap(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.4, 0.4);
  const double inner = std::clamp((t - 0.4) / (p.duration - 0.8), 0.0, 1.0) * p.reps;
  const double together = t > 0.4 && t < p.duration - 0.4 ? bell(inner - std::floor(inner)) : 0.0;
  for (int s = 0; s < 2; ++s) {
    if (p.variant == 0) {
      pose[kShoulderFlex + s] = 1.15 * e;
      pose[kElbow + s] = 0.8 * e;
      pose[kShoulderHoriz + s] = -(0.15 + 0.4 * together) * e;
    } else {
      pose[kShoulderFlex + s] = 2.8 * e;
      pose[kShoulderHoriz + s] = -(0.05 + 0.2 * together) * e;
      pose[kShoulderAbd + s] = 0.3 * (1 - together) * e;
    }
  }
}

void sample_punch(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng, 0.3);  // both = alternating
  p.reps = rng.range(1, 6);
  p.speed = rng.chance(0.4) ? Speed::kFast : Speed::kNormal;
  p.amplitude = sample_amplitude(rng);
  p.duration = 0.8 + p.reps * (p.speed == Speed::kFast ? 0.4 : 0.6);
}
void animate_punch(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.4, 0.4);
  for (int s = 0; s < 2; ++s) {  // guard
    pose[kShoulderFlex + s] = 0.8 * e;
    pose[kElbow + s] = 2.0 * e;
    pose[kShoulderHoriz + s] = -0.25 * e;
    pose[kKnee + s] = 0.2 * e;
  }
  if (t < 0.4 || t > p.duration - 0.4) return;
  const double inner = (t - 0.4) / (p.duration - 0.8) * p.reps;
  const int k = std::min(static_cast<int>(inner), p.reps - 1);
  const double x = inner - k;
  const int s = p.side == Side::kBoth ? (k % 2 == 0 ? 1 : 0) : side_index(p.side);
  const double ext = x < 0.3 ? smooth(x / 0.3) : 1 - smooth((x - 0.3) / 0.6);
  pose[kShoulderFlex + s] += 0.7 * ext;
  pose[kElbow + s] -= 1.9 * ext;
  pose[kShoulderHoriz + s] += 0.1 * ext;
  pose[kSpineTwist] += (s == 0 ? -1 : 1) * 0.35 * p.amplitude * ext;
}

void sample_kick(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng);
  p.reps = rng.range(1, 3);
  p.amplitude = sample_amplitude(rng);
  p.variant = rng.chance(0.25) ? 1 : 0;  // side kick
  p.duration = 0.6 + p.reps * 1.0;
}
void animate_kick(const ActionParams& p, double t, Pose& pose) {
  const int leg = side_index(p.side);
  const double e = envelope(t, p.duration, 0.3, 0.3);
  pose[kShoulderAbd] = pose[kShoulderAbd + 1] = 0.5 * e;
  pose[kElbow] = pose[kElbow + 1] = 0.9 * e;
  if (t < 0.3 || t > p.duration - 0.3) return;
  const double x = rep_phase(ActionParams{p.side, p.speed, p.direction, p.reps, 1, 0, 0, p.duration - 0.6},
                             t - 0.3);
  const double lift = bell(x);
  const double extend = x > 0.3 && x < 0.65 ? bell((x - 0.3) / 0.35) : 0.0;
  if (p.variant == 0) {
    pose[kHipFlex + leg] = 1.35 * p.amplitude * lift;
    pose[kKnee + leg] = 1.4 * lift * (1 - extend);
    pose[kRootPitch] = -0.15 * lift;
  } else {
    pose[kHipAbd + leg] = 1.1 * p.amplitude * lift;
    pose[kKnee + leg] = 1.0 * lift * (1 - extend);
    pose[kRootRoll] = (leg == 0 ? -1 : 1) * 0.3 * lift;
  }
  pose[kFootFlat + leg] = 1 - lift;
  pose[kAnkle + leg] = 0.5 * extend;
}

void sample_raise_arms(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng, 0.6);
  p.variant = static_cast<int>(rng.weighted({0.5, 0.25, 0.25}));  // overhead, forward, sideways
  p.speed = sample_speed(rng);
  p.duration = rng.uniform(2.0, 3.5) * (p.speed == Speed::kFast ? 0.7 : 1.0);
}
void animate_raise_arms(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  const double up = smooth(u / 0.35) * smooth((1 - u) / 0.3);
  for (int s = 0; s < 2; ++s) {
    if (!uses(p.side, s)) continue;
    if (p.variant == 0) pose[kShoulderFlex + s] = 2.95 * up;
    if (p.variant == 1) pose[kShoulderFlex + s] = 1.55 * up;
    if (p.variant == 2) pose[kShoulderAbd + s] = 1.55 * up;
  }
}

void sample_stretch(Rng& rng, ActionParams& p) {
  p.variant = static_cast<int>(rng.weighted({0.4, 0.35, 0.25}));  // up on toes, side bends, twist
  p.reps = p.variant == 0 ? 1 : rng.range(1, 2);
  p.duration = rng.uniform(3.0, 4.5);
}
void animate_stretch(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  const double up = smooth(u / 0.25) * smooth((1 - u) / 0.25);
  for (int s = 0; s < 2; ++s) {
    pose[kShoulderFlex + s] = 2.9 * up;
    pose[kShoulderHoriz + s] = -0.1 * up;
  }
  const double inner = bell(std::clamp((u - 0.2) / 0.6, 0.0, 1.0));
  if (p.variant == 0) {
    for (int s = 0; s < 2; ++s) {
      pose[kFootFlat + s] = 1 - inner;
      pose[kAnkle + s] = 0.7 * inner;
    }
    pose[kSpineBend] = -0.2 * inner;
  } else {
    const double x = std::clamp((u - 0.2) / 0.6, 0.0, 0.9999) * p.reps;
    const double wave = std::sin(2 * kPi * (x - std::floor(x)));
    if (p.variant == 1) pose[kSpineSide] = 0.45 * wave * inner;
    if (p.variant == 2) pose[kSpineTwist] = 0.6 * wave * inner;
  }
}

void sample_pick_up(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng, 0.3);
  p.speed = sample_speed(rng);
  p.duration = p.speed == Speed::kFast ? 2.2 : p.speed == Speed::kSlow ? 4.0 : 3.0;
}
void animate_pick_up(const ActionParams& p, double t, Pose& pose) {
  const double u = t / p.duration;
  const double down = smooth(u / 0.35) * smooth((0.85 - u) / 0.3);
  const double hold = smooth((u - 0.45) / 0.3);
  pose[kRootPitch] = 0.7 * down;
  pose[kSpineBend] = 0.7 * down;
  pose[kNeckBend] = 0.2 * down;
  for (int s = 0; s < 2; ++s) {
    pose[kHipFlex + s] = 0.95 * down;
    pose[kKnee + s] = 0.55 * down;
    if (uses(p.side, s)) {
      pose[kShoulderFlex + s] = 0.9 * down + 0.5 * hold;
      pose[kElbow + s] = 1.4 * hold * (1 - down);
      pose[kShoulderHoriz + s] = -0.2 * down;
    }
  }
}

void sample_throw(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng);
  p.reps = rng.chance(0.8) ? 1 : 2;
  p.amplitude = sample_amplitude(rng);
  p.variant = rng.chance(0.7) ? 0 : 1;  // overhand / underhand
  p.duration = p.reps * rng.uniform(1.6, 2.2);
}
void animate_throw(const ActionParams& p, double t, Pose& pose) {
  const int s = side_index(p.side);
  const double sign = s == 0 ? 1.0 : -1.0;  // turning towards the throwing arm's side
  const double x = rep_phase(p, t);
  const double wind = x < 0.45 ? smooth(x / 0.45) : 1 - smooth((x - 0.45) / 0.12);
  const double release = x < 0.45 ? 0.0 : bell(std::clamp((x - 0.45) / 0.45, 0.0, 1.0));
  if (p.variant == 0) {
    pose[kShoulderAbd + s] = 1.5 * wind + 0.4 * release;
    pose[kShoulderTwist + s] = -1.0 * wind;
    pose[kElbow + s] = 1.6 * wind + 0.3 * release;
    pose[kShoulderFlex + s] = -0.3 * wind + 1.6 * release;
  } else {
    pose[kShoulderFlex + s] = -0.8 * wind + 1.7 * release;
    pose[kElbow + s] = 0.3 * wind;
    pose[kSpineBend] = 0.25 * release;
  }
  pose[kSpineTwist] = p.amplitude * (sign * 0.45 * wind - sign * 0.5 * release);
  pose[kHipFlex + 1 - s] = 0.35 * wind;
  pose[kKnee + 1 - s] = 0.3 * wind;
  pose[kShoulderAbd + 1 - s] = 0.5 * wind;
}

void sample_arm_circles(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng, 0.7);
  p.reps = rng.range(2, 5);
  p.variant = rng.chance(0.5) ? 0 : 1;  // forward / backward
  p.amplitude = sample_amplitude(rng);
  p.duration = 0.8 + p.reps * 0.8;
}
void animate_arm_circles(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.4, 0.4);
  const double phase = 2 * kPi * t * p.reps / (p.duration - 0.8) * (p.variant == 0 ? 1 : -1);
  for (int s = 0; s < 2; ++s) {
    if (!uses(p.side, s)) continue;
    pose[kShoulderAbd + s] = e * (1.5 + 0.45 * p.amplitude * std::cos(phase));
    pose[kShoulderFlex + s] = e * 0.45 * p.amplitude * std::sin(phase);
  }
}

void sample_side_bend(Rng& rng, ActionParams& p) {
  p.direction = rng.chance(0.5) ? Direction::kLeft : Direction::kRight;
  p.reps = rng.chance(0.7) ? 1 : 2;
  p.amplitude = sample_amplitude(rng);
  p.duration = p.reps * rng.uniform(1.8, 2.6);
}
void animate_side_bend(const ActionParams& p, double t, Pose& pose) {
  const double s = p.direction == Direction::kLeft ? 1.0 : -1.0;
  const double d = bell(rep_phase(p, t));
  pose[kSpineSide] = s * 0.55 * p.amplitude * d;
  const int over = s > 0 ? 1 : 0;  // the opposite arm goes over the head
  pose[kShoulderAbd + over] = 2.6 * d;
  pose[kElbow + over] = 0.4 * d;
}

void sample_look_around(Rng& rng, ActionParams& p) {
  p.reps = rng.range(1, 3);
  p.duration = rng.uniform(2.5, 4.5);
}
void animate_look_around(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.5, 0.5);
  const double w = std::sin(2 * kPi * t * p.reps / p.duration);
  pose[kNeckTurn] = 0.9 * w * e;
  pose[kSpineTwist] = 0.35 * w * e;
  pose[kNeckBend] = -0.1 * e;
}

void sample_dance(Rng& rng, ActionParams& p) {
  p.speed = sample_speed(rng);
  p.amplitude = sample_amplitude(rng);
  p.variant = rng.range(0, 2);
  p.duration = rng.uniform(3.5, 6.0);
}
void animate_dance(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.5, 0.5);
  const double f = p.speed == Speed::kFast ? 1.2 : p.speed == Speed::kSlow ? 0.6 : 0.9;
  const double beat = 2 * kPi * f * t;
  const double a = p.amplitude * e;
  pose[kRootRoll] = 0.12 * a * std::sin(beat);
  pose[kSpineTwist] = 0.3 * a * std::sin(beat + 0.5);
  for (int s = 0; s < 2; ++s) {
    pose[kKnee + s] = 0.3 * a * (1 + std::sin(2 * beat)) / 2;
    pose[kHipFlex + s] = 0.15 * a * (1 + std::sin(2 * beat)) / 2;
    const double arm = std::sin(beat + s * kPi);
    if (p.variant == 0) {
      pose[kShoulderAbd + s] = a * (1.2 + 0.8 * arm);
      pose[kElbow + s] = 1.2 * a;
    } else if (p.variant == 1) {
      pose[kShoulderFlex + s] = a * (1.0 + 0.6 * arm);
      pose[kElbow + s] = 1.5 * a;
    } else {
      pose[kShoulderFlex + s] = 2.7 * a;
      pose[kShoulderAbd + s] = 0.4 * a * arm;
    }
  }
  pose[kSpeedLeft] = 0.35 * e * std::sin(beat / 2);
}

void sample_push(Rng& rng, ActionParams& p) {
  p.reps = rng.range(1, 3);
  p.amplitude = sample_amplitude(rng);
  p.duration = p.reps * rng.uniform(1.3, 1.8);
}
void animate_push(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.35, 0.35);
  const double x = rep_phase(p, t);
  const double ext = bell(x);
  for (int s = 0; s < 2; ++s) {
    pose[kShoulderFlex + s] = e * (1.15 + 0.35 * ext);
    pose[kElbow + s] = e * (2.0 - 1.85 * ext);
    pose[kShoulderHoriz + s] = -0.15 * e;
  }
  pose[kRootPitch] = 0.15 * ext * p.amplitude;
  pose[kHipFlex + 1] = 0.2 * ext;
}

void sample_drink(Rng& rng, ActionParams& p) {
  p.side = sample_side(rng);
  p.reps = rng.chance(0.75) ? 1 : 2;
  p.duration = p.reps * rng.uniform(2.0, 3.0);
}
void animate_drink(const ActionParams& p, double t, Pose& pose) {
  const int s = side_index(p.side);
  const double x = rep_phase(p, t);
  const double up = smooth(x / 0.3) * smooth((1 - x) / 0.3);
  pose[kShoulderFlex + s] = 0.75 * up;
  pose[kShoulderHoriz + s] = -0.45 * up;
  pose[kElbow + s] = 2.3 * up;
  pose[kNeckBend] = -0.35 * bell(std::clamp((x - 0.2) / 0.6, 0.0, 1.0));
}

void sample_swing(Rng& rng, ActionParams& p) {
  p.variant = rng.chance(0.55) ? 0 : 1;  // bat / golf club
  p.side = sample_side(rng);             // swinging towards this side
  p.reps = rng.chance(0.8) ? 1 : 2;
  p.amplitude = sample_amplitude(rng);
  p.duration = p.reps * rng.uniform(1.8, 2.4);
}
void animate_swing(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.35, 0.35);
  const double sign = p.side == Side::kLeft ? 1.0 : -1.0;
  const double x = rep_phase(p, t);
  const double wind = x < 0.5 ? smooth(x / 0.5) : 0.0;
  const double through = x < 0.5 ? 0.0 : smooth((x - 0.5) / 0.15) * (1 - smooth((x - 0.75) / 0.25));
  const double twist = p.amplitude * (-0.8 * wind + 1.0 * through) * sign;
  pose[kSpineTwist] = twist;
  if (p.variant == 0) {
    for (int s = 0; s < 2; ++s) {
      pose[kShoulderFlex + s] = 1.2 * e;
      pose[kShoulderHoriz + s] = -0.45 * e;
      pose[kElbow + s] = 0.9 * e * (1 - through) + 0.2 * e;
    }
    pose[kKnee] = pose[kKnee + 1] = 0.25 * e;
  } else {
    pose[kRootPitch] = 0.45 * e;
    pose[kNeckBend] = 0.3 * e;
    for (int s = 0; s < 2; ++s) {
      pose[kShoulderFlex + s] = e * (0.9 + 0.9 * wind + 0.9 * through);
      pose[kShoulderHoriz + s] = -0.4 * e;
      pose[kElbow + s] = 0.3 * e;
      pose[kKnee + s] = 0.3 * e;
    }
  }
}

void sample_shrug(Rng& rng, ActionParams& p) {
  p.reps = rng.range(1, 3);
  p.duration = 0.6 + p.reps * 0.9;
}
void animate_shrug(const ActionParams& p, double t, Pose& pose) {
  const double e = envelope(t, p.duration, 0.3, 0.3);
  const double up = bell(rep_phase(p, t));
  for (int s = 0; s < 2; ++s) {
    pose[kCollar + s] = 0.35 * up;
    pose[kShoulderAbd + s] = 0.3 * e;
    pose[kElbow + s] = 1.3 * e;
    pose[kShoulderTwist + s] = 0.6 * e;
  }
  pose[kNeckBend] = -0.15 * up;
}

}  // namespace

const std::vector<ActionSpec>& actions() {
  using P = Posture;
  static const std::vector<ActionSpec> table{
      {"walk", P::kStanding, P::kStanding, 3.0, sample_walk, animate_walk},
      {"run", P::kStanding, P::kStanding, 1.5, sample_run, animate_run},
      {"jog", P::kStanding, P::kStanding, 1.2, sample_jog, animate_jog},
      {"walk_backwards", P::kStanding, P::kStanding, 1.0, sample_walk_backwards, animate_walk_backwards},
      {"sidestep", P::kStanding, P::kStanding, 1.0, sample_sidestep, animate_sidestep},
      {"turn", P::kStanding, P::kStanding, 1.5, sample_turn, animate_turn},
      {"turn_around", P::kStanding, P::kStanding, 1.0, sample_turn_around, animate_turn},
      {"spin", P::kStanding, P::kStanding, 0.8, sample_spin, animate_spin},
      {"jump", P::kStanding, P::kStanding, 1.5, sample_jump, animate_jump},
      {"hop", P::kStanding, P::kStanding, 0.8, sample_hop, animate_hop},
      {"jumping_jacks", P::kStanding, P::kStanding, 0.7, sample_jumping_jacks, animate_jumping_jacks},
      {"squat", P::kStanding, P::kStanding, 1.0, sample_squat, animate_squat},
      {"sit_down", P::kStanding, P::kSitting, 1.0, sample_sit, animate_sit_down},
      {"stand_up", P::kSitting, P::kStanding, 1.0, sample_sit, animate_stand_up},
      {"kneel", P::kStanding, P::kStanding, 0.8, sample_kneel, animate_kneel},
      {"lunge", P::kStanding, P::kStanding, 0.7, sample_lunge, animate_lunge},
      {"balance", P::kStanding, P::kStanding, 0.6, sample_balance, animate_balance},
      {"march", P::kStanding, P::kStanding, 0.8, sample_march, animate_march},
      {"step", P::kStanding, P::kStanding, 0.9, sample_step, animate_step},
      {"stumble", P::kStanding, P::kStanding, 0.6, sample_stumble, animate_stumble},
      {"crawl", P::kStanding, P::kStanding, 0.6, sample_crawl, animate_crawl},
      {"bow", P::kStanding, P::kStanding, 0.9, sample_bow, animate_bow},
      {"wave", P::kStanding, P::kStanding, 1.3, sample_wave, animate_wave},
      {"clap", P::kStanding, P::kStanding, 1.0, sample_clap, animate_clap},
      {"punch", P::kStanding, P::kStanding, 1.0, sample_punch, animate_punch},
      {"kick", P::kStanding, P::kStanding, 1.0, sample_kick, animate_kick},
      {"raise_arms", P::kStanding, P::kStanding, 1.2, sample_raise_arms, animate_raise_arms},
      {"stretch", P::kStanding, P::kStanding, 0.8, sample_stretch, animate_stretch},
      {"pick_up", P::kStanding, P::kStanding, 0.9, sample_pick_up, animate_pick_up},
      {"throw", P::kStanding, P::kStanding, 0.9, sample_throw, animate_throw},
      {"arm_circles", P::kStanding, P::kStanding, 0.6, sample_arm_circles, animate_arm_circles},
      {"side_bend", P::kStanding, P::kStanding, 0.6, sample_side_bend, animate_side_bend},
      {"look_around", P::kStanding, P::kStanding, 0.6, sample_look_around, animate_look_around},
      {"dance", P::kStanding, P::kStanding, 0.7, sample_dance, animate_dance},
      {"push", P::kStanding, P::kStanding, 0.6, sample_push, animate_push},
      {"drink", P::kStanding, P::kStanding, 0.6, sample_drink, animate_drink},
      {"swing", P::kStanding, P::kStanding, 0.6, sample_swing, animate_swing},
      {"shrug", P::kStanding, P::kStanding, 0.5, sample_shrug, animate_shrug},
  };
  return table;
}

const ActionSpec& action(const std::string& key) {
  std::string known;
  for (const auto& spec : actions()) {
    if (spec.key == key) return spec;
    known += (known.empty() ? "" : ", ") + spec.key;
  }
  MOTLAB_FAIL("unknown synthetic action '", key, "' (known: ", known, ")");
}

Action mirrored(const Action& original) {
  Action out = original;
  ActionParams& p = out.params;
  if (p.side == Side::kLeft)
    p.side = Side::kRight;
  else if (p.side == Side::kRight)
    p.side = Side::kLeft;
  if (p.direction == Direction::kLeft)
    p.direction = Direction::kRight;
  else if (p.direction == Direction::kRight)
    p.direction = Direction::kLeft;
  p.angle = -p.angle;
  return out;
}

}  // namespace motlab::synth
