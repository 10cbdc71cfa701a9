#include "tests/support/retrieval_dataset.h"

#include <torch/torch.h>

#include <filesystem>
#include <random>
#include <vector>

#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"

namespace motlab::test {

void write_retrieval_dataset(const std::string& root, const RetrievalDatasetSizes& sizes,
                             uint64_t seed) {
  namespace fs = std::filesystem;
  fs::create_directories(root + "/new_joint_vecs");
  fs::create_directories(root + "/texts_ko");
  const std::vector<std::string> actions{"걷는다",      "달린다",          "점프한다", "앉는다",
                                         "손을 흔든다", "제자리에서 돈다", "기어간다", "춤을 춘다"};
  const std::vector<std::string> speeds{"천천히", "빠르게"};
  const std::vector<std::string> subjects{"사람이", "누군가", "한 남자가"};
  std::mt19937_64 rng(seed);
  torch::manual_seed(static_cast<int64_t>(seed));
  const int64_t block = sizes.nfeats / static_cast<int64_t>(actions.size());
  std::string split_text[3];
  const int64_t total = sizes.train + sizes.val + sizes.test;
  for (int64_t n = 0; n < total; ++n) {
    char id[24];  // any int64 fits
    std::snprintf(id, sizeof(id), "%06lld", static_cast<long long>(n));
    const size_t action = static_cast<size_t>(n) % actions.size();
    const size_t speed = (static_cast<size_t>(n) / actions.size()) % speeds.size();
    const int64_t frames = std::uniform_int_distribution<int64_t>(48, 96)(rng);
    const double frequency = (0.5 + 0.25 * static_cast<double>(action)) * (speed ? 2.0 : 1.0);
    torch::Tensor t = torch::arange(frames, torch::kFloat).unsqueeze(1) / 20.0;  // seconds
    torch::Tensor phase = torch::rand({1, block}) * 6.283;
    torch::Tensor motion = 0.3 * torch::randn({frames, sizes.nfeats});
    motion.narrow(1, static_cast<int64_t>(action) * block, block)
        .add_(torch::sin(6.283 * frequency * t + phase) * 1.5);
    npy::save(root + "/new_joint_vecs/" + std::string(id) + ".npy", motion);
    std::string captions;
    for (int k = 0; k < 2; ++k) {
      const std::string& subject = subjects[std::uniform_int_distribution<size_t>(0, 2)(rng)];
      captions += subject + " " + speeds[speed] + " " + actions[action] + "#" + "#0.0#0.0\n";
    }
    write_file_atomic(root + "/texts_ko/" + std::string(id) + ".txt", captions);
    const int split = n < sizes.train ? 0 : n < sizes.train + sizes.val ? 1 : 2;
    split_text[split] += std::string(id) + "\n";
  }
  npy::save(root + "/Mean.npy", torch::zeros({sizes.nfeats}));
  npy::save(root + "/Std.npy", torch::ones({sizes.nfeats}));
  write_file_atomic(root + "/train.txt", split_text[0]);
  write_file_atomic(root + "/val.txt", split_text[1]);
  write_file_atomic(root + "/test.txt", split_text[2]);
}

}  // namespace motlab::test
