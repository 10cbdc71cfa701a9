// A learnable HumanML3D-layout dataset for training tests: 16 motion classes (8 actions x 2
// speeds), each a class-specific oscillation on its own block of feature channels plus noise,
// with Korean captions naming the action and the speed ("사람이 천천히 걷는다"). A retrieval model
// that learns the classes reaches R@10 far above chance; one that learns nothing stays at chance.
#pragma once
#include <cstdint>
#include <string>

namespace motlab::test {
struct RetrievalDatasetSizes {
  int64_t train = 384, val = 64, test = 64;
  int64_t nfeats = 263;
};
void write_retrieval_dataset(const std::string& root, const RetrievalDatasetSizes& sizes = {},
                             uint64_t seed = 7);
}  // namespace motlab::test
