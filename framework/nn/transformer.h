// Post-LN transformer encoder/decoder layers, batch-first, numerically the same as LibTorch's
// nn::TransformerEncoderLayer / nn::TransformerDecoderLayer (same parameter names and init), with
// one difference in how dropout draws its mask on CPU: LibTorch 1.13 without MKL draws a 64-bit
// number per element (bernoulli_), which was ~40% of a TMR training step on 2 cores. fast_dropout
// takes 16 bits per element (p quantised to 1/65536) from a counter-based splitmix64 stream (a
// vectorised loop) seeded by one draw of the seeded torch generator.
#pragma once
#include <torch/torch.h>

namespace motlab::nn {

// Inverted dropout: x * mask / (1 - p). CPU float tensors use the 16-bit mask; other devices or
// dtypes use torch::dropout. Deterministic under torch::manual_seed.
torch::Tensor fast_dropout(const torch::Tensor& x, double p, bool training);

struct TransformerLayerSettings {
  int64_t d_model = 256;
  int64_t num_heads = 4;
  int64_t dim_feedforward = 1024;
  double dropout = 0.1;
  double layer_norm_eps = 1e-5;
};

// Multi-head attention with a packed in-projection (in_proj_weight [3E, E], in_proj_bias [3E],
// out_proj), as torch.nn.MultiheadAttention.
class MultiheadAttentionImpl : public torch::nn::Module {
 public:
  MultiheadAttentionImpl(int64_t embed_dim, int64_t num_heads, double dropout);
  // query [B, Tq, E], key/value [B, Tk, E], key_padding [B, Tk] bool (true = ignore) or undefined
  // -> [B, Tq, E].
  torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& key_value,
                        const torch::Tensor& key_padding);
  void reset_parameters();

  torch::Tensor in_proj_weight, in_proj_bias;
  torch::nn::Linear out_proj{nullptr};

 private:
  int64_t embed_dim_, num_heads_;
  double dropout_;
};
TORCH_MODULE(MultiheadAttention);

class TransformerEncoderLayerImpl : public torch::nn::Module {
 public:
  explicit TransformerEncoderLayerImpl(const TransformerLayerSettings& options);
  // x [B, T, E], padding [B, T] bool (true = padded) or undefined -> [B, T, E].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& padding);

 private:
  TransformerLayerSettings options_;
  MultiheadAttention self_attn_{nullptr};
  torch::nn::Linear linear1_{nullptr}, linear2_{nullptr};
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
};
TORCH_MODULE(TransformerEncoderLayer);

class TransformerDecoderLayerImpl : public torch::nn::Module {
 public:
  explicit TransformerDecoderLayerImpl(const TransformerLayerSettings& options);
  // x [B, T, E] (no causal mask: TMR decodes all frames at once), memory [B, M, E],
  // padding [B, T] bool (true = padded) or undefined -> [B, T, E].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& memory,
                        const torch::Tensor& padding);

 private:
  TransformerLayerSettings options_;
  MultiheadAttention self_attn_{nullptr}, multihead_attn_{nullptr};
  torch::nn::Linear linear1_{nullptr}, linear2_{nullptr};
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr}, norm3_{nullptr};
};
TORCH_MODULE(TransformerDecoderLayer);

// Stacks without a final norm (TMR's use); parameters are named layers.<i>.<...> as in LibTorch.
class TransformerEncoderImpl : public torch::nn::Module {
 public:
  TransformerEncoderImpl(const TransformerLayerSettings& options, int64_t num_layers);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& padding);

 private:
  torch::nn::ModuleList layers_;
};
TORCH_MODULE(TransformerEncoder);

class TransformerDecoderImpl : public torch::nn::Module {
 public:
  TransformerDecoderImpl(const TransformerLayerSettings& options, int64_t num_layers);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& memory,
                        const torch::Tensor& padding);

 private:
  torch::nn::ModuleList layers_;
};
TORCH_MODULE(TransformerDecoder);

}  // namespace motlab::nn
