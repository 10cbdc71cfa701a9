// Qwen2Config: the settings of a qwen2 model as its Hugging Face config.json holds them, read
// with every size checked (framework/io/hf_config.h bounds) and written back. Kept apart from the
// model code so that what reads an outside file can be tested (and fuzzed) on its own.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "framework/io/hf_config.h"

namespace motlab::nn {

struct Qwen2Config {
  int64_t vocab_size = 151936;
  int64_t hidden_size = 1536;
  int64_t intermediate_size = 8960;
  int64_t num_hidden_layers = 28;
  int64_t num_attention_heads = 12;
  int64_t num_key_value_heads = 2;
  int64_t head_dim = 128;
  double rms_norm_eps = 1e-6;
  double rope_theta = 1e6;
  int64_t max_position_embeddings = 131072;
  bool tie_word_embeddings = true;
  int64_t bos_token_id = 151643;
  int64_t eos_token_id = 151643;

  // From config.json (model_type must be qwen2; errors name the file and key).
  static Qwen2Config from_hf(const io::HfConfig& config);
  nlohmann::json to_json() const;  // a complete HF config.json
};

}  // namespace motlab::nn
