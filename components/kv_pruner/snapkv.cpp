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

MOTLAB_REGISTER(
    kv_pruner_family, "snapkv",
    "SnapKV token eviction, optionally followed by ThinK (then_think: true)",
    [] {
      const SnapKvSettings d;
      return OptionSchema()
          .option<int64_t>("window", d.window, "observation window (last queries)")
          .option<int64_t>("capacity", d.capacity,
                           "max_capacity_prompt: shorter prompts are not evicted")
          .option<int64_t>("kernel", d.kernel, "pooling kernel over the votes")
          .option<std::string>("pooling", d.pooling, "max | avg")
          .option<bool>("then_think", false, "ThinK channel pruning after eviction")
          .option<double>("ratio", 0.4, "ThinK's lambda (with then_think)")
          .option<int64_t>("recent", 32, "ThinK's full-width recent tokens");
    }(),
    [](const Options& options, const BuildContext&) -> std::shared_ptr<KvPruner> {
      SnapKvSettings snap;
      snap.window = options.get<int64_t>("window");
      snap.capacity = options.get<int64_t>("capacity");
      snap.kernel = options.get<int64_t>("kernel");
      snap.pooling = options.get<std::string>("pooling");
      const bool then_think = options.get<bool>("then_think");
      const double ratio = options.get<double>("ratio");
      const int64_t recent = options.get<int64_t>("recent");
      return std::make_shared<SnapKvPruner>(snap, then_think, ratio, recent);
    });
}  // namespace motlab
