// DistilBertConfig: the settings of a distilbert model as its Hugging Face config.json holds them,
// read with every size checked (framework/io/hf_config.h bounds) and written back. Kept apart from
// the model code so that what reads an outside file can be tested (and fuzzed) on its own.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "framework/io/hf_config.h"

namespace motlab::nn {

struct DistilBertConfig {
  int64_t vocab_size = 8002;
  int64_t dim = 768;
  int64_t hidden_dim = 3072;
  int64_t n_layers = 3;
  int64_t n_heads = 12;
  int64_t max_position_embeddings = 512;
  int64_t pad_token_id = 1;
  double dropout = 0.1, attention_dropout = 0.1;

  static DistilBertConfig from_hf(const io::HfConfig& config);
  nlohmann::json to_json() const;  // a complete HF config.json (DistilBertForMaskedLM)
};

}  // namespace motlab::nn
