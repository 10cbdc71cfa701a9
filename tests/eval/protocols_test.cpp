// Retrieval metrics and protocols (a)-(e) on hand-made similarity matrices, checked against
// values computed by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "framework/config/config.h"
#include "framework/core/error.h"
#include "framework/eval/caption_similarity.h"
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"
#include "framework/io/atomic_file.h"
#include "framework/io/safetensors.h"
#include "tests/support/paths.h"

using namespace motlab::eval;

namespace {
// t2m ranks (0-indexed, ties averaged): row 0 -> 0; row 1 -> 1.5 (0.8 above, 0.5 tied twice);
// row 2 -> 3; row 3 -> 0. m2t (columns): 0.5 (tie 0.9/0.9), 1, 3, 0.
torch::Tensor hand_matrix() {
  return torch::tensor({{0.9f, 0.1f, 0.2f, 0.3f},
                        {0.8f, 0.5f, 0.5f, 0.1f},
                        {0.9f, 0.8f, 0.1f, 0.7f},
                        {0.1f, 0.2f, 0.3f, 0.95f}});
}

// Protocols as a run lists them (entry name -> node), through the one evaluation path.
std::map<std::string, double> evaluate(const std::string& protocols_yaml, const EvalInputs& in) {
  return run_protocols(motlab::Config::from_yaml_string(protocols_yaml, "protocols.yaml"), in,
                       motlab::BuildContext{});
}

EvalInputs identical_pairs(int64_t n) {
  EvalInputs in;
  in.text = torch::eye(n);
  in.motion = torch::eye(n);
  for (int64_t k = 0; k < n; ++k) {
    char id[16];
    std::snprintf(id, sizeof(id), "%06lld", static_cast<long long>(k));
    in.ids.push_back(id);
    in.captions.push_back("caption " + std::to_string(k));
  }
  return in;
}
}  // namespace

TEST(RetrievalMetrics, TiesAreAveraged) {
  EXPECT_EQ(ground_truth_ranks(hand_matrix()), (std::vector<double>{0, 1.5, 3, 0}));
  EXPECT_EQ(ground_truth_ranks(hand_matrix().t()), (std::vector<double>{0.5, 1, 3, 0}));
  RetrievalMetrics m = retrieval_metrics(hand_matrix());
  EXPECT_DOUBLE_EQ(m.t2m.r1, 50);
  EXPECT_DOUBLE_EQ(m.t2m.r2, 75);
  EXPECT_DOUBLE_EQ(m.t2m.r3, 75);
  EXPECT_DOUBLE_EQ(m.t2m.r5, 100);
  EXPECT_DOUBLE_EQ(m.t2m.medr, 1.75);  // median(0, 0, 1.5, 3) + 1
  EXPECT_DOUBLE_EQ(m.m2t.r1, 50);      // ranks 0.5 and 0 are < 1
  EXPECT_DOUBLE_EQ(m.m2t.r2, 75);
  EXPECT_DOUBLE_EQ(m.m2t.medr, 1.75);  // median(0, 0.5, 1, 3) + 1
  EXPECT_EQ(m.t2m.len, 4);
}

TEST(RetrievalMetrics, ThresholdTakesTheBestAcceptableItem) {
  // Captions 1 and 2 are near-identical (0.99 > 2 * 0.98 - 1 = 0.96): for text 2 the motion 1
  // (similarity 0.8, rank 1) is acceptable, so its rank drops from 3 to 1. Row 1's best
  // acceptable item is itself or motion 2 (both 0.5): rank stays 1.5.
  torch::Tensor captions = torch::eye(4);
  captions[1][2] = captions[2][1] = 0.99f;
  captions[0][3] = captions[3][0] = 0.95f;  // 0.95 < 0.96: not acceptable
  EXPECT_EQ(ground_truth_ranks(hand_matrix(), captions, 0.98), (std::vector<double>{0, 1.5, 1, 0}));
  RetrievalMetrics m = retrieval_metrics(hand_matrix(), captions, 0.98);
  EXPECT_DOUBLE_EQ(m.t2m.r2, 100);
  EXPECT_DOUBLE_EQ(m.t2m.medr, 1.5);  // median(0, 0, 1, 1.5) + 1
  // m2t (columns): motion 1's acceptable texts are 1 and 2; text 2 scores 0.8, the column's
  // best, so rank 0 (was 1). Motion 2's acceptable text 1 scores 0.5, its column's best: rank 0
  // (was 3). Motion 0 keeps its tie (0.5), motion 3 its rank 0.
  EXPECT_EQ(ground_truth_ranks(hand_matrix().t(), captions.t(), 0.98),
            (std::vector<double>{0.5, 0, 0, 0}));
}

TEST(RetrievalMetrics, PythonRounding) {
  EXPECT_DOUBLE_EQ(round_like_python(0.125, 2), 0.12);  // exact tie: half-even
  EXPECT_DOUBLE_EQ(round_like_python(0.375, 2), 0.38);
  EXPECT_DOUBLE_EQ(round_like_python(33.333333, 2), 33.33);
  EXPECT_DOUBLE_EQ(round_like_python(1.015, 2), 1.01);  // 1.015 is 1.01499999... in binary
}

