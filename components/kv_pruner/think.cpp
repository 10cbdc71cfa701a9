// kv_pruner `think`: ThinK's query-driven key-channel pruning (Xu et al., ICLR 2025), per KV head
// (GQA-aware, kvpress form). Scores ||Q_obs[:,j]|| * ||K[:,j]|| from the last `window` post-RoPE
// prefill queries and all cached keys; prunes floor(lambda*D) channels of all but the `recent`
// most recent tokens.
#include "framework/config/settings.h"
#include "framework/nn/kv_pruner.h"
#include "framework/nn/kv_pruning.h"

namespace motlab {
namespace {
struct ThinkPrunerSettings {
  double ratio = 0.4;
  int64_t window = 32;
  int64_t recent = 32;
};

SettingsSchema<ThinkPrunerSettings> think_pruner_settings() {
  using S = ThinkPrunerSettings;
  return SettingsSchema<S>()
      .option("ratio", &S::ratio, "lambda: floor(lambda * D) key channels pruned")
      .option("window", &S::window, "observation window: last prefill queries (ThinK: 32)",
              above(0))
      .option("recent", &S::recent, "most recent tokens kept at full width", at_least(0));
}

class ThinkPruner : public KvPruner {
 public:
  explicit ThinkPruner(const ThinkPrunerSettings& s)
      : ratio_(s.ratio), window_(s.window), recent_(s.recent) {
    kv::pruned_channel_count(128, ratio_);  // validates the range: [0, 1)
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
                think_pruner_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  return std::make_shared<ThinkPruner>(think_pruner_settings().read(o));
                });
}  // namespace motlab
