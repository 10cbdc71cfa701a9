// AdamW whose step runs on whole parameter lists (ATen's _foreach_* ops) instead of one parameter
// at a time. The arithmetic and its order are LibTorch's AdamW::step (decoupled weight decay,
// bias corrections, denom = sqrt(v) / sqrt(bc2) + eps), so on CPU the result is bitwise the same;
// on a GPU a TMR-size model has ~200 parameter tensors, and the per-parameter loop's ~2000 kernel
// launches per step cost more than the model's own forward and backward. The state is AdamW's own
// (same classes, same keys), so save/load and checkpoints are unchanged. amsgrad falls back to
// AdamW::step.
#pragma once
#include <torch/torch.h>

#include <vector>

namespace motlab::train {

class ForeachAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

// Zeroes every defined gradient of `parameters` (one _foreach_zero_ per device and dtype).
void zero_gradients(const std::vector<torch::Tensor>& parameters);

}  // namespace motlab::train
