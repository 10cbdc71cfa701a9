// XlmRobertaConfig: the settings of a xlm_roberta model as its Hugging Face config.json holds them,
// read with every size checked (framework/io/hf_config.h bounds) and written back. Kept apart from
// the model code so that what reads an outside file can be tested (and fuzzed) on its own.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "framework/io/hf_config.h"

namespace motlab::nn {

struct XlmRobertaConfig {
  int64_t vocab_size = 250002;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  int64_t max_position_embeddings = 514;
  int64_t type_vocab_size = 1;
  int64_t pad_token_id = 1;
  double layer_norm_eps = 1e-5;
  double hidden_dropout_prob = 0.1, attention_probs_dropout_prob = 0.1;

  // Accepts model_type xlm-roberta and roberta (same architecture).
  static XlmRobertaConfig from_hf(const io::HfConfig& config);
  nlohmann::json to_json() const;  // a complete HF config.json (XLMRobertaModel)
};

}  // namespace motlab::nn
