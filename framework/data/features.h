// HumanML3D's 263-d motion representation (22 joints, 20 fps):
//   [0]       root angular velocity about Y        [1:3]   root linear velocity (XZ, facing frame)
//   [3]       root height                          [4:67]  21 local joint positions (ric)
//   [67:193]  21 x 6-D joint rotations             [193:259] 22 x 3 local velocities
//   [259:263] foot contacts (left 7, 10; right 8, 11)
#pragma once
#include <torch/torch.h>

namespace motlab::features {

constexpr int64_t kJoints = 22;
constexpr int64_t kDims = 263;

// Quaternions (w, x, y, z) in the last dimension.
torch::Tensor quaternion_inverse(const torch::Tensor& q);
torch::Tensor quaternion_rotate(const torch::Tensor& q, const torch::Tensor& v);  // [...,4],[...,3]

// Root rotation (quaternion about Y) and root position per frame, integrated from the
// velocities: features [T, 263] -> ([T, 4], [T, 3]).
std::pair<torch::Tensor, torch::Tensor> recover_root(const torch::Tensor& features);

// HumanML3D's recover_from_ric: features [T, 263] (or [B, T, 263]) -> joint positions
// [T, 22, 3] (or [B, T, 22, 3]), computed in float32 like the reference.
torch::Tensor recover_from_ric(const torch::Tensor& features, int64_t joints = kJoints);

}  // namespace motlab::features
