// kv_pruner `l2`: query-agnostic key-channel pruning by ||K[:,j]||_2 over the cached tokens, stored
// like ThinK (the baseline ThinK's query-driven score is compared with).
#include "framework/nn/kv_pruner.h"
#include "framework/nn/kv_pruning.h"

namespace motlab {
namespace {
class L2Pruner : public KvPruner {
 public:
  L2Pruner(double ratio, int64_t recent) : ratio_(ratio), recent_(recent) {
    kv::pruned_channel_count(128, ratio_);  // validates the range
  }
  void compress(LayerKvCache& layer, const torch::Tensor&, int64_t) override {
    torch::Tensor scores = kv::magnitude_channel_scores(layer.keys, 2);
    kv::prune_key_channels(layer, kv::select_kept_channels(scores, ratio_), recent_);
  }
  std::string describe() const override {
    return "l2(lambda=" + std::to_string(ratio_) + ", recent=" + std::to_string(recent_) + ")";
  }

 private:
  double ratio_;
  int64_t recent_;
};
}  // namespace

MOTLAB_REGISTER(kv_pruner_family, "l2", "key-channel pruning by L2 magnitude (query-agnostic)",
                [](const Config& node, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  Options options(node, "kv_pruner 'l2'");
                  double ratio = options.get<double>("ratio", 0.4);
                  int64_t recent = options.get<int64_t>("recent", 32);
                  options.finish();
                  return std::make_shared<L2Pruner>(ratio, recent);
                });
}  // namespace motlab
