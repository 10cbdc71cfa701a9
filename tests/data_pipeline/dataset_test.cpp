#include "framework/data/dataset.h"

#include <gtest/gtest.h>

#include <set>

#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/tiny_dataset.h"

using motlab::data::DatasetSettings;
using motlab::data::MotionTextDataset;

namespace {
DatasetSettings options_for(const std::string& root, const std::string& split) {
  DatasetSettings options;
  options.layout.root = root;
  options.split = split;
  return options;
}
}  // namespace

TEST(Dataset, NormalisesAndServesTheFirstCaptionForEvaluation) {
  const std::string root = motlab::test::temp_dir("dataset_norm");
  motlab::test::write_tiny_dataset(root);
  motlab::npy::save(root + "/Mean.npy", torch::full({263}, 2.0f));
  motlab::npy::save(root + "/Std.npy", torch::full({263}, 4.0f));
  MotionTextDataset test(options_for(root, "test"));
  ASSERT_EQ(test.size(), 2u);
  motlab::data::Sample s = test.get(0);
  torch::Tensor raw = motlab::npy::load(root + "/new_joint_vecs/000004.npy");
  EXPECT_TRUE(torch::allclose(s.motion, (raw - 2.0f) / (4.0f + 1e-12f)));
  EXPECT_EQ(s.caption, "a person walks forward");
  EXPECT_EQ(test.eval_captions(),
            (std::vector<std::string>{"a person walks forward", "a person walks forward"}));
}

TEST(Dataset, LengthFilterAndSubSegments) {
  const std::string root = motlab::test::temp_dir("dataset_filter");
  motlab::test::write_tiny_dataset(root);
  // 000002 (70 frames): the 0.5-2.0 s segment is frames 10..40 = 30 frames < 40: filtered in
  // train, so only the whole-motion caption remains usable.
  DatasetSettings options = options_for(root, "train");
  options.sample_caption = true;
  MotionTextDataset train(options);
  std::mt19937_64 rng(1);
  for (int k = 0; k < 20; ++k) EXPECT_EQ(train.get(2, &rng).caption, "a person walks forward");
  // With a lower minimum the sub-segment is served, cropped to its frames.
  options.min_frames = 10;
  MotionTextDataset relaxed(options);
  bool saw_segment = false;
  for (int k = 0; k < 50; ++k) {
    motlab::data::Sample s = relaxed.get(2, &rng);
    if (s.caption == "someone jumps twice") {
      saw_segment = true;
      EXPECT_EQ(s.motion.size(0), 30);
    } else {
      EXPECT_EQ(s.motion.size(0), 70);
    }
  }
  EXPECT_TRUE(saw_segment);
  // A motion longer than max_frames is dropped from train but kept in test (as TMR).
  motlab::npy::save(root + "/new_joint_vecs/000004.npy", torch::zeros({250, 263}));
  EXPECT_EQ(MotionTextDataset(options_for(root, "test")).size(), 2u);
  motlab::write_file_atomic(root + "/train.txt", "000001\n000004\n");
  EXPECT_EQ(MotionTextDataset(options_for(root, "train")).size(), 1u);
}

TEST(Dataset, CollatePadsAndMasks) {
  std::vector<motlab::data::Sample> samples{{"a", torch::ones({3, 263}), "x"},
                                            {"b", torch::ones({5, 263}), "y"}};
  motlab::MotionBatch batch = motlab::data::collate(samples, torch::kCPU);
  EXPECT_EQ(batch.features.sizes(), (std::vector<int64_t>{2, 5, 263}));
  EXPECT_EQ(batch.mask.sum().item<int64_t>(), 8);
  EXPECT_FALSE(batch.mask[0][3].item<bool>());
  EXPECT_EQ(batch.features[0][4].abs().sum().item<float>(), 0.0f);
  EXPECT_EQ(batch.lengths[1].item<int64_t>(), 5);
}

TEST(Resample, LinearUpAdaptivePoolingDown) {
  torch::Tensor two = torch::tensor({0.0f, 1.0f}).unsqueeze(1);
  torch::Tensor up = motlab::data::resample_frames(two, 4);
  // align_corners=false: source positions -0.25, 0.25, 0.75, 1.25 clamp to [0, 1].
  EXPECT_TRUE(torch::allclose(up.squeeze(1), torch::tensor({0.0f, 0.25f, 0.75f, 1.0f})));
  torch::Tensor four = torch::arange(4, torch::kFloat).unsqueeze(1);
  torch::Tensor down = motlab::data::resample_frames(four, 2);
  EXPECT_TRUE(torch::allclose(down.squeeze(1), torch::tensor({0.5f, 2.5f})));
  torch::Tensor five = torch::arange(5, torch::kFloat).unsqueeze(1);
  // adaptive pooling to 2: windows [0,3) and [2,5) -> 1 and 3.
  EXPECT_TRUE(torch::allclose(motlab::data::resample_frames(five, 2).squeeze(1),
                              torch::tensor({1.0f, 3.0f})));
  EXPECT_TRUE(torch::equal(motlab::data::resample_frames(four, 4), four));
}

TEST(BatchLoader, DeterministicPerSeedAndEpoch) {
  const std::string root = motlab::test::temp_dir("loader");
  motlab::test::write_tiny_dataset(root);
  motlab::write_file_atomic(root + "/train.txt", "000001\nM000001\n000002\n000003\n000004\n");
  DatasetSettings options = options_for(root, "train");
  options.sample_caption = true;
  options.min_frames = 10;
  MotionTextDataset train(options);
  auto epoch_ids = [&](uint64_t seed, int64_t epoch, bool drop_last) {
    motlab::data::BatchLoader loader(train, 2, true, drop_last, seed);
    loader.start_epoch(epoch);
    std::vector<std::string> ids;
    motlab::data::Batch batch;
    while (loader.next(&batch)) {
      for (size_t k = 0; k < batch.captions.size(); ++k)
        ids.push_back(batch.motions.ids[k] + "|" + batch.captions[k]);
    }
    return ids;
  };
  std::vector<std::string> a = epoch_ids(7, 0, false);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a, epoch_ids(7, 0, false));
  EXPECT_NE(a, epoch_ids(7, 1, false));
  EXPECT_EQ(epoch_ids(7, 0, true).size(), 4u);  // remainder dropped
  std::set<std::string> motions;
  for (const auto& s : a) motions.insert(s.substr(0, s.find('|')));
  EXPECT_EQ(motions.size(), 5u);
}
