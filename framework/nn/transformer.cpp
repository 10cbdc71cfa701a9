#include "framework/nn/transformer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/dist/dist.h"

namespace motlab::nn {

namespace {
// splitmix64's output number `counter` (0-based) of the stream seeded with `seed`.
inline uint64_t splitmix64_at(uint64_t seed, uint64_t counter) {
  uint64_t z = seed + (counter + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// mask[j] = scale when the j-th 16-bit draw >= threshold, else 0; word k holds draws 4k..4k+3.
// Every word is computed from its counter alone, so the loop vectorises; target_clones builds it
// for AVX-512 and AVX2 CPUs too (chosen at load time), and every version gives the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))
#endif
void fill_dropout_mask(float* mask, int64_t n, uint64_t seed, uint32_t threshold, float scale) {
  const int64_t words = n / 4;
  for (int64_t k = 0; k < words; ++k) {
    const uint64_t z = splitmix64_at(seed, static_cast<uint64_t>(k));
    for (int lane = 0; lane < 4; ++lane)
      mask[4 * k + lane] = ((z >> (16 * lane)) & 0xFFFFu) >= threshold ? scale : 0.0f;
  }
  uint64_t z = splitmix64_at(seed, static_cast<uint64_t>(words));  // the last 0-3 elements
  for (int64_t j = 4 * words; j < n; ++j, z >>= 16)
    mask[j] = (z & 0xFFFFu) >= threshold ? scale : 0.0f;
}
}  // namespace

torch::Tensor fast_dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0.0) return x;
  MOTLAB_CHECK(p < 1.0, "dropout probability must be < 1, got ", p);
  if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat)
    return torch::dropout(x, p, /*train=*/true);
  // keep an element when its 16-bit draw >= threshold: P(drop) = threshold / 65536.
  const auto threshold = static_cast<uint32_t>(std::lround(p * 65536.0));
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  torch::Tensor mask = torch::empty(x.sizes(), x.options().requires_grad(false));
  // One draw from the seeded torch generator seeds this mask's counter-based stream: masks stay
  // reproducible under torch::manual_seed, at well under 1 ns per element.
  uint64_t seed;
  {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    seed = at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
  }
  // Data-parallel ranks draw the same seed (their generators start equal): each rank gets its
  // own mask stream.
  if (dist::rank() > 0) seed = derive_seed(seed, "dropout/rank" + std::to_string(dist::rank()));
  fill_dropout_mask(mask.data_ptr<float>(), mask.numel(), seed, threshold, scale);
  return x * mask;
}

MultiheadAttentionImpl::MultiheadAttentionImpl(int64_t embed_dim, int64_t num_heads, double dropout)
    : embed_dim_(embed_dim), num_heads_(num_heads), dropout_(dropout) {
  MOTLAB_CHECK(embed_dim % num_heads == 0, "attention: embed_dim ", embed_dim,
               " is not divisible by num_heads ", num_heads);
  in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * embed_dim, embed_dim}));
  in_proj_bias = register_parameter("in_proj_bias", torch::empty({3 * embed_dim}));
  out_proj = register_module("out_proj", torch::nn::Linear(embed_dim, embed_dim));
  reset_parameters();
}

void MultiheadAttentionImpl::reset_parameters() {
  // torch.nn.MultiheadAttention: xavier-uniform packed projection, zero biases.
  torch::NoGradGuard no_grad;
  torch::nn::init::xavier_uniform_(in_proj_weight);
  in_proj_bias.zero_();
  out_proj->bias.zero_();
}

torch::Tensor MultiheadAttentionImpl::forward(const torch::Tensor& query,
                                              const torch::Tensor& key_value,
                                              const torch::Tensor& key_padding) {
  const int64_t batch = query.size(0), q_len = query.size(1), k_len = key_value.size(1);
  const int64_t head_dim = embed_dim_ / num_heads_;
  torch::Tensor q, k, v;
  if (query.is_same(key_value)) {
    auto qkv = torch::nn::functional::linear(query, in_proj_weight, in_proj_bias).chunk(3, -1);
    q = qkv[0], k = qkv[1], v = qkv[2];
  } else {
    auto w = in_proj_weight.split(embed_dim_), b = in_proj_bias.split(embed_dim_);
    q = torch::nn::functional::linear(query, w[0], b[0]);
    auto kv =
        torch::nn::functional::linear(key_value, torch::cat({w[1], w[2]}), torch::cat({b[1], b[2]}))
            .chunk(2, -1);
    k = kv[0], v = kv[1];
  }
  auto heads = [&](const torch::Tensor& t, int64_t len) {
    return t.reshape({batch, len, num_heads_, head_dim}).transpose(1, 2);  // [B, H, L, d]
  };
  q = heads(q, q_len) * (1.0 / std::sqrt(static_cast<double>(head_dim)));
  k = heads(k, k_len);
  v = heads(v, k_len);
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1));  // [B, H, Tq, Tk]
  if (key_padding.defined())
    scores = scores.masked_fill(key_padding.view({batch, 1, 1, k_len}),
                                -std::numeric_limits<float>::infinity());
  torch::Tensor weights = fast_dropout(torch::softmax(scores, -1), dropout_, is_training());
  torch::Tensor out = torch::matmul(weights, v).transpose(1, 2).reshape({batch, q_len, embed_dim_});
  return out_proj->forward(out);
}