TEST(Protocols, AllAndThresholdBlocks) {
  EvalInputs in = identical_pairs(5);
  auto all = evaluate("{all: {_target_: all}}", in);
  EXPECT_DOUBLE_EQ(all.at("all/t2m/R01"), 100);
  EXPECT_DOUBLE_EQ(all.at("all/m2t/MedR"), 1);
  EXPECT_DOUBLE_EQ(all.at("all/t2m/len"), 5);
  // Without caption similarities the error names the entry and what to do.
  try {
    evaluate("{b: {_target_: threshold}}", in);
    FAIL() << "threshold ran without caption similarities";
  } catch (const motlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("protocol 'b' (threshold) needs caption similarities"),
              std::string::npos)
        << e.what();
  }
  in.caption_similarity = torch::eye(5);
  EXPECT_DOUBLE_EQ(
      evaluate("{threshold: {_target_: threshold, threshold: 0.95}}", in).at("threshold/t2m/R01"),
      100);
}

TEST(Protocols, EveryEntryKeepsItsOwnMetrics) {
  // Two thresholds side by side (TMR's 0.95 and the paper's 0.98), and a switched-off entry.
  EvalInputs in = identical_pairs(4);
  in.text = torch::tensor({{1.0f, 0.0f}, {0.9f, 0.1f}, {0.0f, 1.0f}, {0.1f, 0.9f}});
  in.motion = torch::tensor({{0.9f, 0.1f}, {1.0f, 0.0f}, {0.1f, 0.9f}, {0.0f, 1.0f}});
  // Captions 0/1 and 2/3 are near-identical: cosine 0.94 -> (0.94 + 1) / 2 = 0.97.
  in.caption_similarity = torch::tensor({{1.0f, 0.94f, 0.0f, 0.0f},
                                         {0.94f, 1.0f, 0.0f, 0.0f},
                                         {0.0f, 0.0f, 1.0f, 0.94f},
                                         {0.0f, 0.0f, 0.94f, 1.0f}});
  auto m = evaluate(
      "{tmr: {_target_: threshold, threshold: 0.95}, paper: {_target_: threshold}, off: null}", in);
  EXPECT_DOUBLE_EQ(m.at("tmr/t2m/R01"), 100);  // 0.97 > 0.95: the near-identical pair counts
  EXPECT_DOUBLE_EQ(m.at("paper/t2m/R01"), 0);  // 0.97 < 0.98: every query's best is the other
  EXPECT_EQ(m.count("off/t2m/R01"), 0u);
}

TEST(Protocols, SmallBatchesDropTheRemainderAndAverage) {
  EXPECT_EQ(
      numpy_legacy_permutation(10, 0),
      (std::vector<int64_t>{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}));  // np.random.seed(0); permutation(10)
  // np.random.seed(0); idx = np.arange(70); np.random.shuffle(idx); idx[:8] (real numpy output)
  std::vector<int64_t> seventy = numpy_legacy_permutation(70, 0);
  EXPECT_EQ(std::vector<int64_t>(seventy.begin(), seventy.begin() + 8),
            (std::vector<int64_t>{26, 27, 48, 22, 30, 51, 7, 59}));
  EvalInputs in = identical_pairs(70);  // 2 batches of 32, 6 pairs dropped
  auto m = evaluate("{small_batches: {_target_: small_batches}}", in);
  EXPECT_DOUBLE_EQ(m.at("small_batches/batches"), 2);
  EXPECT_DOUBLE_EQ(m.at("small_batches/t2m/len"), 32);
  EXPECT_DOUBLE_EQ(m.at("small_batches/t2m/R01"), 100);
  // In the first batch, motion b becomes a copy of motion a. Text a then ties motions a and b
  // (rank 0.5), text b matches nothing (all 32 similarities 0: rank 15.5); motion b's best text
  // is text a, so its ground truth text b ranks 1 + 15 = 16. Batch 0: 31 of 32 correct at every
  // k; batch 1: all correct. Mean R@k = (96.875 + 100) / 2 = 98.4375 -> 98.44; MedR stays 1.
  std::vector<int64_t> order = numpy_legacy_permutation(70, 0);
  const int64_t a = order[0], b = order[1];  // ids are sorted already, so both are in batch 0
  in.motion[b] = in.motion[a];
  auto tied = evaluate("{small_batches: {_target_: small_batches}}", in);
  for (const char* key : {"small_batches/t2m/R01", "small_batches/t2m/R10", "small_batches/m2t/R01",
                          "small_batches/m2t/R05"})
    EXPECT_DOUBLE_EQ(tied.at(key), 98.44) << key;
  EXPECT_DOUBLE_EQ(tied.at("small_batches/t2m/MedR"), 1.0);
}

