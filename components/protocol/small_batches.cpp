// protocol `small_batches`: (d) TMR's batches of 32: keyids sorted, np.random.seed(0) shuffle,
// remainder dropped, metrics averaged over the batches.
#include <algorithm>
#include <numeric>

#include "framework/config/settings.h"
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"

namespace motlab::eval {
namespace {
struct SmallBatchesSettings {
  int64_t batch_size = 32;
  int64_t seed = 0;  // a uint32 numpy seed
};

SettingsSchema<SmallBatchesSettings> small_batches_settings() {
  using S = SmallBatchesSettings;
  return SettingsSchema<S>()
      .option("batch_size", &S::batch_size, "pairs per batch (the remainder is dropped)", above(0))
      .option("seed", &S::seed, "numpy legacy seed of the shuffle", between(0, 0xffffffffLL));
}

class SmallBatches : public EvalProtocol {
 public:
  SmallBatches(int64_t batch_size, uint32_t seed) : batch_size_(batch_size), seed_(seed) {}
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    const int64_t n = static_cast<int64_t>(in.ids.size());
    std::vector<int64_t> sorted(n);
    std::iota(sorted.begin(), sorted.end(), 0);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](int64_t a, int64_t b) { return in.ids[a] < in.ids[b]; });
    std::vector<int64_t> order = numpy_legacy_permutation(n, seed_);
    const int64_t batches = n / batch_size_;
    MOTLAB_CHECK(batches > 0, "protocol 'small_batches': ", n, " pairs, fewer than one batch of ",
                 batch_size_);
    torch::Tensor sim = cosine_similarity_matrix(in.text, in.motion);
    std::map<std::string, double> sum;
    for (int64_t b = 0; b < batches; ++b) {
      std::vector<int64_t> index;
      for (int64_t k = b * batch_size_; k < (b + 1) * batch_size_; ++k)
        index.push_back(sorted[order[k]]);
      for (const auto& [key, value] :
           retrieval_metrics(submatrix(sim, index), {}, std::nullopt, /*round=*/false).flat(""))
        sum[key] += value;
    }
    std::map<std::string, double> out;
    for (const auto& [key, value] : sum) {
      const double mean = value / static_cast<double>(batches);
      out[key] = key.size() > 4 && key.compare(key.size() - 4, 4, "/len") == 0
                     ? mean
                     : round_like_python(mean, 2);
    }
    out["batches"] = static_cast<double>(batches);
    return out;
  }

 private:
  int64_t batch_size_;
  uint32_t seed_;
};
}  // namespace

MOTLAB_REGISTER(protocol_family, "small_batches",
                "(d) shuffled batches of 32 (numpy seed 0), metrics averaged over batches",
                small_batches_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  const SmallBatchesSettings s = small_batches_settings().read(o);
                  return std::make_shared<SmallBatches>(s.batch_size,
                                                        static_cast<uint32_t>(s.seed));
                });
}  // namespace motlab::eval
