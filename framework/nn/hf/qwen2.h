// Qwen2 decoder (transformers modeling_qwen2.py; shared/specs/models.md 3.2): pre-norm layers with
// RMSNorm computed in float32, rotate-half RoPE, grouped-query attention with q/k/v bias, SwiGLU
// MLP, optionally tied LM head. Attention always runs through an explicit per-layer KV cache
// (framework/nn/kv_cache.h), so a KV pruner can compress it after the prefill and later tokens
// decode over the compressed cache.
//
// Shapes: B = batch, L = new tokens, H = hidden size, Hq / Hkv = query / KV heads, D = head dim.
#pragma once
#include <torch/torch.h>

#include <memory>
#include <string>

#include "framework/io/hf_config.h"
#include "framework/nn/hf/lora.h"
#include "framework/nn/hf/qwen2_config.h"
#include "framework/nn/kv_cache.h"

namespace motlab {
class KvPruner;
}

namespace motlab::nn {

class Qwen2RmsNormImpl : public torch::nn::Module {
 public:
  Qwen2RmsNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(Qwen2RmsNorm);

class Qwen2AttentionImpl : public torch::nn::Module {
 public:
  explicit Qwen2AttentionImpl(const Qwen2Config& config);
  // x [B, L, H] at positions [start, start + L); appends to `cache` and attends over it.
  // `queries` (optional) receives the post-RoPE queries [B, Hq, L, D].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        LayerKvCache& cache, torch::Tensor* queries = nullptr);
  // Inference over a whole sequence without a cache (eval, no grad): q, k and v in one GEMM with
  // LoRA folded into the weights, causal attention (at::scaled_dot_product_attention on LibTorch
  // 2.x). x [B, L, H] at positions [0, L) -> [B, L, H].
  torch::Tensor forward_inference(const torch::Tensor& x, const torch::Tensor& cos,
                                  const torch::Tensor& sin);
  LoraLinear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

 private:
  int64_t heads_, kv_heads_, head_dim_;
  torch::Tensor qkv_weight_, qkv_bias_;  // [(Hq + 2 Hkv) D, H], [(Hq + 2 Hkv) D]
  std::vector<int64_t> qkv_stamp_;       // the q/k/v inference weights they were built from
};
TORCH_MODULE(Qwen2Attention);

class Qwen2MlpImpl : public torch::nn::Module {
 public:
  explicit Qwen2MlpImpl(const Qwen2Config& config);
  torch::Tensor forward(const torch::Tensor& x);
  // Eval, no grad: LoRA folded into the weights; gate and up in one GEMM when an adapter had to
  // be folded into either anyway (plain weights are not duplicated).
  torch::Tensor forward_inference(const torch::Tensor& x);
  LoraLinear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};

 private:
  torch::Tensor gate_up_weight_;  // [2 I, H] when fused
  std::vector<int64_t> gate_up_stamp_;
};
TORCH_MODULE(Qwen2Mlp);

class Qwen2DecoderLayerImpl : public torch::nn::Module {
 public:
  explicit Qwen2DecoderLayerImpl(const Qwen2Config& config);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        LayerKvCache& cache, torch::Tensor* queries = nullptr);
  Qwen2Attention self_attn{nullptr};
  Qwen2Mlp mlp{nullptr};
  Qwen2RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(Qwen2DecoderLayer);

// `Qwen2Model` (module names as in HF under "model.") plus the LM head.
class Qwen2ForCausalLMImpl : public torch::nn::Module {
 public:
  explicit Qwen2ForCausalLMImpl(const Qwen2Config& config);

  // input_ids [B, L] int64 at positions [cache length, + L) -> last hidden state [B, L, H]
  // (after the final norm). Fills `cache` (one LayerKvCache per layer; created when empty).
  // With `pruner`, each layer's cache is compressed right after this call's attention (prefill).
  torch::Tensor forward(const torch::Tensor& input_ids, KvCache& cache, KvPruner* pruner = nullptr);
  // Without a cache: a causal forward over the whole sequence. Right padding is harmless: a
  // real token never attends to a later (pad) position. In eval mode without grad it takes the
  // inference path (fused projections, LoRA folded in, SDPA on LibTorch 2.x, RoPE table kept).
  torch::Tensor forward(const torch::Tensor& input_ids);
  torch::Tensor logits(const torch::Tensor& hidden);  // [B, L, V]

  // Loads an HF folder's weights (names "model.*", "lm_head.weight"; tied head optional).
  void load_pretrained(const std::string& model_dir);
  // All parameters under HF names, for saving (the tied head is not written twice).
  std::vector<std::pair<std::string, torch::Tensor>> hf_state() const;

  const Qwen2Config& config() const { return config_; }

  // Submodules registered under "model" so parameter names match HF's.
  struct Body : torch::nn::Module {
    explicit Body(const Qwen2Config& config);
    torch::nn::Embedding embed_tokens{nullptr};
    torch::nn::ModuleList layers{nullptr};
    Qwen2RmsNorm norm{nullptr};
  };
  std::shared_ptr<Body> model;
  torch::nn::Linear lm_head{nullptr};  // [V, H], no bias; absent when tied (the embedding is used)

 private:
  Qwen2Config config_;
  torch::Tensor rope_cos_, rope_sin_;  // [L, D] for positions [0, L) of the last inference call
};
TORCH_MODULE(Qwen2ForCausalLM);

// cos, sin [L, D] for positions [start, start + L) (float32 math, cast to `dtype`).
std::pair<torch::Tensor, torch::Tensor> rope_cos_sin(int64_t start, int64_t length,
                                                     int64_t head_dim, double theta,
                                                     torch::Device device, torch::ScalarType dtype);
// q' = q cos + rotate_half(q) sin for x [B, heads, L, D].
torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos,
                         const torch::Tensor& sin);

}  // namespace motlab::nn
