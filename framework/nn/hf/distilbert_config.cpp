#include "framework/nn/hf/distilbert_config.h"

#include "framework/core/error.h"

namespace motlab::nn {

DistilBertConfig DistilBertConfig::from_hf(const io::HfConfig& hf) {
  const std::string model_type = hf.get_string("model_type");
  MOTLAB_CHECK(model_type == "distilbert", hf.origin(), ": model_type is '", model_type,
               "', expected distilbert");
  DistilBertConfig c;
  c.vocab_size = hf.get_int_in("vocab_size", 1, io::kMaxVocab);
  c.dim = hf.get_int_in("dim", 1, io::kMaxWidth);
  c.hidden_dim = hf.get_int_in("hidden_dim", 1, 4 * io::kMaxWidth);
  c.n_layers = hf.get_int_in("n_layers", 1, io::kMaxLayers);
  c.n_heads = hf.get_int_in("n_heads", 1, io::kMaxHeads);
  c.max_position_embeddings = hf.get_int_in("max_position_embeddings", 1, io::kMaxPositions, 512);
  c.pad_token_id = hf.get_int_in("pad_token_id", 0, c.vocab_size - 1, 0);
  c.dropout = hf.get_double_in("dropout", 0.0, 1.0, 0.1);
  c.attention_dropout = hf.get_double_in("attention_dropout", 0.0, 1.0, 0.1);
  const std::string act = hf.get_string("activation", "gelu");
  MOTLAB_CHECK(act == "gelu", hf.origin(), ": activation '", act, "' (only gelu is supported)");
  MOTLAB_CHECK(c.dim % c.n_heads == 0, hf.origin(), ": dim (", c.dim,
               ") must be a multiple of n_heads (", c.n_heads, ")");
  return c;
}

nlohmann::json DistilBertConfig::to_json() const {
  nlohmann::ordered_json j;
  j["activation"] = "gelu";
  j["architectures"] = {"DistilBertForMaskedLM"};
  j["attention_dropout"] = attention_dropout;
  j["dim"] = dim;
  j["dropout"] = dropout;
  j["hidden_dim"] = hidden_dim;
  j["initializer_range"] = 0.02;
  j["max_position_embeddings"] = max_position_embeddings;
  j["model_type"] = "distilbert";
  j["n_heads"] = n_heads;
  j["n_layers"] = n_layers;
  j["pad_token_id"] = pad_token_id;
  j["qa_dropout"] = 0.1;
  j["seq_classif_dropout"] = 0.2;
  j["sinusoidal_pos_embds"] = false;
  j["tie_weights_"] = true;
  j["vocab_size"] = vocab_size;
  return nlohmann::json::parse(j.dump());
}

}  // namespace motlab::nn
