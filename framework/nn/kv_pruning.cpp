#include "framework/nn/kv_pruning.h"

#include <cmath>
#include <limits>

#include "framework/core/error.h"

namespace motlab::kv {

int64_t pruned_channel_count(int64_t head_dim, double ratio) {
  MOTLAB_CHECK(ratio >= 0.0 && ratio < 1.0, "kv pruning ratio must be in [0, 1), got ", ratio);
  return static_cast<int64_t>(static_cast<double>(head_dim) * ratio);
}

torch::Tensor think_channel_scores(const torch::Tensor& queries, const torch::Tensor& keys,
                                   int64_t window) {
  MOTLAB_CHECK(queries.dim() == 4 && keys.dim() == 4,
               "think scores: expected [B,H,L,D] queries and keys, got ", queries.sizes(), " and ",
               keys.sizes());
  const int64_t batch = keys.size(0), kv_heads = keys.size(1), head_dim = keys.size(3);
  const int64_t query_heads = queries.size(1);
  MOTLAB_CHECK(queries.size(3) == head_dim && query_heads % kv_heads == 0,
               "think scores: query heads ", query_heads, " must be a multiple of kv heads ",
               kv_heads, " with equal head dims (", queries.size(3), " vs ", head_dim, ")");
  MOTLAB_CHECK(window > 0, "think scores: window must be positive, got ", window);
  const int64_t observed = std::min<int64_t>(window, queries.size(2));
  torch::Tensor q_obs = queries.narrow(2, queries.size(2) - observed, observed).to(torch::kFloat);
  // sum_t q_tj^2 per query head, averaged over the heads of each GQA group: [B, Hkv, D].
  torch::Tensor query_energy =
      q_obs.pow(2).sum(2).reshape({batch, kv_heads, query_heads / kv_heads, head_dim}).mean(2);
  torch::Tensor key_energy = keys.to(torch::kFloat).pow(2).sum(2);  // [B, Hkv, D]
  return (query_energy * key_energy).sqrt();
}

torch::Tensor magnitude_channel_scores(const torch::Tensor& keys, int64_t p) {
  MOTLAB_CHECK(p == 1 || p == 2, "magnitude scores: p must be 1 or 2, got ", p);
  torch::Tensor k = keys.to(torch::kFloat);
  return p == 1 ? k.abs().sum(2) : k.pow(2).sum(2).sqrt();
}

torch::Tensor select_kept_channels(const torch::Tensor& scores, double ratio) {
  const int64_t head_dim = scores.size(-1);
  const int64_t pruned = pruned_channel_count(head_dim, ratio);
  auto long_options = scores.options().dtype(torch::kLong);
  torch::Tensor channel = torch::arange(head_dim, long_options);
  if (pruned == 0) return channel.expand(scores.sizes()).contiguous();
  // The `pruned` lowest scores go (topk smallest, as ThinK's code); the rest stay, ascending.
  torch::Tensor pruned_index = std::get<1>(scores.topk(pruned, -1, /*largest=*/false));
  torch::Tensor is_pruned = torch::zeros(scores.sizes(), long_options);
  is_pruned.scatter_(-1, pruned_index, 1);
  // Sorting by (pruned, channel) lists the kept channels first, in ascending order.
  torch::Tensor order_key = is_pruned * head_dim + channel;
  torch::Tensor sorted = std::get<0>(order_key.sort(-1));
  return sorted.narrow(-1, 0, head_dim - pruned).contiguous();
}

torch::Tensor gather_channels(const torch::Tensor& x, const torch::Tensor& keep_index) {
  torch::Tensor index =
      keep_index.unsqueeze(2).expand({x.size(0), x.size(1), x.size(2), keep_index.size(-1)});
  return x.gather(3, index);
}

torch::Tensor gather_tokens(const torch::Tensor& x, const torch::Tensor& positions) {
  torch::Tensor index =
      positions.unsqueeze(-1).expand({x.size(0), x.size(1), positions.size(-1), x.size(3)});
  return x.gather(2, index);
}

torch::Tensor snapkv_select_tokens(const torch::Tensor& queries, const torch::Tensor& keys,
                                   int64_t window, int64_t capacity, int64_t kernel,
                                   const std::string& pooling) {
  const int64_t batch = keys.size(0), kv_heads = keys.size(1), length = keys.size(2),
                head_dim = keys.size(3);
  const int64_t query_heads = queries.size(1);
  MOTLAB_CHECK(query_heads % kv_heads == 0, "snapkv: query heads ", query_heads,
               " not a multiple of kv heads ", kv_heads);
  MOTLAB_CHECK(window > 0 && capacity > window, "snapkv: capacity (", capacity,
               ") must exceed the window (", window, ") and the window must be positive");
  MOTLAB_CHECK(kernel >= 1 && kernel % 2 == 1, "snapkv: kernel must be odd and >= 1, got ", kernel);
  MOTLAB_CHECK(pooling == "max" || pooling == "avg", "snapkv: pooling must be max or avg, got '",
               pooling, "'");
  auto long_options = keys.options().dtype(torch::kLong);
  if (length < capacity) {
    return torch::arange(length, long_options).expand({batch, kv_heads, length}).contiguous();
  }
  const int64_t group = query_heads / kv_heads;
  torch::Tensor q_obs = queries.narrow(2, length - window, window).to(torch::kFloat);
  // Each query head attends to its own KV head: [B, Hkv, G, W, D] x [B, Hkv, 1, D, L].
  torch::Tensor q = q_obs.reshape({batch, kv_heads, group, window, head_dim});
  torch::Tensor k = keys.to(torch::kFloat).unsqueeze(2);
  torch::Tensor logits = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt((double)head_dim);
  // Causal mask inside the window: window row i (absolute L-W+i) cannot see later positions.
  torch::Tensor rows = torch::arange(length - window, length, long_options).unsqueeze(1);
  torch::Tensor cols = torch::arange(length, long_options).unsqueeze(0);
  logits = logits.masked_fill(cols > rows, -std::numeric_limits<float>::infinity());
  torch::Tensor attention = torch::softmax(logits, -1);
  // Votes for prefix tokens: sum over the window rows; [B, Hkv, G, L-W].
  torch::Tensor votes = attention.narrow(-1, 0, length - window).sum(-2);
  torch::Tensor flat = votes.reshape({batch * kv_heads * group, 1, length - window});
  torch::Tensor pooled =
      pooling == "max" ? torch::max_pool1d(flat, {kernel}, /*stride=*/{1}, /*padding=*/{kernel / 2})
                       : torch::avg_pool1d(flat, {kernel}, /*stride=*/{1}, /*padding=*/{kernel / 2},
                                           /*ceil_mode=*/false, /*count_include_pad=*/true);
  pooled = pooled.reshape({batch, kv_heads, group, length - window}).mean(2);
  torch::Tensor top = std::get<1>(pooled.topk(capacity - window, -1));
  torch::Tensor window_positions =
      torch::arange(length - window, length, long_options).expand({batch, kv_heads, window});
  // Ascending positions: attention is order-free over keys, and ascending order keeps the
  // "most recent tokens last" layout that ThinK's recent window relies on.
  return std::get<0>(torch::cat({top, window_positions}, -1).sort(-1));
}

}  // namespace motlab::kv
