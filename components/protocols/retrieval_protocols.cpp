// The paper's protocols (a)-(d) from TMR's retrieval.py and (e) from the paper, as components:
//   all            every test pair
//   threshold      a retrieved item is also correct when its caption is near-identical
//   dissimilar     100 pairs with far-apart captions (a given id list, or farthest-point)
//   small_batches  shuffled batches of 32 (numpy seed 0), metrics averaged over batches
//   long           only pairs whose caption has at least N words (one block per N)
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "framework/core/error.h"
#include "framework/data/humanml3d.h"
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"
#include "framework/io/atomic_file.h"

namespace motlab::eval {
namespace {

torch::Tensor similarity(const EvalInputs& in) {
  return cosine_similarity_matrix(in.text, in.motion);
}

torch::Tensor subset(const torch::Tensor& matrix, const std::vector<int64_t>& index) {
  torch::Tensor idx = torch::tensor(index, torch::kLong);
  return matrix.index_select(0, idx).index_select(1, idx);
}

class AllPairs : public EvalProtocol {
 public:
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    return retrieval_metrics(similarity(in)).flat("all/");
  }
};

class Thresholded : public EvalProtocol {
 public:
  explicit Thresholded(double threshold) : threshold_(threshold) {}
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    MOTLAB_CHECK(in.caption_similarity.defined(),
                 "protocol 'threshold' needs caption similarities (configure a text_similarity)");
    return retrieval_metrics(similarity(in), in.caption_similarity, threshold_).flat("threshold/");
  }

 private:
  double threshold_;
};

class Dissimilar : public EvalProtocol {
 public:
  Dissimilar(int64_t count, std::string id_file) : count_(count), id_file_(std::move(id_file)) {}
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    std::vector<int64_t> chosen = choose(in);
    if (!in.out_dir.empty()) {
      std::string text;
      for (int64_t k : chosen) text += in.ids[k] + "\n";
      write_file_atomic(in.out_dir + "/dissimilar_ids.txt", text);
    }
    torch::Tensor sim = similarity(in);
    return retrieval_metrics(subset(sim, chosen)).flat("dissimilar/");
  }

 private:
  std::vector<int64_t> choose(const EvalInputs& in) const {
    std::string file = id_file_;
    if (file.empty() && !in.id_list_dir.empty() &&
        std::filesystem::exists(in.id_list_dir + "/nsim_test.txt"))
      file = in.id_list_dir + "/nsim_test.txt";
    if (!file.empty()) {
      std::map<std::string, int64_t> position;
      for (size_t k = 0; k < in.ids.size(); ++k) position[in.ids[k]] = static_cast<int64_t>(k);
      std::vector<int64_t> chosen;
      for (const auto& id : humanml3d::read_split(file)) {
        auto it = position.find(id);
        MOTLAB_CHECK(it != position.end(), file, ": id '", id, "' is not in the evaluated set");
        chosen.push_back(it->second);
      }
      return chosen;
    }
    // Greedy farthest-point on caption similarity: start from the caption least similar to
    // all others on average; repeatedly add the one whose closest chosen caption is farthest.
    MOTLAB_CHECK(in.caption_similarity.defined(),
                 "protocol 'dissimilar': no id list and no caption similarity to select pairs");
    const int64_t n = static_cast<int64_t>(in.ids.size());
    MOTLAB_CHECK(n >= count_, "protocol 'dissimilar': ", count_, " pairs requested, only ", n,
                 " in the set");
    torch::Tensor s = in.caption_similarity.to(torch::kCPU, torch::kFloat64);
    std::vector<int64_t> chosen{s.mean(1).argmin().item<int64_t>()};
    torch::Tensor closest = s[chosen[0]].clone();
    std::vector<bool> taken(n, false);
    taken[chosen[0]] = true;
    while (static_cast<int64_t>(chosen.size()) < count_) {
      int64_t best = -1;
      double best_value = 0;
      auto values = closest.accessor<double, 1>();
      for (int64_t j = 0; j < n; ++j) {
        if (taken[j]) continue;
        if (best < 0 || values[j] < best_value) {
          best = j;
          best_value = values[j];
        }
      }
      chosen.push_back(best);
      taken[best] = true;
      closest = torch::maximum(closest, s[best]);
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
  }
  int64_t count_;
  std::string id_file_;
};

