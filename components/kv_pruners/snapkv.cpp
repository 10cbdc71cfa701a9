// kv_pruner `snapkv`: SnapKV token eviction at prefill (observation-window attention votes,
// pooled), optionally followed by ThinK channel pruning of the kept keys (`then_think`), which is
// the composition the ThinK code evaluates. Per KV head: votes are averaged over each GQA group.
#include "framework/nn/kv_pruner.h"
#include "framework/nn/kv_pruning.h"

namespace motlab {
namespace {
struct SnapKvSettings {
  int64_t window = 32, capacity = 512, kernel = 7;
  std::string pooling = "max";
};

class SnapKvPruner : public KvPruner {
 public:
  SnapKvPruner(SnapKvSettings snap, bool then_think, double ratio, int64_t recent)
      : snap_(std::move(snap)), then_think_(then_think), ratio_(ratio), recent_(recent) {
    if (then_think_) kv::pruned_channel_count(128, ratio_);  // validates the range
  }
  void compress(LayerKvCache& layer, const torch::Tensor& prefill_queries, int64_t) override {
    torch::Tensor kept = kv::snapkv_select_tokens(prefill_queries, layer.keys, snap_.window,
                                                  snap_.capacity, snap_.kernel, snap_.pooling);
    if (kept.size(-1) < layer.keys.size(2)) kv::evict_tokens(layer, kept);
    if (!then_think_) return;
    torch::Tensor scores = kv::think_channel_scores(prefill_queries, layer.keys, snap_.window);
    kv::prune_key_channels(layer, kv::select_kept_channels(scores, ratio_), recent_);
  }
  std::string describe() const override {
    std::string text = "snapkv(window=" + std::to_string(snap_.window) +
                       ", capacity=" + std::to_string(snap_.capacity) +
                       ", kernel=" + std::to_string(snap_.kernel) + ", " + snap_.pooling + ")";
    if (then_think_) text += "+think(lambda=" + std::to_string(ratio_) + ")";
    return text;
  }

 private:
  SnapKvSettings snap_;
  bool then_think_;
  double ratio_;
  int64_t recent_;
};
}  // namespace

MOTLAB_REGISTER(kv_pruner_family, "snapkv",
                "SnapKV token eviction, optionally followed by ThinK (then_think: true)",
                [](const Config& node, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  Options options(node, "kv_pruner 'snapkv'");
                  SnapKvSettings snap;
                  snap.window = options.get<int64_t>("window", 32);
                  snap.capacity = options.get<int64_t>("capacity", 512);
                  snap.kernel = options.get<int64_t>("kernel", 7);
                  snap.pooling = options.get<std::string>("pooling", "max");
                  bool then_think = options.get<bool>("then_think", false);
                  double ratio = options.get<double>("ratio", 0.4);
                  int64_t recent = options.get<int64_t>("recent", 32);
                  options.finish();
                  return std::make_shared<SnapKvPruner>(snap, then_think, ratio, recent);
                });
}  // namespace motlab