namespace {
torch::nn::LayerNorm layer_norm(const TransformerLayerSettings& o) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.d_model}).eps(o.layer_norm_eps));
}
}  // namespace

TransformerEncoderLayerImpl::TransformerEncoderLayerImpl(const TransformerLayerSettings& options)
    : options_(options) {
  self_attn_ = register_module(
      "self_attn", MultiheadAttention(options.d_model, options.num_heads, options.dropout));
  linear1_ =
      register_module("linear1", torch::nn::Linear(options.d_model, options.dim_feedforward));
  linear2_ =
      register_module("linear2", torch::nn::Linear(options.dim_feedforward, options.d_model));
  norm1_ = register_module("norm1", layer_norm(options));
  norm2_ = register_module("norm2", layer_norm(options));
}

torch::Tensor TransformerEncoderLayerImpl::forward(const torch::Tensor& x,
                                                   const torch::Tensor& padding) {
  const double p = options_.dropout;
  const bool train = is_training();
  torch::Tensor h = norm1_->forward(x + fast_dropout(self_attn_->forward(x, x, padding), p, train));
  torch::Tensor ff = linear2_->forward(fast_dropout(torch::gelu(linear1_->forward(h)), p, train));
  return norm2_->forward(h + fast_dropout(ff, p, train));
}

TransformerDecoderLayerImpl::TransformerDecoderLayerImpl(const TransformerLayerSettings& options)
    : options_(options) {
  self_attn_ = register_module(
      "self_attn", MultiheadAttention(options.d_model, options.num_heads, options.dropout));
  multihead_attn_ = register_module(
      "multihead_attn", MultiheadAttention(options.d_model, options.num_heads, options.dropout));
  linear1_ =
      register_module("linear1", torch::nn::Linear(options.d_model, options.dim_feedforward));
  linear2_ =
      register_module("linear2", torch::nn::Linear(options.dim_feedforward, options.d_model));
  norm1_ = register_module("norm1", layer_norm(options));
  norm2_ = register_module("norm2", layer_norm(options));
  norm3_ = register_module("norm3", layer_norm(options));
}

torch::Tensor TransformerDecoderLayerImpl::forward(const torch::Tensor& x,
                                                   const torch::Tensor& memory,
                                                   const torch::Tensor& padding) {
  const double p = options_.dropout;
  const bool train = is_training();
  torch::Tensor h = norm1_->forward(x + fast_dropout(self_attn_->forward(x, x, padding), p, train));
  h = norm2_->forward(h + fast_dropout(multihead_attn_->forward(h, memory, {}), p, train));
  torch::Tensor ff = linear2_->forward(fast_dropout(torch::gelu(linear1_->forward(h)), p, train));
  return norm3_->forward(h + fast_dropout(ff, p, train));
}

namespace {
// PyTorch's nn.TransformerEncoder/Decoder (and LibTorch's) deep-copy one initialised layer, so
// every layer starts from the same weights; TMR trains from that start.
void start_as_copies_of_the_first(torch::nn::ModuleListImpl& layers) {
  if (layers.size() < 2) return;
  torch::NoGradGuard no_grad;
  const auto first = layers[0]->named_parameters();
  for (size_t i = 1; i < layers.size(); ++i) {
    auto params = layers[i]->named_parameters();
    for (const auto& item : first) params[item.key()].copy_(item.value());
  }
}
}  // namespace

TransformerEncoderImpl::TransformerEncoderImpl(const TransformerLayerSettings& options,
                                               int64_t num_layers) {
  layers_ = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < num_layers; ++i) layers_->push_back(TransformerEncoderLayer(options));
  start_as_copies_of_the_first(*layers_);
}

torch::Tensor TransformerEncoderImpl::forward(const torch::Tensor& x,
                                              const torch::Tensor& padding) {
  torch::Tensor h = x;
  for (const auto& layer : *layers_)
    h = layer->as<TransformerEncoderLayerImpl>()->forward(h, padding);
  return h;
}

TransformerDecoderImpl::TransformerDecoderImpl(const TransformerLayerSettings& options,
                                               int64_t num_layers) {
  layers_ = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < num_layers; ++i) layers_->push_back(TransformerDecoderLayer(options));
  start_as_copies_of_the_first(*layers_);
}

torch::Tensor TransformerDecoderImpl::forward(const torch::Tensor& x, const torch::Tensor& memory,
                                              const torch::Tensor& padding) {
  torch::Tensor h = x;
  for (const auto& layer : *layers_)
    h = layer->as<TransformerDecoderLayerImpl>()->forward(h, memory, padding);
  return h;
}

}  // namespace motlab::nn
