// protocol `dissimilar`: (c) a subset of pairs whose captions are far apart: an id list (the
// option, else the dataset's nsim_test.txt), else greedy farthest-point on caption similarity.
#include <algorithm>
#include <filesystem>

#include "framework/config/settings.h"
#include "framework/data/humanml3d.h"
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"
#include "framework/io/atomic_file.h"

namespace motlab::eval {
namespace {
struct DissimilarSettings {
  int64_t count = 100;
  std::string ids_file;
};

SettingsSchema<DissimilarSettings> dissimilar_settings() {
  using S = DissimilarSettings;
  return SettingsSchema<S>()
      .option("count", &S::count, "pairs chosen by farthest-point selection", above(0))
      .option("ids_file", &S::ids_file,
              "id list to evaluate (empty: the dataset's nsim_test.txt, else farthest-point)");
}

class Dissimilar : public EvalProtocol {
 public:
  Dissimilar(int64_t count, std::string id_file) : count_(count), id_file_(std::move(id_file)) {}

  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    std::vector<int64_t> chosen = choose(in);
    if (!in.out_dir.empty()) {
      std::string text;
      for (int64_t k : chosen) text += in.ids[k] + "\n";
      write_file_atomic(
          in.out_dir + "/" + (in.entry.empty() ? "dissimilar" : in.entry) + "_ids.txt", text);
    }
    return retrieval_metrics(submatrix(cosine_similarity_matrix(in.text, in.motion), chosen))
        .flat("");
  }
  bool needs_caption_similarity(const EvalInputs& in) const override { return id_list(in).empty(); }

 private:
  std::string id_list(const EvalInputs& in) const {
    if (!id_file_.empty()) return id_file_;
    if (!in.id_list_dir.empty() && std::filesystem::exists(in.id_list_dir + "/nsim_test.txt"))
      return in.id_list_dir + "/nsim_test.txt";
    return "";
  }

  std::vector<int64_t> choose(const EvalInputs& in) const {
    const std::string file = id_list(in);
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
}  // namespace

MOTLAB_REGISTER(protocol_family, "dissimilar",
                "(c) pairs with dissimilar captions (id list or farthest-point selection)",
                dissimilar_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  const DissimilarSettings s = dissimilar_settings().read(o);
                  return std::make_shared<Dissimilar>(s.count, s.ids_file);
                });
}  // namespace motlab::eval
