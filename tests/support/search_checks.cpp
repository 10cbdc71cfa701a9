#include "tests/support/search_checks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/config/config.h"
#include "framework/data/npy.h"
#include "framework/eval/retrieval_metrics.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"

namespace motlab::test {
namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TestPairs read_test_pairs(const std::string& run_dir) {
  TestPairs pairs;
  pairs.ids = read_lines(run_dir + "/embeddings/test_ids.txt");
  pairs.captions = read_lines(run_dir + "/embeddings/test_captions.txt");
  EXPECT_EQ(pairs.ids.size(), pairs.captions.size()) << run_dir;
  return pairs;
}

int expect_search_ranks_match_protocol_a(const std::string& run_dir, int queries) {
  const std::string motlab = motlab_executable();
  std::string out;
  EXPECT_EQ(run_command(motlab + " index " + run_dir + " --splits test", &out), 0) << out;
  const TestPairs pairs = read_test_pairs(run_dir);
  const torch::Tensor sim =
      eval::cosine_similarity_matrix(npy::load(run_dir + "/embeddings/test_text.npy"),
                                     npy::load(run_dir + "/embeddings/test_motion.npy"));
  const std::vector<double> ranks = eval::ground_truth_ranks(sim);
  const int n = std::min<int>(queries, static_cast<int>(pairs.captions.size()));
  const std::string file = temp_dir("search_queries") + "/queries.txt";
  {
    std::ofstream q(file);
    for (int i = 0; i < n; ++i) q << pairs.captions[i] << "\n";
  }
  const int64_t motions = sim.size(1);
  EXPECT_EQ(run_command("(" + motlab + " search " + run_dir + " --splits test --json -k " +
                            std::to_string(motions) + " --queries " + file + " 2>/dev/null)",
                        &out),
            0)
      << out;
  nlohmann::json results;
  try {
    results = nlohmann::json::parse(out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "motlab search --json printed no JSON: " << e.what() << "\n" << out;
    return 0;
  }
  EXPECT_EQ(results.size(), static_cast<size_t>(n));
  int compared = 0;
  for (int i = 0; i < n && i < static_cast<int>(results.size()); ++i) {
    const auto& hits = results[i]["results"];
    EXPECT_EQ(hits.size(), static_cast<size_t>(motions)) << "query " << i;
    int64_t rank = -1;
    for (size_t j = 0; j < hits.size(); ++j) {
      if (j > 0) {
        EXPECT_LE(hits[j]["score"].get<double>(), hits[j - 1]["score"].get<double>());
      }
      if (hits[j]["id"] == pairs.ids[i]) rank = hits[j]["rank"].get<int64_t>();
    }
    if (ranks[i] != std::floor(ranks[i])) continue;  // a tie: protocol (a) averages positions
    EXPECT_EQ(rank, static_cast<int64_t>(ranks[i]) + 1)
        << "query " << i << " '" << pairs.captions[i] << "' (motion " << pairs.ids[i] << ")";
    ++compared;
  }
  return compared;
}

void expect_score_matches_similarity(const std::string& run_dir, int pairs_to_check) {
  const TestPairs pairs = read_test_pairs(run_dir);
  const torch::Tensor sim =
      eval::cosine_similarity_matrix(npy::load(run_dir + "/embeddings/test_text.npy"),
                                     npy::load(run_dir + "/embeddings/test_motion.npy"));
  const Config config = Config::from_yaml_file(run_dir + "/config_resolved.yaml");
  const std::string features =
      config.get<std::string>("data.root") + "/" + config.get<std::string>("data.motion_dir");
  for (int i = 0; i < pairs_to_check && i < static_cast<int>(pairs.ids.size()); ++i) {
    std::string out;
    ASSERT_EQ(run_command("(cd " + binary_dir() + " && " + motlab_executable() + " score " +
                              run_dir + " --text " + shell_quote(pairs.captions[i]) + " --motion " +
                              features + "/" + pairs.ids[i] + ".npy 2>/dev/null)",
                          &out),
              0)
        << out;
    EXPECT_NEAR(std::stod(out), sim[i][i].item<double>(), 1e-5)
        << "pair " << i << " '" << pairs.captions[i] << "' / " << pairs.ids[i];
  }
}

}  // namespace motlab::test
