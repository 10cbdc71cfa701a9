// kv_pruner `none`: the cache stays as prefill left it (the reference for every pruner).
#include "framework/nn/kv_pruner.h"

namespace motlab {
namespace {
class NoPruner : public KvPruner {
 public:
  void compress(LayerKvCache&, const torch::Tensor&, int64_t) override {}
  std::string describe() const override { return "none"; }
};
}  // namespace

MOTLAB_REGISTER(kv_pruner_family, "none", "keep the full KV cache", OptionSchema(),
                [](const Options&, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  return std::make_shared<NoPruner>();
                });
}  // namespace motlab
