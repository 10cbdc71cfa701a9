// Checks of `motlab search` / `motlab score` against what a run's evaluation computed, shared by
// the search tests and the main job's test (PaperTables).
#pragma once
#include <string>
#include <vector>

namespace motlab::test {

// A word for the shell: 'text' with every ' escaped.
std::string shell_quote(const std::string& text);

// The run's saved test set (embeddings/): pair i = caption i and motion ids[i].
struct TestPairs {
  std::vector<std::string> ids, captions;
};
TestPairs read_test_pairs(const std::string& run_dir);

// `motlab index` over the test split, then `motlab search --json` of the first `queries` test
// captions against it: each caption's own motion is at the rank protocol (a) gives it (1 + the
// 0-indexed rank ground_truth_ranks() computes from the saved embeddings). Returns the number
// of queries compared (all of them unless ranks tie).
int expect_search_ranks_match_protocol_a(const std::string& run_dir, int queries);

// `motlab score` of the first `pairs` test captions with their motions' 263-d features equals the
// cosine of the saved embeddings within 1e-5.
void expect_score_matches_similarity(const std::string& run_dir, int pairs);

}  // namespace motlab::test
