#include "framework/data/features.h"

#include "framework/core/error.h"

namespace motlab::features {

torch::Tensor quaternion_inverse(const torch::Tensor& q) {
  return q * torch::tensor({1.0f, -1.0f, -1.0f, -1.0f}, q.options());
}

torch::Tensor quaternion_rotate(const torch::Tensor& q, const torch::Tensor& v) {
  MOTLAB_CHECK(q.size(-1) == 4 && v.size(-1) == 3,
               "quaternion_rotate: expected [...,4] and [...,3]");
  torch::Tensor w = q.narrow(-1, 0, 1);
  torch::Tensor axis = q.narrow(-1, 1, 3);
  torch::Tensor uv = torch::cross(axis, v, -1);
  torch::Tensor uuv = torch::cross(axis, uv, -1);
  return v + 2 * (w * uv + uuv);
}

std::pair<torch::Tensor, torch::Tensor> recover_root(const torch::Tensor& features) {
  torch::Tensor data = features.to(torch::kFloat32);
  torch::Tensor rot_vel = data.select(-1, 0);
  // The angle at frame t integrates the velocities of frames < t.
  torch::Tensor angle = torch::zeros_like(rot_vel);
  const int64_t frames = data.size(-2);
  if (frames > 1) angle.narrow(-1, 1, frames - 1).copy_(rot_vel.narrow(-1, 0, frames - 1));
  angle = angle.cumsum(-1);
  torch::Tensor zero = torch::zeros_like(angle);
  torch::Tensor rotation = torch::stack({angle.cos(), zero, angle.sin(), zero}, -1);
  // Root XZ velocity of frame t-1 moves the root into frame t, expressed in the world frame.
  torch::Tensor velocity = torch::zeros_like(data.narrow(-1, 0, 3));  // [..., T, 3]
  if (frames > 1) {
    torch::Tensor previous = data.narrow(-2, 0, frames - 1);
    velocity.narrow(-2, 1, frames - 1).select(-1, 0).copy_(previous.select(-1, 1));
    velocity.narrow(-2, 1, frames - 1).select(-1, 2).copy_(previous.select(-1, 2));
  }
  torch::Tensor position = quaternion_rotate(quaternion_inverse(rotation), velocity).cumsum(-2);
  position.select(-1, 1).copy_(data.select(-1, 3));
  return {rotation, position};
}

torch::Tensor recover_from_ric(const torch::Tensor& features, int64_t joints) {
  MOTLAB_CHECK(features.dim() >= 2 && features.size(-1) >= 4 + (joints - 1) * 3,
               "recover_from_ric: expected [..., T, 263] features, got ", features.sizes());
  torch::Tensor data = features.to(torch::kFloat32);
  auto [rotation, root] = recover_root(data);
  std::vector<int64_t> shape = data.sizes().vec();
  shape.back() = joints - 1;
  shape.push_back(3);
  torch::Tensor local = data.narrow(-1, 4, (joints - 1) * 3).reshape(shape);
  std::vector<int64_t> quaternion_shape = local.sizes().vec();
  quaternion_shape.back() = 4;
  torch::Tensor inverse = quaternion_inverse(rotation).unsqueeze(-2).expand(quaternion_shape);
  torch::Tensor positions = quaternion_rotate(inverse, local);
  positions.select(-1, 0).add_(root.select(-1, 0).unsqueeze(-1));
  positions.select(-1, 2).add_(root.select(-1, 2).unsqueeze(-1));
  return torch::cat({root.unsqueeze(-2), positions}, -2);
}

}  // namespace motlab::features
