// XLM-RoBERTa encoder (transformers modeling_xlm_roberta.py; shared/specs/models.md 5), the
// backbone of multilingual-e5: fairseq position ids (pads at padding_idx, real tokens from
// padding_idx + 1), word + position + token-type embeddings -> LayerNorm, post-LN BERT layers
// with exact-erf GELU, padded keys masked; the pooler is not used (e5 mean-pools).
//
// Shapes: B = batch, L = tokens, H = hidden size (768 for e5-base), V = vocabulary.
#pragma once
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "framework/io/hf_config.h"
#include "framework/nn/hf/xlm_roberta_config.h"

namespace motlab::nn {

class XlmRobertaImpl : public torch::nn::Module {
 public:
  explicit XlmRobertaImpl(const XlmRobertaConfig& config);
  // input_ids [B, L] int64, attention_mask [B, L] (1 = real; padding on the right, as the
  // tokenizer pads) -> last hidden state [B, L, H].
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);
  const XlmRobertaConfig& config() const { return config_; }

  // fairseq's create_position_ids_from_input_ids: cumsum(ids != pad) * (ids != pad) + pad.
  static torch::Tensor position_ids(const torch::Tensor& input_ids, int64_t pad_token_id);

  // encoder.layer.N, module names as in HF (attention.self.query, attention.output.dense, ...).
  struct Layer : torch::nn::Module {
    explicit Layer(const XlmRobertaConfig& config);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_mask);
    torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, attention_dense{nullptr};
    torch::nn::LayerNorm attention_norm{nullptr};
    torch::nn::Linear intermediate_dense{nullptr}, output_dense{nullptr};
    torch::nn::LayerNorm output_norm{nullptr};
    int64_t heads;
    double hidden_dropout, attention_dropout;
  };

  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr},
      token_type_embeddings{nullptr};
  torch::nn::LayerNorm embedding_norm{nullptr};  // "embeddings.LayerNorm"
  std::vector<std::shared_ptr<Layer>> layers;

 private:
  XlmRobertaConfig config_;
};
TORCH_MODULE(XlmRoberta);

// Loads an HF folder into the encoder ("roberta." prefixes, the pooler and an MLM head are
// accepted and ignored).
void load_xlm_roberta(XlmRobertaImpl& model, const std::string& model_dir);

}  // namespace motlab::nn
