// kv_pruner `l2`: query-agnostic key-channel pruning by ||K[:,j]||_2 over the cached tokens,
// stored like ThinK (the baseline ThinK's query-driven score is compared with).
#include "framework/nn/kv_pruner.h"

namespace motlab {
MOTLAB_REGISTER(kv_pruner_family, "l2", "key-channel pruning by L2 magnitude (query-agnostic)",
                magnitude_pruner_option_schema(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<KvPruner> {
                  return make_magnitude_pruner(2, o);
                });
}  // namespace motlab
