#include "framework/nn/kv_pruner.h"

#include "framework/nn/kv_pruning.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(kv_pruner_family, KvPruner, "kv_pruner", "kv_pruner",
                     "KV-cache compression of the sLLM text encoder after prefill")

namespace kv {

void prune_key_channels(LayerKvCache& layer, const torch::Tensor& keep_index, int64_t recent) {
  MOTLAB_CHECK(!layer.has_pruned_segment(), "kv cache: keys are already channel-pruned");
  MOTLAB_CHECK(recent >= 0, "kv cache: recent window must be >= 0, got ", recent);
  const int64_t length = layer.keys.size(2);
  const int64_t older = std::max<int64_t>(0, length - recent);
  // Nothing to prune when every token is recent or every channel is kept (lambda = 0): the cache
  // stays exactly as it was, so outputs are bit-identical to no pruner.
  if (older == 0 || keep_index.size(-1) == layer.keys.size(3)) return;
  layer.pruned_keys = gather_channels(layer.keys.narrow(2, 0, older), keep_index).contiguous();
  layer.keep_index = keep_index.contiguous();
  layer.keys = layer.keys.narrow(2, older, length - older).contiguous();
}

void evict_tokens(LayerKvCache& layer, const torch::Tensor& positions) {
  MOTLAB_CHECK(!layer.has_pruned_segment(), "kv cache: evict tokens before pruning channels");
  layer.keys = gather_tokens(layer.keys, positions).contiguous();
  layer.values = gather_tokens(layer.values, positions).contiguous();
}

}  // namespace kv
}  // namespace motlab
