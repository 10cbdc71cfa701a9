// kv_pruner `think`: ThinK's query-driven key-channel pruning (Xu et al., ICLR 2025), per KV head
// (GQA-aware, kvpress form). Scores ||Q_obs[:,j]|| * ||K[:,j]|| from the last `window` post-RoPE
// prefill queries and all cached keys; prunes floor(lambda*D) channels of all but the `recent`
// most recent tokens.
#include "framework/nn/kv_pruner.h"
#include "framework/nn/kv_pruning.h"

namespace motlab {
namespace {
class ThinkPruner : public KvPruner {
 public:
  ThinkPruner(double ratio, int64_t window, int64_t recent)
      : ratio_(ratio), window_(window), recent_(recent) {
    kv::pruned_channel_count(128, ratio_);  // validates the range
    MOTLAB_CHECK(window_ > 0 && recent_ >= 0,
                 "kv_pruner 'think': window must be > 0 and recent >= 0");
  }
  void compress(LayerKvCache& layer, const torch::Tensor& prefill_queries, int64_t) override {
    torch::Tensor scores = kv::think_channel_scores(prefill_queries, layer.keys, window_);
    kv::prune_key_channels(layer, kv::select_kept_channels(scores, ratio_), recent_);
  }
  std::string describe() const override {
    return "think(lambda=" + std::to_string(ratio_) + ", window=" + std::to_string(window_) +
           ", recent=" + std::to_string(recent_) + ")";
  }

 private:
  double ratio_;
  int64_t window_, recent_;
};
}  // namespace

MOTLAB_REGISTER(kv_pruner_family, "think", "ThinK query-driven key-channel pruning",
                OptionSchema()
                    .option<double>("ratio", 0.4, "lambda: floor(lambda * D) key channels pruned")
                    .option<int64_t>("window", 32,
                                     "observation window: last prefill queries (ThinK: 32)")
                    .option<int64_t>("recent", 32, "most recent tokens kept at full width"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  return std::make_shared<ThinkPruner>(
                      o.get<double>("ratio"), o.get<int64_t>("window"), o.get<int64_t>("recent"));
                });
}  // namespace motlab
