// Retrieval metrics exactly as TMR computes them (Mathux/TMR src/model/metrics.py,
// contrastive_metrics with break_ties="averaging"): 0-indexed rank of the ground truth in the
// ascending sort of -similarity, tied positions averaged; R@k = 100 * mean(rank < k);
// MedR = median(rank) + 1. With a caption-similarity matrix and threshold t, any item whose
// caption cosine with the query's caption exceeds 2t - 1 is acceptable and the best-ranked
// acceptable item counts as the ground truth.
#pragma once
#include <torch/torch.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace motlab::eval {

// 0-indexed, tie-averaged rank of each query's ground truth. sim [N, N] (rows = queries).
std::vector<double> ground_truth_ranks(const torch::Tensor& sim,
                                       const torch::Tensor& caption_similarity = {},
                                       std::optional<double> threshold = std::nullopt);

struct Recall {
  double r1 = 0, r2 = 0, r3 = 0, r5 = 0, r10 = 0, medr = 0;
  int64_t len = 0;
};

Recall recall_from_ranks(const std::vector<double>& ranks);
// Python's round(x, digits): round-half-even on the exact binary value.
double round_like_python(double value, int digits);
Recall rounded(const Recall& r, int digits = 2);

// Both directions: t2m on sim, m2t on sim^T (the same caption matrix decides correctness).
struct RetrievalMetrics {
  Recall t2m, m2t;
  // Flat keys "<prefix>t2m/R01" ... "<prefix>m2t/MedR", "<prefix>t2m/len".
  std::map<std::string, double> flat(const std::string& prefix) const;
};
RetrievalMetrics retrieval_metrics(const torch::Tensor& sim,
                                   const torch::Tensor& caption_similarity = {},
                                   std::optional<double> threshold = std::nullopt,
                                   bool round = true);

// Cosine similarity of text [N, E] and motion [N, E] embeddings: [N, N], rows = texts.
torch::Tensor cosine_similarity_matrix(const torch::Tensor& text, const torch::Tensor& motion);

// a [N, D] @ b^T [D, M] -> [N, M], on one BLAS thread for CPU tensors, so the result is the same
// at every thread count (see cosine_similarity_matrix).
torch::Tensor single_threaded_matmul_t(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace motlab::eval
