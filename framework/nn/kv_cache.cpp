#include "framework/nn/kv_cache.h"

#include <cmath>
#include <limits>

#include "framework/core/error.h"

namespace motlab {
namespace {
int64_t tensor_bytes(const torch::Tensor& t) {
  return t.defined() ? t.numel() * static_cast<int64_t>(t.element_size()) : 0;
}
}  // namespace

void LayerKvCache::append(const torch::Tensor& new_keys, const torch::Tensor& new_values) {
  MOTLAB_CHECK(
      new_keys.dim() == 4 && new_values.dim() == 4 && new_keys.sizes() == new_values.sizes(),
      "kv cache append: keys ", new_keys.sizes(), " and values ", new_values.sizes(),
      " must both be [B, Hkv, L, D]");
  if (!values.defined()) {
    keys = new_keys;
    values = new_values;
    return;
  }
  keys = keys.defined() ? torch::cat({keys, new_keys}, 2) : new_keys;
  values = torch::cat({values, new_values}, 2);
}

torch::Tensor LayerKvCache::attend(const torch::Tensor& queries, bool causal) const {
  MOTLAB_CHECK(!empty(), "kv cache attend: the cache is empty");
  const int64_t batch = queries.size(0), query_heads = queries.size(1), lq = queries.size(2),
                head_dim = queries.size(3);
  const int64_t kv_heads = values.size(1);
  MOTLAB_CHECK(query_heads % kv_heads == 0, "kv cache attend: ", query_heads,
               " query heads are not a multiple of ", kv_heads, " kv heads");
  const int64_t group = query_heads / kv_heads;
  const int64_t total = length();
  MOTLAB_CHECK(lq <= total, "kv cache attend: ", lq, " queries but only ", total, " cached tokens");
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
  // [B, Hkv, G, Lq, D]: query heads of one group share their KV head.
  torch::Tensor q = queries.reshape({batch, kv_heads, group, lq, head_dim});
  std::vector<torch::Tensor> logit_parts;
  if (has_pruned_segment()) {
    const int64_t kept = keep_index.size(-1);
    torch::Tensor index =
        keep_index.unsqueeze(2).unsqueeze(3).expand({batch, kv_heads, group, lq, kept});
    torch::Tensor q_kept = q.gather(4, index);  // [B, Hkv, G, Lq, T]
    logit_parts.push_back(torch::matmul(q_kept, pruned_keys.unsqueeze(2).transpose(-1, -2)));
  }
  if (keys.defined() && keys.size(2) > 0)
    logit_parts.push_back(torch::matmul(q, keys.unsqueeze(2).transpose(-1, -2)));
  torch::Tensor logits = torch::cat(logit_parts, -1).to(torch::kFloat) * scale;  // [.., Lq, N]
  if (causal && lq > 1) {
    auto long_options = queries.options().dtype(torch::kLong);
    torch::Tensor rows = torch::arange(total - lq, total, long_options).unsqueeze(1);
    torch::Tensor cols = torch::arange(total, long_options).unsqueeze(0);
    logits = logits.masked_fill(cols > rows, -std::numeric_limits<float>::infinity());
  }
  torch::Tensor weights = torch::softmax(logits, -1).to(values.scalar_type());
  torch::Tensor out = torch::matmul(weights, values.unsqueeze(2));  // [B, Hkv, G, Lq, D]
  return out.reshape({batch, query_heads, lq, head_dim});
}

torch::Tensor LayerKvCache::dense_keys() const {
  if (!has_pruned_segment()) return keys;
  const int64_t head_dim = values.size(3);
  torch::Tensor older =
      torch::zeros({pruned_keys.size(0), pruned_keys.size(1), pruned_keys.size(2), head_dim},
                   pruned_keys.options());
  torch::Tensor index = keep_index.unsqueeze(2).expand_as(pruned_keys);
  older.scatter_(3, index, pruned_keys);
  return keys.defined() && keys.size(2) > 0 ? torch::cat({older, keys}, 2) : older;
}

int64_t LayerKvCache::key_bytes() const { return tensor_bytes(keys) + tensor_bytes(pruned_keys); }
int64_t LayerKvCache::value_bytes() const { return tensor_bytes(values); }
int64_t LayerKvCache::index_bytes() const { return tensor_bytes(keep_index); }

int64_t KvCache::bytes() const { return key_bytes() + value_bytes() + index_bytes(); }
int64_t KvCache::key_bytes() const {
  int64_t sum = 0;
  for (const auto& layer : layers) sum += layer.key_bytes();
  return sum;
}
int64_t KvCache::value_bytes() const {
  int64_t sum = 0;
  for (const auto& layer : layers) sum += layer.value_bytes();
  return sum;
}
int64_t KvCache::index_bytes() const {
  int64_t sum = 0;
  for (const auto& layer : layers) sum += layer.index_bytes();
  return sum;
}

}  // namespace motlab