TEST(Protocols, LongCaptionsIncludingAnEmptySubset) {
  EvalInputs in = identical_pairs(4);
  auto words = [](int n) {
    std::string s;
    for (int k = 0; k < n; ++k) s += (k ? " " : "") + std::string("단어");
    return s;
  };
  in.captions = {words(3), words(15), words(20), words(16)};
  auto m = evaluate(
      "{long15: {_target_: long}, long20: {_target_: long, min_words: 20}, "
      "long30: {_target_: long, min_words: 30}}",
      in);
  EXPECT_DOUBLE_EQ(m.at("long15/t2m/len"), 3);
  EXPECT_DOUBLE_EQ(m.at("long20/t2m/len"), 1);
  EXPECT_DOUBLE_EQ(m.at("long30/t2m/len"), 0);
  EXPECT_TRUE(std::isnan(m.at("long30/t2m/R01")));
  EXPECT_EQ(word_count("  사람이   앞으로\t걷는다 "), 3);
}

TEST(Protocols, DissimilarFromAnIdListOrFarthestPoint) {
  EvalInputs in = identical_pairs(4);
  in.caption_similarity = torch::tensor({{1.0f, 0.9f, 0.1f, 0.5f},
                                         {0.9f, 1.0f, 0.2f, 0.4f},
                                         {0.1f, 0.2f, 1.0f, 0.3f},
                                         {0.5f, 0.4f, 0.3f, 1.0f}});
  in.out_dir = motlab::test::temp_dir("dissimilar");
  // Row means 0.625, 0.625, 0.4, 0.55: start at 2; the caption farthest from it is 0 (0.1).
  auto m = evaluate("{dissimilar: {_target_: dissimilar, count: 2}}", in);
  EXPECT_DOUBLE_EQ(m.at("dissimilar/t2m/len"), 2);
  EXPECT_EQ(motlab::read_file(in.out_dir + "/dissimilar_ids.txt"), "000000\n000002\n");
  motlab::write_file_atomic(in.out_dir + "/nsim_test.txt", "000003\n000001\n000000\n");
  in.id_list_dir = in.out_dir;
  auto listed = evaluate("{dissimilar: {_target_: dissimilar, count: 100}}", in);
  EXPECT_DOUBLE_EQ(listed.at("dissimilar/t2m/len"), 3);
  motlab::write_file_atomic(in.out_dir + "/nsim_test.txt", "999999\n");
  EXPECT_THROW(evaluate("{dissimilar: {_target_: dissimilar}}", in), motlab::Error);
}

namespace {
// A similarity model that counts how often it is asked: rows are fixed unit vectors per caption.
class CountingSimilarity : public motlab::TextSimilarity {
 public:
  torch::Tensor embed(const std::vector<std::string>& sentences) override {
    ++calls;
    std::vector<torch::Tensor> rows;
    for (const auto& s : sentences) {
      const float a = static_cast<float>(s.size());
      torch::Tensor r = torch::tensor({a, 1.0f, static_cast<float>(s[0])});
      rows.push_back(r / r.norm());
    }
    return torch::stack(rows);
  }
  std::string fingerprint() const override { return "counting"; }
  int calls = 0;
};
}  // namespace

TEST(CaptionSimilarity, PairwiseMatrixIsCachedPerModelAndCaptionList) {
  const std::string dir = motlab::test::temp_dir("caption_similarity_cache");
  CountingSimilarity model;
  const std::vector<std::string> captions = {"aa", "b", "cccc", "aa"};
  CaptionSimilarity first = pairwise_caption_similarity(model, captions, dir);
  torch::Tensor e = model.embed(captions);
  EXPECT_TRUE(torch::allclose(first.matrix, torch::matmul(e, e.t()), 0, 1e-6));
  EXPECT_FALSE(first.from_disk);
  EXPECT_TRUE(motlab::file_exists(first.file));
  model.calls = 0;
  CaptionSimilarity second = pairwise_caption_similarity(model, captions, dir);
  EXPECT_TRUE(second.from_disk);
  EXPECT_EQ(model.calls, 0);
  EXPECT_TRUE(torch::equal(second.matrix, first.matrix));
  // Another caption order is another matrix and another file.
  CaptionSimilarity reordered = pairwise_caption_similarity(model, {"b", "aa", "cccc", "aa"}, dir);
  EXPECT_FALSE(reordered.from_disk);
  EXPECT_NE(reordered.file, first.file);
  EXPECT_FLOAT_EQ(reordered.matrix[0][1].item<float>(), first.matrix[1][0].item<float>());
  // No cache directory: computed, nothing written.
  CaptionSimilarity uncached = pairwise_caption_similarity(model, captions, "");
  EXPECT_TRUE(uncached.file.empty());
  EXPECT_TRUE(torch::equal(uncached.matrix, first.matrix));
  // A cache file of the wrong shape is an error naming the file, not a silent wrong matrix.
  motlab::io::save_safetensors(first.file, {{"similarity", torch::zeros({3, 3})}});
  try {
    pairwise_caption_similarity(model, captions, dir);
    FAIL() << "a mis-shaped cache file was accepted";
  } catch (const motlab::Error& err) {
    const std::string what = err.what();
    EXPECT_NE(what.find(first.file), std::string::npos) << what;
    EXPECT_NE(what.find("[4, 4]"), std::string::npos) << what;
  }
}
