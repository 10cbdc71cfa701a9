// The kv_pruner family: compresses a decoder layer's KV cache once, right after prefill (ThinK
// and SnapKV prune at prefill only; decoded tokens are appended full width).
#pragma once
#include <memory>
#include <string>

#include "framework/model/interfaces.h"
#include "framework/nn/kv_cache.h"

namespace motlab {

class KvPruner {
 public:
  virtual ~KvPruner() = default;
  // layer: the cache right after prefill (full width, no pruned segment yet);
  // prefill_queries: that layer's post-RoPE prefill queries [B, Hq, L, D].
  virtual void compress(LayerKvCache& layer, const torch::Tensor& prefill_queries,
                        int64_t layer_index) = 0;
  virtual std::string describe() const = 0;  // e.g. "think(lambda=0.5, window=32, recent=32)"
};

MOTLAB_DECLARE_FAMILY(kv_pruner_family, KvPruner)

namespace kv {
// Stores tokens [0, N - recent) of the layer's full-width keys channel-pruned at keep_index
// [B, Hkv, T]; the last `recent` tokens stay full width. Values are untouched.
void prune_key_channels(LayerKvCache& layer, const torch::Tensor& keep_index, int64_t recent);
// Keeps only the token positions [B, Hkv, K] (ascending) of keys and values (no pruned segment).
void evict_tokens(LayerKvCache& layer, const torch::Tensor& positions);
}  // namespace kv

}  // namespace motlab
