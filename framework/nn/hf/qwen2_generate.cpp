#include "framework/nn/hf/qwen2_generate.h"

#include <algorithm>

#include "framework/core/error.h"

namespace motlab::nn {
namespace {

torch::Device device_of(Qwen2ForCausalLM& model) { return model->parameters().front().device(); }

torch::Tensor as_ids(const std::vector<int64_t>& ids, torch::Device device) {
  return torch::tensor(ids, torch::kLong).unsqueeze(0).to(device);
}

// argmax of the logits at the last position of hidden [1, L, H].
int64_t next_token(Qwen2ForCausalLM& model, const torch::Tensor& hidden) {
  const torch::Tensor last = hidden.select(1, hidden.size(1) - 1);  // [1, H]
  return model->logits(last.unsqueeze(1)).squeeze(1).to(torch::kFloat32).argmax(-1).item<int64_t>();
}

bool is_stop(const GreedySettings& options, int64_t id) {
  return std::find(options.stop_ids.begin(), options.stop_ids.end(), id) != options.stop_ids.end();
}

}  // namespace

std::vector<int64_t> greedy_generate(Qwen2ForCausalLM& model, const std::vector<int64_t>& prompt,
                                     const GreedySettings& options) {
  MOTLAB_CHECK(!prompt.empty(), "greedy_generate: an empty prompt");
  torch::NoGradGuard no_grad;
  const torch::Device device = device_of(model);
  KvCache cache;
  std::vector<int64_t> out;
  torch::Tensor hidden = model->forward(as_ids(prompt, device), cache, nullptr);
  while (static_cast<int64_t>(out.size()) < options.max_new_tokens) {
    const int64_t id = next_token(model, hidden);
    if (is_stop(options, id)) break;
    out.push_back(id);
    if (static_cast<int64_t>(out.size()) == options.max_new_tokens) break;
    hidden = model->forward(as_ids({id}, device), cache, nullptr);
  }
  return out;
}

std::vector<int64_t> greedy_generate_uncached(Qwen2ForCausalLM& model,
                                              const std::vector<int64_t>& prompt,
                                              const GreedySettings& options) {
  MOTLAB_CHECK(!prompt.empty(), "greedy_generate: an empty prompt");
  torch::NoGradGuard no_grad;
  const torch::Device device = device_of(model);
  std::vector<int64_t> sequence = prompt, out;
  while (static_cast<int64_t>(out.size()) < options.max_new_tokens) {
    const int64_t id = next_token(model, model->forward(as_ids(sequence, device)));
    if (is_stop(options, id)) break;
    out.push_back(id);
    sequence.push_back(id);
  }
  return out;
}

}  // namespace motlab::nn
