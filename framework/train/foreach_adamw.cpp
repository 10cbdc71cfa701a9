#include "framework/train/foreach_adamw.h"

#include <cmath>
#include <map>
#include <tuple>

namespace motlab::train {
namespace {

// The key of a parameter in Optimizer::state(): the TensorImpl pointer (LibTorch >= 2.2) or its
// printed form (earlier).
#if defined(TORCH_VERSION_MAJOR) && \
    (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 2))
void* state_key(const torch::Tensor& p) { return p.unsafeGetTensorImpl(); }
#else
std::string state_key(const torch::Tensor& p) {
  return c10::guts::to_string(p.unsafeGetTensorImpl());
}
#endif

// The lists one foreach call takes: tensors of one device and dtype at the same step count.
struct Bucket {
  std::vector<torch::Tensor> params, grads, exp_avgs, exp_avg_sqs;
};

}  // namespace

torch::Tensor ForeachAdamW::step(LossClosure closure) {
  for (const auto& group : param_groups_)
    if (static_cast<const torch::optim::AdamWOptions&>(group.options()).amsgrad())
      return torch::optim::AdamW::step(std::move(closure));
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    auto& options = static_cast<torch::optim::AdamWOptions&>(group.options());
    std::map<std::tuple<int64_t, int, int64_t>, Bucket> buckets;  // (device, dtype, step)
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      TORCH_CHECK(!p.grad().is_sparse(), "AdamW does not support sparse gradients");
      auto found = state_.find(state_key(p));
      if (found == state_.end()) {
        auto state = std::make_unique<torch::optim::AdamWParamState>();
        state->step(0);
        state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        found = state_.emplace(state_key(p), std::move(state)).first;
      }
      auto& state = static_cast<torch::optim::AdamWParamState&>(*found->second);
      state.step(state.step() + 1);
      const auto device = p.device();
      Bucket& bucket = buckets[{static_cast<int64_t>(device.type()) * 256 + device.index(),
                                static_cast<int>(p.scalar_type()), state.step()}];
      bucket.params.push_back(p);
      bucket.grads.push_back(p.grad());
      bucket.exp_avgs.push_back(state.exp_avg());
      bucket.exp_avg_sqs.push_back(state.exp_avg_sq());
    }
    const double lr = options.lr(), beta1 = std::get<0>(options.betas()),
                 beta2 = std::get<1>(options.betas());
    for (auto& [key, b] : buckets) {
      const auto step = static_cast<double>(std::get<2>(key));
      if (options.weight_decay() != 0) at::_foreach_mul_(b.params, 1 - lr * options.weight_decay());
      const double bias_correction1 = 1 - std::pow(beta1, step);
      const double bias_correction2 = 1 - std::pow(beta2, step);
      at::_foreach_mul_(b.exp_avgs, beta1);
      at::_foreach_add_(b.exp_avgs, b.grads, 1 - beta1);
      at::_foreach_mul_(b.exp_avg_sqs, beta2);
      at::_foreach_addcmul_(b.exp_avg_sqs, b.grads, b.grads, 1 - beta2);
      std::vector<torch::Tensor> denom = at::_foreach_sqrt(b.exp_avg_sqs);
      at::_foreach_div_(denom, std::sqrt(bias_correction2));
      at::_foreach_add_(denom, options.eps());
      at::_foreach_addcdiv_(b.params, b.exp_avgs, denom, -lr / bias_correction1);
    }
  }
  return loss;
}

void zero_gradients(const std::vector<torch::Tensor>& parameters) {
  std::map<std::pair<int64_t, int>, std::vector<torch::Tensor>> groups;
  for (const auto& p : parameters) {
    const torch::Tensor& grad = p.grad();
    if (!grad.defined()) continue;
    const auto device = grad.device();
    groups[{static_cast<int64_t>(device.type()) * 256 + device.index(),
            static_cast<int>(grad.scalar_type())}]
        .push_back(grad);
  }
  torch::NoGradGuard no_grad;
  for (auto& [key, grads] : groups) at::_foreach_zero_(grads);
}

}  // namespace motlab::train
