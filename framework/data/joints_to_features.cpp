#include "framework/data/joints_to_features.h"

#include <algorithm>
#include <cmath>

#include "framework/core/error.h"
#include "framework/data/features.h"

namespace motlab::features {

using geometry::cross;
using geometry::dot;
using geometry::Mat3;
using geometry::normalized;
using geometry::qbetween;
using geometry::qinv;
using geometry::qmul;
using geometry::qrot;
using geometry::Quat;
using geometry::Vec3;

const std::vector<std::vector<int>>& kinematic_chains() {
  static const std::vector<std::vector<int>> chains{{0, 2, 5, 8, 11},
                                                    {0, 1, 4, 7, 10},
                                                    {0, 3, 6, 9, 12, 15},
                                                    {9, 14, 17, 19, 21},
                                                    {9, 13, 16, 18, 20}};
  return chains;
}

const std::array<int, 22>& joint_parents() {
  static const std::array<int, 22> parents{-1, 0, 0, 0, 1,  2,  3,  4,  5,  6,  7,
                                           8,  9, 9, 9, 12, 13, 14, 16, 17, 18, 19};
  return parents;
}

const std::array<Vec3, 22>& raw_offsets() {
  static const std::array<Vec3, 22> offsets{
      {{0, 0, 0},  {1, 0, 0},  {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, -1, 0},
       {0, 1, 0},  {0, -1, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, 1},  {0, 0, 1},
       {0, 1, 0},  {1, 0, 0},  {-1, 0, 0}, {0, 0, 1}, {0, -1, 0}, {0, -1, 0},
       {0, -1, 0}, {0, -1, 0}, {0, -1, 0}, {0, -1, 0}}};
  return offsets;
}

const std::array<Vec3, 22>& example_skeleton_joints() {
  // skeleton_example_h3d.npy rows 0..21 (float64), copied so the product needs no external file;
  // a test compares them with ../shared when present.
  static const std::array<Vec3, 22> joints{{
      {-0.032778795808553696, 0.9845883250236511, 0.8220340013504028},
      {-0.05078006535768509, 0.899807870388031, 0.7662444710731506},
      {-0.029623907059431076, 0.8932549357414246, 0.8830472230911255},
      {-0.0827392190694809, 1.1062910556793213, 0.823647677898407},
      {-0.04644011706113815, 0.5086480975151062, 0.7224903702735901},
      {-0.05053192377090454, 0.5060234069824219, 0.9261917471885681},
      {-0.056224189698696136, 1.2467718124389648, 0.8155515193939209},
      {-0.12119458615779877, 0.08446693420410156, 0.7609673738479614},
      {-0.10520601272583008, 0.08556050062179565, 0.8888561725616455},
      {-0.05220288038253784, 1.3039767742156982, 0.8170124292373657},
      {-0.00019541755318641663, 0.028704404830932617, 0.7079759836196899},
      {0.029135722666978836, 0.027199983596801758, 0.9183927178382874},
      {-0.06975682079792023, 1.522566318511963, 0.8224256634712219},
      {-0.07016853988170624, 1.4177966117858887, 0.742013156414032},
      {-0.058984074741601944, 1.4234843254089355, 0.8959465622901917},
      {-0.0015960969030857086, 1.5913610458374023, 0.7872335910797119},
      {-0.10370944440364838, 1.4016003608703613, 0.615779459476471},
      {-0.055603042244911194, 1.4214637279510498, 1.01886785030365},
      {-0.13465546071529388, 1.1467429399490356, 0.608241081237793},
      {-0.09778346121311188, 1.1646476984024048, 1.0573854446411133},
      {-0.05406394973397255, 0.8948581218719482, 0.5795830488204956},
      {-0.009182747453451157, 0.9147475957870483, 1.1077156066894531},
  }};
  return joints;
}

std::array<double, 22> example_bone_lengths() {
  std::array<double, 22> lengths{};
  const auto& joints = example_skeleton_joints();
  for (int j = 1; j < 22; ++j) lengths[j] = geometry::norm(joints[j] - joints[joint_parents()[j]]);
  return lengths;
}

const std::array<std::pair<int, int>, 8>& left_right_pairs() {
  static const std::array<std::pair<int, int>, 8> pairs{
      {{1, 2}, {4, 5}, {7, 8}, {10, 11}, {13, 14}, {16, 17}, {18, 19}, {20, 21}}};
  return pairs;
}

namespace {

using Frames = std::vector<std::array<Vec3, kJoints>>;

Frames to_frames(const torch::Tensor& joints) {
  MOTLAB_CHECK(joints.dim() == 3 && joints.size(1) == kJoints && joints.size(2) == 3,
               "joints_to_features: expected joints [T, 22, 3], got ", joints.sizes());
  MOTLAB_CHECK(joints.size(0) >= 2, "joints_to_features: need at least 2 frames, got ",
               joints.size(0));
  torch::Tensor data = joints.to(torch::kCPU, torch::kFloat64).contiguous();
  MOTLAB_CHECK(torch::isfinite(data).all().item<bool>(),
               "joints_to_features: joints contain NaN or Inf");
  const double* p = data.data_ptr<double>();
  Frames frames(joints.size(0));
  for (auto& frame : frames)
    for (auto& joint : frame) {
      joint = {p[0], p[1], p[2]};
      p += 3;
    }
  return frames;
}

// Rebuilds every bone with its direction kept and the target length (root scaled by the leg
// ratio): what HumanML3D's uniform_skeleton does through IK then FK with the target offsets.
void uniform_skeleton(Frames& frames, const std::array<double, 22>& target) {
  const auto& parents = joint_parents();
  auto length = [&](int j) { return geometry::norm(frames[0][j] - frames[0][parents[j]]); };
  const double source_leg = length(5) + length(8);
  MOTLAB_CHECK(source_leg > 0, "joints_to_features: degenerate legs in frame 0");
  const double scale = (target[5] + target[8]) / source_leg;
  for (auto& frame : frames) {
    std::array<Vec3, kJoints> out;
    out[0] = frame[0] * scale;
    for (const auto& chain : kinematic_chains())
      for (size_t k = 1; k < chain.size(); ++k) {
        const int child = chain[k], parent = chain[k - 1];
        out[child] = out[parent] + normalized(frame[child] - frame[parent]) * target[child];
      }
    frame = out;
  }
}

// scipy.ndimage.gaussian_filter1d(x, sigma, mode='nearest') with the default truncate 4.0.
std::vector<Vec3> gaussian_smooth(const std::vector<Vec3>& values, double sigma) {
  const int radius = static_cast<int>(4.0 * sigma + 0.5);
  std::vector<double> kernel(2 * radius + 1);
  double sum = 0;
  for (int k = -radius; k <= radius; ++k)
    sum += kernel[k + radius] = std::exp(-0.5 * k * k / (sigma * sigma));
  for (double& w : kernel) w /= sum;
  const int n = static_cast<int>(values.size());
  std::vector<Vec3> out(n);
  for (int t = 0; t < n; ++t) {
    Vec3 acc;
    for (int k = -radius; k <= radius; ++k)
      acc += values[std::clamp(t + k, 0, n - 1)] * kernel[k + radius];
    out[t] = acc;
  }
  return out;
}

// cross(Y, across): the horizontal forward direction for a left-to-right "across" vector.
Vec3 forward_of(const Vec3& across) { return cross(Vec3{0, 1, 0}, across); }

}  // namespace

torch::Tensor joints_to_features(const torch::Tensor& joints,
                                 const JointsToFeaturesSettings& options) {
  Frames pos = to_frames(joints);
  const int64_t T = static_cast<int64_t>(pos.size());
  if (options.uniform_skeleton) uniform_skeleton(pos, options.bone_lengths);

  // Floor at the lowest joint over the whole motion; root of frame 0 at the XZ origin.
  double floor = pos[0][0].y;
  for (const auto& frame : pos)
    for (const auto& joint : frame) floor = std::min(floor, joint.y);
  const Vec3 origin{pos[0][0].x, floor, pos[0][0].z};
  for (auto& frame : pos)
    for (auto& joint : frame) joint -= origin;

  // Frame 0 faces +Z (right hip 2 - left hip 1 + right shoulder 17 - left shoulder 16).
  const Vec3 across0 = normalized((pos[0][2] - pos[0][1]) + (pos[0][17] - pos[0][16]));
  const Quat face = qbetween(normalized(forward_of(across0)), Vec3{0, 0, 1});
  for (auto& frame : pos)
    for (auto& joint : frame) joint = qrot(face, joint);
  const Frames& global = pos;

  // IK facing direction: Skeleton.inverse_kinematics_np unpacks face_joint_indx [2, 1, 17, 16]
  // as (l_hip, r_hip, sdr_r, sdr_l), so its across is (joint 1 - joint 2) + (joint 17 - joint 16);
  // kept as is, since the published features are computed that way.
  std::vector<Vec3> forward(T);
  for (int64_t t = 0; t < T; ++t)
    forward[t] = forward_of(normalized((pos[t][1] - pos[t][2]) + (pos[t][17] - pos[t][16])));
  forward = gaussian_smooth(forward, 20.0);
  std::vector<Quat> root(T);
  for (int64_t t = 0; t < T; ++t) root[t] = qbetween(normalized(forward[t]), Vec3{0, 0, 1});
  // The published features were made by the skeleton.py revision that sets the first frame's root
  // rotation to the identity (frame 0 already faces +Z); reproducing them needs the same.
  root[0] = Quat{};

  // Local joint rotations along each chain: R_loc = R_parent^-1 * between(raw offset, bone).
  std::vector<std::array<Quat, kJoints>> local(T);
  const auto& raw = raw_offsets();
  for (int64_t t = 0; t < T; ++t) {
    local[t][0] = root[t];
    for (const auto& chain : kinematic_chains()) {
      Quat accumulated = root[t];
      for (size_t k = 0; k + 1 < chain.size(); ++k) {
        const Vec3 bone = normalized(pos[t][chain[k + 1]] - pos[t][chain[k]]);
        const Quat between = qbetween(raw[chain[k + 1]], bone);
        const Quat rotation = qmul(qinv(accumulated), between);
        local[t][chain[k + 1]] = rotation;
        accumulated = qmul(accumulated, rotation);
      }
    }
  }

  torch::Tensor features = torch::zeros({T - 1, 263}, torch::kFloat64);
  auto f = features.accessor<double, 2>();
  for (int64_t t = 0; t + 1 < T; ++t) {
    // Root angular velocity (arcsin of the Y component of q_{t+1} q_t^-1) and linear velocity.
    const Quat delta = qmul(root[t + 1], qinv(root[t]));
    f[t][0] = std::asin(std::clamp(delta.y, -1.0, 1.0));
    const Vec3 velocity = qrot(root[t + 1], pos[t + 1][0] - pos[t][0]);
    f[t][1] = velocity.x;
    f[t][2] = velocity.z;
    f[t][3] = pos[t][0].y;
    // Root-relative positions in the facing frame (ric), joints 1..21.
    const Vec3 root_xz{pos[t][0].x, 0, pos[t][0].z};
    for (int j = 1; j < kJoints; ++j) {
      const Vec3 ric = qrot(root[t], pos[t][j] - root_xz);
      f[t][4 + (j - 1) * 3 + 0] = ric.x;
      f[t][4 + (j - 1) * 3 + 1] = ric.y;
      f[t][4 + (j - 1) * 3 + 2] = ric.z;
    }
    // 6-D rotations: first two columns of each local rotation matrix, joints 1..21.
    for (int j = 1; j < kJoints; ++j) {
      const Mat3 m = geometry::quat_to_matrix(local[t][j]);
      const int base = 67 + (j - 1) * 6;
      f[t][base + 0] = m(0, 0);
      f[t][base + 1] = m(1, 0);
      f[t][base + 2] = m(2, 0);
      f[t][base + 3] = m(0, 1);
      f[t][base + 4] = m(1, 1);
      f[t][base + 5] = m(2, 1);
    }
    // Joint velocities in the facing frame of frame t.
    for (int j = 0; j < kJoints; ++j) {
      const Vec3 v = qrot(root[t], global[t + 1][j] - global[t][j]);
      f[t][193 + j * 3 + 0] = v.x;
      f[t][193 + j * 3 + 1] = v.y;
      f[t][193 + j * 3 + 2] = v.z;
    }
    // Foot contacts: squared displacement below the threshold (left 7, 10; right 8, 11).
    const int feet[4] = {7, 10, 8, 11};
    for (int k = 0; k < 4; ++k) {
      const Vec3 d = global[t + 1][feet[k]] - global[t][feet[k]];
      f[t][259 + k] = dot(d, d) < options.foot_velocity_threshold ? 1.0 : 0.0;
    }
  }
  return features.to(torch::kFloat32);
}

torch::Tensor mirror_joints(const torch::Tensor& joints) {
  MOTLAB_CHECK(joints.dim() == 3 && joints.size(1) == kJoints && joints.size(2) == 3,
               "mirror_joints: expected joints [T, 22, 3], got ", joints.sizes());
  torch::Tensor out = joints.clone();
  out.select(2, 0).neg_();
  for (const auto& [left, right] : left_right_pairs()) {
    out.select(1, left).copy_(joints.select(1, right));
    out.select(1, right).copy_(joints.select(1, left));
    out.select(1, left).select(1, 0).neg_();
    out.select(1, right).select(1, 0).neg_();
  }
  return out;
}

}  // namespace motlab::features
