// Greedy decoding with Qwen2ForCausalLM: the prompt is prefilled into a KV cache, then each new
// token is the argmax of the last position's logits, fed back one at a time over the cache.
// Stops at any of `stop_ids` (not returned) or after max_new_tokens.
#pragma once
#include <cstdint>
#include <vector>

#include "framework/nn/hf/qwen2.h"

namespace motlab::nn {

struct GreedySettings {
  int64_t max_new_tokens = 256;
  std::vector<int64_t> stop_ids;  // e.g. <|im_end|> and the config's eos_token_id
};

// prompt_ids (non-empty) -> the generated ids. Runs on the model's device, without gradients.
std::vector<int64_t> greedy_generate(Qwen2ForCausalLM& model,
                                     const std::vector<int64_t>& prompt_ids,
                                     const GreedySettings& options);
// The same by re-encoding the whole sequence at every step (no cache): the reference the cached
// path is tested against; O(n^2), for tests.
std::vector<int64_t> greedy_generate_uncached(Qwen2ForCausalLM& model,
                                              const std::vector<int64_t>& prompt_ids,
                                              const GreedySettings& options);

}  // namespace motlab::nn
