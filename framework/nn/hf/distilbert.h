// DistilBERT (transformers modeling_distilbert.py; shared/specs/models.md 4.2): learned positions,
// post-LN blocks (eps 1e-12), exact-erf GELU, q scaled by 1/sqrt(head dim) before q k^T, padded
// keys masked; no pooler. The MLM head (vocab_transform -> GELU -> vocab_layer_norm ->
// vocab_projector tied to the word embeddings) is there for pretraining small models.
//
// Shapes: B = batch, L = tokens, C = dim (768 for DistilKoBERT), V = vocabulary.
#pragma once
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "framework/io/hf_config.h"
#include "framework/nn/hf/distilbert_config.h"

namespace motlab::nn {

class DistilBertImpl : public torch::nn::Module {
 public:
  explicit DistilBertImpl(const DistilBertConfig& config);
  // input_ids [B, L] int64, attention_mask [B, L] (1 = real) -> last hidden state [B, L, C].
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);
  const DistilBertConfig& config() const { return config_; }

  struct Block : torch::nn::Module {
    explicit Block(const DistilBertConfig& config);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_mask);
    // Registered as attention.{q,k,v,out}_lin and ffn.lin{1,2}, as in HF.
    std::shared_ptr<torch::nn::Module> attention, ffn;
    torch::nn::Linear q_lin{nullptr}, k_lin{nullptr}, v_lin{nullptr}, out_lin{nullptr};
    torch::nn::Linear lin1{nullptr}, lin2{nullptr};
    torch::nn::LayerNorm sa_layer_norm{nullptr}, output_layer_norm{nullptr};
    int64_t heads;
    double dropout, attention_dropout;
  };

 private:
  DistilBertConfig config_;
  std::shared_ptr<torch::nn::Module> embeddings_, transformer_;
  torch::nn::ModuleList layers_{nullptr};

 public:
  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr};
  torch::nn::LayerNorm embedding_norm{nullptr};  // "embeddings.LayerNorm"
  std::vector<std::shared_ptr<Block>> blocks;
};
TORCH_MODULE(DistilBert);

// DistilBertForMaskedLM: module names as in HF ("distilbert.*", "vocab_*").
class DistilBertForMaskedLmImpl : public torch::nn::Module {
 public:
  explicit DistilBertForMaskedLmImpl(const DistilBertConfig& config);
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);
  torch::Tensor mlm_logits(const torch::Tensor& hidden);  // [..., C] -> [..., V]
  std::vector<std::pair<std::string, torch::Tensor>> hf_state() const;
  DistilBert distilbert{nullptr};
  torch::nn::Linear vocab_transform{nullptr};
  torch::nn::LayerNorm vocab_layer_norm{nullptr};
  torch::Tensor vocab_projector_bias;  // the projector's weight is the word embedding
};
TORCH_MODULE(DistilBertForMaskedLm);

// Loads an HF folder into the encoder (a "distilbert." prefix and the MLM head are accepted).
void load_distilbert(DistilBertImpl& model, const std::string& model_dir);

}  // namespace motlab::nn
