// Explicit key/value cache of a decoder layer, with an optional channel-pruned segment (ThinK).
//
// Token order in `values`: first the N_pruned older tokens whose keys live channel-pruned in
// `pruned_keys` (kept channels `keep_index`), then the N_full tokens whose keys are full width in
// `keys` (the recent window plus everything decoded after pruning).
//   keys        [B, Hkv, N_full, D]    post-RoPE
//   values      [B, Hkv, N_pruned + N_full, D]
//   pruned_keys [B, Hkv, N_pruned, T]  or undefined (no channel pruning)
//   keep_index  [B, Hkv, T] int64, ascending, or undefined
#pragma once
#include <torch/torch.h>

#include <vector>

namespace motlab {

struct LayerKvCache {
  torch::Tensor keys;
  torch::Tensor values;
  torch::Tensor pruned_keys;
  torch::Tensor keep_index;

  bool empty() const { return !values.defined() || values.size(2) == 0; }
  bool has_pruned_segment() const { return pruned_keys.defined() && pruned_keys.size(2) > 0; }
  int64_t length() const { return empty() ? 0 : values.size(2); }
  int64_t pruned_length() const { return has_pruned_segment() ? pruned_keys.size(2) : 0; }

  // Appends full-width keys/values of new tokens: k, v [B, Hkv, L_new, D].
  void append(const torch::Tensor& new_keys, const torch::Tensor& new_values);

  // Scaled-dot-product attention of `queries` [B, Hq, Lq, D] (post-RoPE) over the cache, GQA by
  // grouping (query head h reads KV head h / (Hq/Hkv)). The last Lq cached tokens are the queries'
  // own positions: causal masking hides later ones. The pruned segment's logits use the query
  // gathered at keep_index; the scale stays 1/sqrt(D). Softmax in float32. -> [B, Hq, Lq, D].
  torch::Tensor attend(const torch::Tensor& queries, bool causal = true) const;

  // All keys at full width with pruned channels zeroed (ThinK's "flash" storage form):
  // [B, Hkv, N, D]. Attention over it equals attend() (the two storage forms agree).
  torch::Tensor dense_keys() const;

  // Exact storage in bytes of each part (numel * element size).
  int64_t key_bytes() const;  // full-width keys + pruned keys
  int64_t value_bytes() const;
  int64_t index_bytes() const;  // keep_index
  int64_t bytes() const { return key_bytes() + value_bytes() + index_bytes(); }
};

struct KvCache {
  std::vector<LayerKvCache> layers;
  int64_t bytes() const;
  int64_t key_bytes() const;
  int64_t value_bytes() const;
  int64_t index_bytes() const;
};

}  // namespace motlab
