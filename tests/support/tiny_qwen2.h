// A small Qwen2 folder in the Hugging Face layout, written by tests: a byte-level BPE tokenizer
// trained on `corpus`, config.json and random weights (model.safetensors) of `config`, whose
// vocabulary size and bos/eos ids are set from the tokenizer.
#pragma once
#include <string>
#include <vector>

#include "framework/nn/hf/qwen2_config.h"

namespace motlab::test {
// Returns the config written (with the tokenizer's vocab size and eos id). Weights come from
// torch's generator seeded with `seed`.
nn::Qwen2Config write_tiny_qwen2_folder(const std::string& dir,
                                        const std::vector<std::string>& corpus,
                                        nn::Qwen2Config config, uint64_t seed);
}  // namespace motlab::test
