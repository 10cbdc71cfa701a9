// kv_pruner `snapkv`: SnapKV token eviction at prefill (observation-window attention votes,
// pooled), optionally followed by ThinK channel pruning of the kept keys (`then_think`), which is
// the composition the ThinK code evaluates. Per KV head: votes are averaged over each GQA group.
#include "framework/config/settings.h"
#include "framework/nn/kv_pruner.h"
#include "framework/nn/kv_pruning.h"

namespace motlab {
namespace {
struct SnapKvSettings {
  int64_t window = 32, capacity = 512, kernel = 7;
  std::string pooling = "max";
  bool then_think = false;
  double ratio = 0.4;  // ThinK's lambda (with then_think)
  int64_t recent = 32;
};

SettingsSchema<SnapKvSettings> snapkv_settings() {
  using S = SnapKvSettings;
  return SettingsSchema<S>()
      .option("window", &S::window, "observation window (last queries)")
      .option("capacity", &S::capacity, "max_capacity_prompt: shorter prompts are not evicted")
      .option("kernel", &S::kernel, "pooling kernel over the votes")
      .choice("pooling", &S::pooling, {"max", "avg"}, "pooling of the votes")
      .option("then_think", &S::then_think, "ThinK channel pruning after eviction")
      .option("ratio", &S::ratio, "ThinK's lambda (with then_think)")
      .option("recent", &S::recent, "ThinK's full-width recent tokens");
}

class SnapKvPruner : public KvPruner {
 public:
  explicit SnapKvPruner(SnapKvSettings snap) : snap_(std::move(snap)) {
    if (snap_.then_think) kv::pruned_channel_count(128, snap_.ratio);  // validates the range
  }
  void compress(LayerKvCache& layer, const torch::Tensor& prefill_queries, int64_t) override {
    torch::Tensor kept = kv::snapkv_select_tokens(prefill_queries, layer.keys, snap_.window,
                                                  snap_.capacity, snap_.kernel, snap_.pooling);
    if (kept.size(-1) < layer.keys.size(2)) kv::evict_tokens(layer, kept);
    if (!snap_.then_think) return;
    torch::Tensor scores = kv::think_channel_scores(prefill_queries, layer.keys, snap_.window);
    kv::prune_key_channels(layer, kv::select_kept_channels(scores, snap_.ratio), snap_.recent);
  }
  std::string describe() const override {
    std::string text = "snapkv(window=" + std::to_string(snap_.window) +
                       ", capacity=" + std::to_string(snap_.capacity) +
                       ", kernel=" + std::to_string(snap_.kernel) + ", " + snap_.pooling + ")";
    if (snap_.then_think) text += "+think(lambda=" + std::to_string(snap_.ratio) + ")";
    return text;
  }

 private:
  SnapKvSettings snap_;
};
}  // namespace

MOTLAB_REGISTER(kv_pruner_family, "snapkv",
                "SnapKV token eviction, optionally followed by ThinK (then_think: true)",
                snapkv_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  return std::make_shared<SnapKvPruner>(snapkv_settings().read(o));
                });
}  // namespace motlab
