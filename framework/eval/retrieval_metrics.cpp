#include "framework/eval/retrieval_metrics.h"

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "framework/core/error.h"

namespace motlab::eval {

std::vector<double> ground_truth_ranks(const torch::Tensor& sim,
                                       const torch::Tensor& caption_similarity,
                                       std::optional<double> threshold) {
  MOTLAB_CHECK(sim.dim() == 2 && sim.size(0) == sim.size(1),
               "retrieval metrics: the similarity matrix must be square, got ", sim.sizes());
  const int64_t n = sim.size(0);
  // TMR works on float32 numpy arrays: distances are -sim in float32.
  torch::Tensor distances = (-sim.detach().to(torch::kCPU, torch::kFloat32)).contiguous();
  const float* d = distances.data_ptr<float>();
  const bool thresholded = caption_similarity.defined() && threshold.has_value();
  torch::Tensor captions;
  const float* c = nullptr;
  if (thresholded) {
    MOTLAB_CHECK(caption_similarity.sizes() == sim.sizes(),
                 "retrieval metrics: caption similarity ", caption_similarity.sizes(),
                 " does not match ", sim.sizes());
    captions = caption_similarity.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    c = captions.data_ptr<float>();
  }
  const float real_threshold = thresholded ? static_cast<float>(2.0 * *threshold - 1.0) : 0.f;
  std::vector<double> ranks(n);
  for (int64_t i = 0; i < n; ++i) {
    const float* row = d + i * n;
    float gt = row[i];
    if (thresholded) {
      // Best (smallest distance) among acceptable items; the diagonal (cosine 1) is one of them.
      for (int64_t j = 0; j < n; ++j)
        if (c[i * n + j] > real_threshold) gt = std::min(gt, row[j]);
    }
    int64_t below = 0, equal = 0;
    for (int64_t j = 0; j < n; ++j) {
      below += row[j] < gt;
      equal += row[j] == gt;
    }
    MOTLAB_CHECK(equal > 0, "retrieval metrics: NaN in the similarity matrix (row ", i, ")");
    ranks[i] = static_cast<double>(below) + static_cast<double>(equal - 1) / 2.0;
  }
  return ranks;
}

Recall recall_from_ranks(const std::vector<double>& ranks) {
  Recall r;
  r.len = static_cast<int64_t>(ranks.size());
  if (ranks.empty()) {
    const double nan = std::nan("");
    r.r1 = r.r2 = r.r3 = r.r5 = r.r10 = r.medr = nan;
    return r;
  }
  auto recall = [&](int k) {
    int64_t hits = 0;
    for (double rank : ranks) hits += rank < k;
    return 100.0 * static_cast<double>(hits) / static_cast<double>(ranks.size());
  };
  r.r1 = recall(1);
  r.r2 = recall(2);
  r.r3 = recall(3);
  r.r5 = recall(5);
  r.r10 = recall(10);
  std::vector<double> sorted = ranks;
  std::sort(sorted.begin(), sorted.end());
  const size_t m = sorted.size();
  const double median = m % 2 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2.0;
  r.medr = median + 1.0;
  return r;
}

double round_like_python(double value, int digits) {
  if (!std::isfinite(value)) return value;
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);  // exact value, half-even
  return std::strtod(buffer, nullptr);
}

Recall rounded(const Recall& r, int digits) {
  Recall out = r;
  for (double* v : {&out.r1, &out.r2, &out.r3, &out.r5, &out.r10, &out.medr})
    *v = round_like_python(*v, digits);
  return out;
}

std::map<std::string, double> RetrievalMetrics::flat(const std::string& prefix) const {
  std::map<std::string, double> out;
  for (const auto& [direction, r] : {std::pair<std::string, Recall>{"t2m", t2m}, {"m2t", m2t}}) {
    const std::string p = prefix + direction + "/";
    out[p + "R01"] = r.r1;
    out[p + "R02"] = r.r2;
    out[p + "R03"] = r.r3;
    out[p + "R05"] = r.r5;
    out[p + "R10"] = r.r10;
    out[p + "MedR"] = r.medr;
    out[p + "len"] = static_cast<double>(r.len);
  }
  return out;
}

RetrievalMetrics retrieval_metrics(const torch::Tensor& sim,
                                   const torch::Tensor& caption_similarity,
                                   std::optional<double> threshold, bool round) {
  RetrievalMetrics out;
  out.t2m = recall_from_ranks(ground_truth_ranks(sim, caption_similarity, threshold));
  torch::Tensor captions_t =
      caption_similarity.defined() ? caption_similarity.t() : torch::Tensor();
  out.m2t = recall_from_ranks(ground_truth_ranks(sim.t(), captions_t, threshold));
  if (round) {
    out.t2m = rounded(out.t2m);
    out.m2t = rounded(out.m2t);
  }
  return out;
}

namespace {
// Multi-threaded BLAS can round the last bit of a dot product differently for different thread
// counts, which flips near-ties in the ranking: `motlab eval` (any thread count) must reproduce
// the training run's metrics exactly, so the similarity matrix is computed on one thread.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas() : torch_threads_(torch::get_num_threads()) {
    using GetThreads = int (*)();
    if (auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
      blas_threads_ = get();
    set(1, 1);
  }
  ~SingleThreadedBlas() { set(torch_threads_, blas_threads_); }

 private:
  static void set(int torch_threads, int blas_threads) {
    torch::set_num_threads(torch_threads);  // also MKL's count where LibTorch uses MKL
    using SetThreads = void (*)(int);
    if (blas_threads > 0)
      if (auto put = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        put(blas_threads);
  }
  int torch_threads_, blas_threads_ = 0;
};
}  // namespace

torch::Tensor single_threaded_matmul_t(const torch::Tensor& a, const torch::Tensor& b) {
  std::optional<SingleThreadedBlas> single_thread;
  if (a.device().is_cpu()) single_thread.emplace();
  return torch::matmul(a, b.t());
}

torch::Tensor cosine_similarity_matrix(const torch::Tensor& text, const torch::Tensor& motion) {
  namespace F = torch::nn::functional;
  return single_threaded_matmul_t(
      F::normalize(text.to(torch::kFloat32), F::NormalizeFuncOptions().dim(1)),
      F::normalize(motion.to(torch::kFloat32), F::NormalizeFuncOptions().dim(1)));
}

}  // namespace motlab::eval
