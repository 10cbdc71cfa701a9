// protocol `small_batches`: (d) TMR's batches of 32: keyids sorted, np.random.seed(0) shuffle,
// remainder dropped, metrics averaged over the batches.
#include <algorithm>
#include <numeric>

#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"

namespace motlab::eval {
namespace {
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
                OptionSchema()
                    .option<int64_t>("batch_size", 32, "pairs per batch (the remainder is dropped)")
                    .option<int64_t>("seed", 0, "numpy legacy seed of the shuffle"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  const int64_t batch = o.get<int64_t>("batch_size");
                  const int64_t seed = o.get<int64_t>("seed");
                  MOTLAB_CHECK(batch > 0, o.describe("batch_size"), ": must be > 0, got ", batch);
                  MOTLAB_CHECK(seed >= 0 && seed <= 0xffffffffLL, o.describe("seed"),
                               ": must be in [0, 2^32), got ", seed);
                  return std::make_shared<SmallBatches>(batch, static_cast<uint32_t>(seed));
                });
}  // namespace motlab::eval
