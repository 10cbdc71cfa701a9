// bf16 autocast on CUDA for a scope (LibTorch's autocast API changed in 2.4). A no-op when not
// enabled, so callers can write `AutocastGuard guard(device.is_cuda() && use_bf16);`.
#pragma once
#include <ATen/ATen.h>

namespace motlab {

class AutocastGuard {
 public:
  explicit AutocastGuard(bool enabled);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool enabled_;
  bool previous_ = false;
  at::ScalarType previous_dtype_ = at::kFloat;
};

// Whether bf16/fp16 autocast on CUDA is on in this thread (e.g. inside an AutocastGuard).
bool cuda_autocast_enabled();

}  // namespace motlab