class SmallBatches : public EvalProtocol {
 public:
  SmallBatches(int64_t batch_size, uint32_t seed) : batch_size_(batch_size), seed_(seed) {}
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    // TMR: keyids sorted, np.random.seed(0), shuffle, batches of 32, remainder dropped.
    const int64_t n = static_cast<int64_t>(in.ids.size());
    std::vector<int64_t> sorted(n);
    std::iota(sorted.begin(), sorted.end(), 0);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](int64_t a, int64_t b) { return in.ids[a] < in.ids[b]; });
    std::vector<int64_t> order = numpy_legacy_permutation(n, seed_);
    const int64_t batches = n / batch_size_;
    MOTLAB_CHECK(batches > 0, "protocol 'small_batches': ", n, " pairs, fewer than one batch of ",
                 batch_size_);
    torch::Tensor sim = similarity(in);
    std::map<std::string, double> sum;
    for (int64_t b = 0; b < batches; ++b) {
      std::vector<int64_t> index;
      for (int64_t k = b * batch_size_; k < (b + 1) * batch_size_; ++k)
        index.push_back(sorted[order[k]]);
      for (const auto& [key, value] : retrieval_metrics(subset(sim, index), {}, std::nullopt,
                                                        /*round=*/false)
                                          .flat("small_batches/"))
        sum[key] += value;
    }
    std::map<std::string, double> out;
    for (const auto& [key, value] : sum) {
      const double mean = value / static_cast<double>(batches);
      out[key] = key.size() > 4 && key.compare(key.size() - 4, 4, "/len") == 0
                     ? mean
                     : round_like_python(mean, 2);
    }
    out["small_batches/batches"] = static_cast<double>(batches);
    return out;
  }

 private:
  int64_t batch_size_;
  uint32_t seed_;
};

class LongCaptions : public EvalProtocol {
 public:
  explicit LongCaptions(std::vector<int64_t> minimum_words)
      : minimum_words_(std::move(minimum_words)) {}
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    torch::Tensor sim = similarity(in);
    std::map<std::string, double> out;
    for (int64_t words : minimum_words_) {
      std::vector<int64_t> index;
      for (size_t k = 0; k < in.captions.size(); ++k)
        if (word_count(in.captions[k]) >= words) index.push_back(static_cast<int64_t>(k));
      const std::string prefix = "long" + std::to_string(words) + "/";
      if (index.empty()) {  // an empty subset has len 0 and no metric values (NaN -> null)
        RetrievalMetrics empty;
        empty.t2m = recall_from_ranks({});
        empty.m2t = empty.t2m;
        for (const auto& kv : empty.flat(prefix)) out.insert(kv);
        continue;
      }
      for (const auto& kv : retrieval_metrics(subset(sim, index)).flat(prefix)) out.insert(kv);
    }
    return out;
  }

 private:
  std::vector<int64_t> minimum_words_;
};

}  // namespace

MOTLAB_REGISTER(eval_protocol_family, "all", "(a) every test pair",
                [](const Config& node, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  Options(node, "protocol 'all'").finish();
                  return std::make_shared<AllPairs>();
                });
MOTLAB_REGISTER(eval_protocol_family, "threshold",
                "(b) near-identical captions also count as correct (t on the (cos+1)/2 scale)",
                [](const Config& node, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  Options options(node, "protocol 'threshold'");
                  double threshold = options.get<double>("threshold", 0.98);
                  options.finish();
                  MOTLAB_CHECK(threshold >= 0 && threshold <= 1, node.describe(),
                               ": threshold must be in [0, 1]");
                  return std::make_shared<Thresholded>(threshold);
                });
MOTLAB_REGISTER(eval_protocol_family, "dissimilar",
                "(c) 100 pairs with dissimilar captions (id list or farthest-point selection)",
                [](const Config& node, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  Options options(node, "protocol 'dissimilar'");
                  int64_t count = options.get<int64_t>("count", 100);
                  std::string ids = options.get<std::string>("ids_file", "");
                  options.finish();
                  return std::make_shared<Dissimilar>(count, ids);
                });
MOTLAB_REGISTER(eval_protocol_family, "small_batches",
                "(d) shuffled batches of 32 (numpy seed 0), metrics averaged over batches",
                [](const Config& node, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  Options options(node, "protocol 'small_batches'");
                  int64_t batch = options.get<int64_t>("batch_size", 32);
                  int64_t seed = options.get<int64_t>("seed", 0);
                  options.finish();
                  MOTLAB_CHECK(batch > 0 && seed >= 0, node.describe(),
                               ": batch_size must be > 0 and seed >= 0");
                  return std::make_shared<SmallBatches>(batch, static_cast<uint32_t>(seed));
                });
MOTLAB_REGISTER(eval_protocol_family, "long",
                "(e) only pairs whose caption has at least N words (a block per N)",
                [](const Config& node, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  Options options(node, "protocol 'long'");
                  auto words = options.get<std::vector<int64_t>>("min_words", {15, 20});
                  options.finish();
                  return std::make_shared<LongCaptions>(words);
                });

}  // namespace motlab::eval
