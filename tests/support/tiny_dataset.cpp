#include "tests/support/tiny_dataset.h"

#include <torch/torch.h>

#include <filesystem>

#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"

namespace motlab::test {

void write_tiny_dataset(const std::string& root) {
  namespace fs = std::filesystem;
  fs::create_directories(root + "/new_joint_vecs");
  fs::create_directories(root + "/new_joints");
  fs::create_directories(root + "/texts");
  const std::vector<std::string> ids{"000001", "000002", "000003", "M000001", "000004", "000005"};
  torch::manual_seed(0);
  for (size_t k = 0; k < ids.size(); ++k) {
    const int64_t frames = 60 + 10 * static_cast<int64_t>(k);
    motlab::npy::save(root + "/new_joint_vecs/" + ids[k] + ".npy", torch::randn({frames, 263}));
    motlab::npy::save(root + "/new_joints/" + ids[k] + ".npy", torch::randn({frames, 22, 3}));
    write_file_atomic(root + "/texts/" + ids[k] + ".txt",
                      "a person walks forward#a/DET person/NOUN walk/VERB#0.0#0.0\n"
                      "someone jumps twice#someone/PRON jump/VERB#0.5#2.0\n");
  }
  motlab::npy::save(root + "/Mean.npy", torch::zeros({263}));
  motlab::npy::save(root + "/Std.npy", torch::ones({263}));
  write_file_atomic(root + "/train.txt", "000001\nM000001\n000002\n");
  write_file_atomic(root + "/val.txt", "000003\n");
  write_file_atomic(root + "/test.txt", "000004\n000005\n");
}

}  // namespace motlab::test
