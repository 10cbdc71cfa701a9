// kv_pruner `l1` and `l2`: query-agnostic key-channel pruning by ||K[:, j]||_p over the cached
// tokens (p = 1 or 2), stored like ThinK: the baselines ThinK's query-driven score is compared
// with. One component with two keys, since they differ only in p.
#include "framework/config/settings.h"
#include "framework/nn/kv_pruner.h"
#include "framework/nn/kv_pruning.h"

namespace motlab {
namespace {
struct MagnitudePrunerSettings {
  double ratio = 0.4;
  int64_t recent = 32;
};

SettingsSchema<MagnitudePrunerSettings> magnitude_pruner_settings() {
  using S = MagnitudePrunerSettings;
  return SettingsSchema<S>()
      .option("ratio", &S::ratio, "lambda: floor(lambda * D) key channels pruned")
      .option("recent", &S::recent, "most recent tokens kept at full width", at_least(0));
}

class MagnitudePruner : public KvPruner {
 public:
  MagnitudePruner(int64_t p, const MagnitudePrunerSettings& s)
      : p_(p), ratio_(s.ratio), recent_(s.recent) {
    kv::pruned_channel_count(128, ratio_);  // validates the range: [0, 1)
  }
  void compress(LayerKvCache& layer, const torch::Tensor&, int64_t) override {
    torch::Tensor scores = kv::magnitude_channel_scores(layer.keys, p_);
    kv::prune_key_channels(layer, kv::select_kept_channels(scores, ratio_), recent_);
  }
  std::string describe() const override {
    return "l" + std::to_string(p_) + "(lambda=" + std::to_string(ratio_) +
           ", recent=" + std::to_string(recent_) + ")";
  }

 private:
  int64_t p_;
  double ratio_;
  int64_t recent_;
};
}  // namespace

MOTLAB_REGISTER(kv_pruner_family, "l1", "key-channel pruning by L1 magnitude (query-agnostic)",
                magnitude_pruner_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  return std::make_shared<MagnitudePruner>(1, magnitude_pruner_settings().read(o));
                });
MOTLAB_REGISTER(kv_pruner_family, "l2", "key-channel pruning by L2 magnitude (query-agnostic)",
                magnitude_pruner_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  return std::make_shared<MagnitudePruner>(2, magnitude_pruner_settings().read(o));
                });
}  // namespace motlab
