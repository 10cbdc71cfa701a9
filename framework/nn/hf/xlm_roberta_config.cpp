#include "framework/nn/hf/xlm_roberta_config.h"

#include "framework/core/error.h"

namespace motlab::nn {

XlmRobertaConfig XlmRobertaConfig::from_hf(const io::HfConfig& hf) {
  const std::string model_type = hf.get_string("model_type");
  MOTLAB_CHECK(model_type == "xlm-roberta" || model_type == "roberta", hf.origin(),
               ": model_type is '", model_type, "', expected xlm-roberta or roberta");
  XlmRobertaConfig c;
  c.vocab_size = hf.get_int_in("vocab_size", 1, io::kMaxVocab);
  c.hidden_size = hf.get_int_in("hidden_size", 1, io::kMaxWidth);
  c.num_hidden_layers = hf.get_int_in("num_hidden_layers", 1, io::kMaxLayers);
  c.num_attention_heads = hf.get_int_in("num_attention_heads", 1, io::kMaxHeads);
  c.intermediate_size = hf.get_int_in("intermediate_size", 1, 4 * io::kMaxWidth);
  c.max_position_embeddings = hf.get_int_in("max_position_embeddings", 1, io::kMaxPositions);
  c.type_vocab_size = hf.get_int_in("type_vocab_size", 1, 1 << 10, 1);
  c.pad_token_id = hf.get_int_in("pad_token_id", 0, c.vocab_size - 1, 1);
  c.layer_norm_eps = hf.get_double_in("layer_norm_eps", 1e-12, 1.0, 1e-5);
  c.hidden_dropout_prob = hf.get_double_in("hidden_dropout_prob", 0.0, 1.0, 0.1);
  c.attention_probs_dropout_prob = hf.get_double_in("attention_probs_dropout_prob", 0.0, 1.0, 0.1);
  const std::string act = hf.get_string("hidden_act", "gelu");
  MOTLAB_CHECK(act == "gelu", hf.origin(), ": hidden_act '", act,
               "' (only gelu, the exact-erf GELU, is supported)");
  const std::string positions = hf.get_string("position_embedding_type", "absolute");
  MOTLAB_CHECK(positions == "absolute", hf.origin(), ": position_embedding_type '", positions,
               "' (only absolute is supported)");
  MOTLAB_CHECK(c.hidden_size % c.num_attention_heads == 0, hf.origin(), ": hidden_size (",
               c.hidden_size, ") must be a multiple of num_attention_heads (",
               c.num_attention_heads, ")");
  MOTLAB_CHECK(c.max_position_embeddings > c.pad_token_id + 1, hf.origin(),
               ": max_position_embeddings (", c.max_position_embeddings,
               ") leaves no position after the padding offset ", c.pad_token_id + 1);
  return c;
}

nlohmann::json XlmRobertaConfig::to_json() const {
  nlohmann::ordered_json j;
  j["architectures"] = {"XLMRobertaModel"};
  j["attention_probs_dropout_prob"] = attention_probs_dropout_prob;
  j["bos_token_id"] = 0;
  j["eos_token_id"] = 2;
  j["hidden_act"] = "gelu";
  j["hidden_dropout_prob"] = hidden_dropout_prob;
  j["hidden_size"] = hidden_size;
  j["initializer_range"] = 0.02;
  j["intermediate_size"] = intermediate_size;
  j["layer_norm_eps"] = layer_norm_eps;
  j["max_position_embeddings"] = max_position_embeddings;
  j["model_type"] = "xlm-roberta";
  j["num_attention_heads"] = num_attention_heads;
  j["num_hidden_layers"] = num_hidden_layers;
  j["pad_token_id"] = pad_token_id;
  j["position_embedding_type"] = "absolute";
  j["type_vocab_size"] = type_vocab_size;
  j["vocab_size"] = vocab_size;
  return nlohmann::json::parse(j.dump());
}

}  // namespace motlab::nn
