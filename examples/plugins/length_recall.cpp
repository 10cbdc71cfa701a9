// protocol `length_recall`: text-to-motion and motion-to-text recall per motion-length bucket.
// Ranks are taken against the whole test set; a bucket keeps the queries whose ground-truth
// motion (t2m) or whose own motion (m2t) has a length in [lo, hi) frames. Metrics:
// "<entry>/f<lo>_<hi>/<t2m|m2t>/<R01..R10|MedR|len>".
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"

namespace my_plugins {
using namespace motlab;
using namespace motlab::eval;

namespace {
struct LengthRecallSettings {
  std::vector<int64_t> edges = {40, 80, 120, 160, 197};
};

SettingsSchema<LengthRecallSettings> length_recall_settings() {
  using S = LengthRecallSettings;
  return SettingsSchema<S>()
      .option("edges", &S::edges, "bucket edges in frames (20 fps: 2 s, 4 s, 6 s, 8 s, 9.85 s)")
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.edges.size() >= 2, where("edges"), ": needs at least two edges");
        for (size_t k = 1; k < s.edges.size(); ++k)
          MOTLAB_CHECK(s.edges[k] > s.edges[k - 1], where("edges"), ": edges must increase");
      });
}

class LengthRecall : public EvalProtocol {
 public:
  explicit LengthRecall(std::vector<int64_t> edges) : edges_(std::move(edges)) {}

  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    MOTLAB_CHECK(in.frames.size() == in.ids.size(), "protocol 'length_recall' needs each ",
                 "motion's length (embeddings/test_frames.txt, written by task=train)");
    const torch::Tensor sim = cosine_similarity_matrix(in.text, in.motion);
    const std::vector<double> t2m = ground_truth_ranks(sim);
    const std::vector<double> m2t = ground_truth_ranks(sim.t());
    std::map<std::string, double> out;
    for (size_t b = 0; b + 1 < edges_.size(); ++b) {
      std::vector<double> t2m_ranks, m2t_ranks;
      for (size_t k = 0; k < in.frames.size(); ++k) {
        if (in.frames[k] < edges_[b] || in.frames[k] >= edges_[b + 1]) continue;
        t2m_ranks.push_back(t2m[k]);
        m2t_ranks.push_back(m2t[k]);
      }
      RetrievalMetrics metrics;
      metrics.t2m = rounded(recall_from_ranks(t2m_ranks));
      metrics.m2t = rounded(recall_from_ranks(m2t_ranks));
      const std::string bucket =
          "f" + std::to_string(edges_[b]) + "_" + std::to_string(edges_[b + 1]) + "/";
      for (const auto& kv : metrics.flat(bucket)) out.insert(kv);
    }
    return out;
  }

 private:
  std::vector<int64_t> edges_;
};

}  // namespace

MOTLAB_REGISTER(protocol_family, "length_recall",
                "recall per motion-length bucket, ranked against the whole test set",
                length_recall_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  return std::make_shared<LengthRecall>(length_recall_settings().read(o).edges);
                });

}  // namespace my_plugins
