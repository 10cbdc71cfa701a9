#include "framework/nn/hf/qwen2_config.h"

#include "framework/core/error.h"

namespace motlab::nn {

Qwen2Config Qwen2Config::from_hf(const io::HfConfig& hf) {
  const std::string model_type = hf.get_string("model_type");
  MOTLAB_CHECK(model_type == "qwen2", hf.origin(), ": model_type is '", model_type,
               "', expected qwen2");
  Qwen2Config c;
  c.vocab_size = hf.get_int_in("vocab_size", 1, io::kMaxVocab);
  c.hidden_size = hf.get_int_in("hidden_size", 1, io::kMaxWidth);
  c.intermediate_size = hf.get_int_in("intermediate_size", 1, 4 * io::kMaxWidth);
  c.num_hidden_layers = hf.get_int_in("num_hidden_layers", 1, io::kMaxLayers);
  c.num_attention_heads = hf.get_int_in("num_attention_heads", 1, io::kMaxHeads);
  c.num_key_value_heads =
      hf.get_int_in("num_key_value_heads", 1, io::kMaxHeads, c.num_attention_heads);
  c.head_dim = hf.get_int_in("head_dim", 1, io::kMaxWidth, c.hidden_size / c.num_attention_heads);
  c.rms_norm_eps = hf.get_double_in("rms_norm_eps", 1e-12, 1.0, 1e-6);
  // transformers >= 5 writes RoPE as rope_parameters {rope_type, rope_theta}; earlier versions
  // (and the published Qwen2 folders) as a top-level rope_theta.
  c.rope_theta = hf.get_double_in("rope_theta", 1.0, 1e12,
                                  hf.get_double_in("rope_parameters.rope_theta", 1.0, 1e12, 1e4));
  c.max_position_embeddings = hf.get_int_in("max_position_embeddings", 1, io::kMaxPositions, 32768);
  c.tie_word_embeddings = hf.get_bool("tie_word_embeddings", false);
  c.bos_token_id = hf.get_int("bos_token_id", c.bos_token_id);
  c.eos_token_id = hf.get_int("eos_token_id", c.eos_token_id);
  const std::string act = hf.get_string("hidden_act", "silu");
  MOTLAB_CHECK(act == "silu", hf.origin(), ": hidden_act '", act, "' (only silu is supported)");
  MOTLAB_CHECK(!hf.get_bool("use_sliding_window", false), hf.origin(),
               ": use_sliding_window=true is not supported");
  // Plain RoPE only: a rope_scaling / rope_parameters entry must say rope_type "default".
  for (const char* key :
       {"rope_scaling.rope_type", "rope_scaling.type", "rope_parameters.rope_type"}) {
    const std::string kind = hf.get_string(key, "default");
    MOTLAB_CHECK(kind == "default", hf.origin(), ": ", key, " is '", kind,
                 "' (only plain RoPE, rope_type 'default', is supported)");
  }
  MOTLAB_CHECK(
      !hf.has("rope_scaling") || hf.has("rope_scaling.rope_type") || hf.has("rope_scaling.type"),
      hf.origin(), ": rope_scaling without a rope_type is not supported");
  MOTLAB_CHECK(c.num_attention_heads % c.num_key_value_heads == 0, hf.origin(),
               ": num_attention_heads (", c.num_attention_heads,
               ") must be a multiple of num_key_value_heads (", c.num_key_value_heads, ")");
  MOTLAB_CHECK(c.head_dim % 2 == 0, hf.origin(), ": head_dim must be even for RoPE");
  MOTLAB_CHECK(c.head_dim > 0 && c.num_attention_heads * c.head_dim <= 4 * io::kMaxWidth,
               hf.origin(), ": num_attention_heads x head_dim (", c.num_attention_heads, " x ",
               c.head_dim, ") is implausible");
  return c;
}

nlohmann::json Qwen2Config::to_json() const {
  nlohmann::ordered_json j;
  j["architectures"] = {"Qwen2ForCausalLM"};
  j["model_type"] = "qwen2";
  j["vocab_size"] = vocab_size;
  j["hidden_size"] = hidden_size;
  j["intermediate_size"] = intermediate_size;
  j["num_hidden_layers"] = num_hidden_layers;
  j["num_attention_heads"] = num_attention_heads;
  j["num_key_value_heads"] = num_key_value_heads;
  j["hidden_act"] = "silu";
  j["rms_norm_eps"] = rms_norm_eps;
  j["rope_theta"] = rope_theta;
  j["max_position_embeddings"] = max_position_embeddings;
  j["sliding_window"] = max_position_embeddings;
  j["use_sliding_window"] = false;
  j["max_window_layers"] = num_hidden_layers;
  j["tie_word_embeddings"] = tie_word_embeddings;
  j["bos_token_id"] = bos_token_id;
  j["eos_token_id"] = eos_token_id;
  j["attention_dropout"] = 0.0;
  j["initializer_range"] = 0.02;
  j["torch_dtype"] = "float32";
  j["use_cache"] = true;
  return nlohmann::json::parse(j.dump());
}

}  // namespace motlab::nn
