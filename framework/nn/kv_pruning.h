// KV-cache pruning math shared by the kv_pruner components (ThinK, magnitude baselines, SnapKV).
// Pure tensor functions: they never touch a model, so each can be checked on hand examples.
//
// Shapes: B batch, Hq query heads, Hkv key/value heads (Hq = G * Hkv, GQA), L cached tokens,
// W observation-window queries, D head dim, T kept channels.
#pragma once
#include <torch/torch.h>

#include <string>

namespace motlab::kv {

// Number of channels ThinK prunes: floor(lambda * D), computed as the original code does
// (int(head_dim * ratio)); the kept count is D minus that.
int64_t pruned_channel_count(int64_t head_dim, double ratio);

// ThinK's query-driven channel score per KV head: ||Q_obs[:, j]|| * ||K[:, j]||, the Frobenius
// norm of the outer product Q_obs[:, j] K[:, j]^T. For GQA the query energy sum_t q_tj^2 is
// averaged over the G query heads sharing a KV head (kvpress' per-KV-head form). The ranking
// equals the original code's mean(q^2) * mean(k^2).
//   queries: [B, Hq, Lq, D] post-RoPE (the last `window` rows are used), keys: [B, Hkv, L, D]
//   returns [B, Hkv, D] (float32)
torch::Tensor think_channel_scores(const torch::Tensor& queries, const torch::Tensor& keys,
                                   int64_t window);

// Query-agnostic magnitude scores ||K[:, j]||_p over the cached tokens (p = 1 or 2): [B, Hkv, D].
torch::Tensor magnitude_channel_scores(const torch::Tensor& keys, int64_t p);

// Channels kept per head: the complement of the floor(lambda*D) lowest-scored channels, in
// ascending channel order. scores [B, H, D] -> keep_index [B, H, T] int64.
torch::Tensor select_kept_channels(const torch::Tensor& scores, double ratio);

// Gathers channels: x [B, H, N, D], keep_index [B, H, T] -> [B, H, N, T].
torch::Tensor gather_channels(const torch::Tensor& x, const torch::Tensor& keep_index);

// SnapKV token selection per KV head. Votes = sum over the last `window` queries of their causal
// softmax attention (fp32) to each prefix token, pooled over positions (kernel, stride 1,
// padding kernel/2; "max" or "avg" with count_include_pad), averaged over each GQA group. Keeps
// the top (capacity - window) prefix tokens plus the window; nothing is evicted when
// L < capacity. queries [B, Hq, L, D] post-RoPE, keys [B, Hkv, L, D]; returns kept token
// positions [B, Hkv, K] in ascending order (K = capacity, or L when nothing is evicted).
torch::Tensor snapkv_select_tokens(const torch::Tensor& queries, const torch::Tensor& keys,
                                   int64_t window, int64_t capacity, int64_t kernel,
                                   const std::string& pooling);

// Gathers tokens: x [B, H, L, D], positions [B, H, K] -> [B, H, K, D].
torch::Tensor gather_tokens(const torch::Tensor& x, const torch::Tensor& positions);

}  // namespace motlab::kv
