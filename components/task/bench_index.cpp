// Task `bench_index`: top-k search over a large set of unit embeddings with the approximate
// indexes `motlab index` builds (IVF, HNSW) against exact search (FAISS flat), per query latency at
// batch 1 and batch 64, recall@k against exact search, and build time. Two sets:
//  - real: a trained run's motion embeddings (its index, or embeddings/test_motion.npy), lifted to
//    `dim` by a random orthonormal map when smaller (inner products unchanged), each replicated
//    with Gaussian noise of norm ~`noise` up to `vectors` rows; queries are the run's test text
//    embeddings, lifted the same way;
//  - isotropic: random unit vectors and random unit queries, the worst case for any index.
// A benchmark, not a test: the numbers go to the run's metrics.json and log.
#include <algorithm>
#include <chrono>
#include <filesystem>

#include "framework/artifacts/run_dir.h"
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/data/npy.h"
#include "framework/eval/protocol.h"
#include "framework/run/task.h"
#include "framework/search/motion_index.h"
#include "framework/search/vector_index.h"

namespace motlab {
namespace {

namespace fs = std::filesystem;

struct BenchIndexSettings {
  std::vector<std::string> sets = {"real", "isotropic"};
  std::string source_run;
  int64_t vectors = 1000000;
  int64_t dim = 256;
  double noise = 0.1;
  int64_t queries = 512;
  int64_t exact_queries = 64;
  int64_t k = 10;
  std::vector<std::string> kinds = {"ivf", "hnsw"};
  int64_t ivf_lists = 0;
  std::vector<int64_t> ivf_probes = {16, 32, 64};
  int64_t hnsw_m = 32;
  int64_t hnsw_ef_construction = 80;
  std::vector<int64_t> hnsw_ef_searches = {64, 128, 256};
  std::vector<int64_t> batch_sizes = {1, 64};
};

SettingsSchema<BenchIndexSettings> bench_index_settings() {
  using S = BenchIndexSettings;
  return SettingsSchema<S>()
      .option("sets", &S::sets, "vector sets: real (a run's embeddings, replicated), isotropic")
      .option("source_run", &S::source_run, "a trained run (for the real set)")
      .option("vectors", &S::vectors, "indexed vectors per set", at_least(1))
      .option("dim", &S::dim, "embedding size (a smaller run's embeddings are lifted)", at_least(1))
      .option("noise", &S::noise, "norm of the noise added to each replica (real set)")
      .option("queries", &S::queries, "queries per set (real: at most the run's test captions)",
              at_least(1))
      .option("exact_queries", &S::exact_queries, "queries timed on the exact (flat) index")
      .option("k", &S::k, "results per query", at_least(1))
      .option("kinds", &S::kinds, "approximate indexes timed")
      .option("ivf_lists", &S::ivf_lists, "IVF lists (0: 4 sqrt(N))")
      .option("ivf_probes", &S::ivf_probes, "IVF lists probed per query")
      .option("hnsw_m", &S::hnsw_m, "HNSW links per node")
      .option("hnsw_ef_construction", &S::hnsw_ef_construction, "HNSW candidate list when building")
      .option("hnsw_ef_searches", &S::hnsw_ef_searches, "HNSW candidate lists when searching")
      .option("batch_sizes", &S::batch_sizes, "queries per search call", at_least(1))
      .check([](const S& s, const auto& where) {
        for (const auto& set : s.sets)
          MOTLAB_CHECK(set == "real" || set == "isotropic", where("sets"), ": unknown set '", set,
                       "' (expected real or isotropic)");
        for (const auto& kind : s.kinds)
          MOTLAB_CHECK(kind == "ivf" || kind == "hnsw", where("kinds"), ": unknown kind '", kind,
                       "' (expected ivf or hnsw)");
        MOTLAB_CHECK(s.k <= s.vectors, where("k"), ": task.k must be <= task.vectors (", s.vectors,
                     ")");
      });
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The source run's motion embeddings [B, d]: the largest index built for it, else its test set.
torch::Tensor source_motions(const std::string& run) {
  std::string best;
  int64_t best_rows = 0;
  if (fs::is_directory(run + "/index"))
    for (const auto& entry : fs::directory_iterator(run + "/index")) {
      const std::string file = entry.path().string() + "/embeddings.npy";
      if (!fs::exists(file)) continue;
      const int64_t rows = npy::load(file).size(0);
      if (rows > best_rows) best = file, best_rows = rows;
    }
  if (best.empty()) best = RunDir(run).embeddings_file("test_motion.npy");
  MOTLAB_CHECK(fs::exists(best), "bench_index: ", run,
               " has neither an index (motlab index) nor embeddings/test_motion.npy");
  log::info("bench", "motion embeddings from " + best);
  return search::unit_rows(eval::load_matrix(best));
}

// Random orthonormal [d, dim] lift (identity when d == dim): keeps every inner product.
torch::Tensor lift(const torch::Tensor& x, const torch::Tensor& basis) {
  return basis.defined() ? torch::matmul(x, basis) : x;
}

struct Set {
  torch::Tensor vectors, queries;  // [N, dim], [Q, dim] unit rows
};

Set make_set(const std::string& name, const BenchIndexSettings& o, torch::Generator& generator) {
  Set set;
  if (name == "isotropic") {
    set.vectors = search::unit_rows(torch::randn({o.vectors, o.dim}, generator));
    set.queries = search::unit_rows(torch::randn({o.queries, o.dim}, generator));
    return set;
  }
  MOTLAB_CHECK(!o.source_run.empty(),
               "bench_index: set 'real' needs task.source_run=<a trained run>");
  torch::Tensor base = source_motions(o.source_run);
  torch::Tensor queries =
      search::unit_rows(eval::load_matrix(RunDir(o.source_run).embeddings_file("test_text.npy")));
  const int64_t d = base.size(1);
  MOTLAB_CHECK(d <= o.dim, "bench_index: the run's embeddings have ", d,
               " dimensions, more than task.dim=", o.dim);
  torch::Tensor basis;
  if (d < o.dim) {
    auto qr = torch::linalg_qr(torch::randn({o.dim, d}, generator));
    basis = std::get<0>(qr).t().contiguous();  // [d, dim], orthonormal rows
  }
  base = lift(base, basis);
  set.queries =
      lift(queries, basis).narrow(0, 0, std::min(o.queries, queries.size(0))).contiguous();
  set.vectors = torch::empty({o.vectors, o.dim});
  const double scale = o.noise / std::sqrt(static_cast<double>(o.dim));
  for (int64_t begin = 0; begin < o.vectors; begin += 65536) {
    const int64_t n = std::min<int64_t>(65536, o.vectors - begin);
    const torch::Tensor rows = torch::arange(begin, begin + n) % base.size(0);
    set.vectors.narrow(0, begin, n)
        .copy_(search::unit_rows(base.index_select(0, rows) +
                                 scale * torch::randn({n, o.dim}, generator)));
  }
  log::info("bench", "real: " + std::to_string(base.size(0)) + " motion embeddings (" +
                         std::to_string(d) + "-d, lifted to " + std::to_string(o.dim) +
                         ") replicated with noise " + std::to_string(o.noise) + " to " +
                         std::to_string(o.vectors));
  return set;
}

class BenchIndexTask : public Task {
 public:
  explicit BenchIndexTask(BenchIndexSettings options) : options_(std::move(options)) {}

  void run(RunContext& run) override {
    torch::Generator generator = at::detail::createCPUGenerator(run.seed());
    for (const auto& name : options_.sets) {
      const Set set = make_set(name, options_, generator);
      auto start = std::chrono::steady_clock::now();
      const search::Hits exact = search::exact_search(set.vectors, set.queries, options_.k);
      log::info("bench", name + ": exact top-" + std::to_string(options_.k) + " of " +
                             std::to_string(set.queries.size(0)) + " queries in " +
                             std::to_string(seconds_since(start)) + " s (LibTorch reference)");
      search::IndexSettings flat;
      flat.kind = "flat";
      time_index(run, name, "flat", search::VectorIndex::build(set.vectors, flat), set, exact, 0);
      for (const auto& kind : options_.kinds) {
        search::IndexSettings settings;
        settings.kind = kind;
        settings.ivf_lists = options_.ivf_lists;
        settings.hnsw_m = options_.hnsw_m;
        settings.hnsw_ef_construction = options_.hnsw_ef_construction;
        start = std::chrono::steady_clock::now();
        search::VectorIndex index = search::VectorIndex::build(set.vectors, settings);
        const double build_s = seconds_since(start);
        run.set_metric(name + "/" + kind + "/build_s", build_s);
        log::info("bench", name + ": " + kind + " built in " + std::to_string(build_s) + " s");
        for (const int64_t knob : kind == "ivf" ? options_.ivf_probes : options_.hnsw_ef_searches) {
          settings.ivf_probe = knob;
          settings.hnsw_ef_search = knob;
          index.set_search_settings(settings);
          time_index(run, name, kind, index, set, exact, knob);
        }
      }
    }
  }

 private:
  // Recall@k of `index` against the exact top-k, and its latency per query at each batch size.
  void time_index(RunContext& run, const std::string& set_name, const std::string& kind,
                  const search::VectorIndex& index, const Set& set, const search::Hits& exact,
                  int64_t knob) {
    const int64_t k = options_.k;
    const int64_t q = kind == "flat" ? std::min(options_.exact_queries, set.queries.size(0))
                                     : set.queries.size(0);
    const search::Hits found = index.search(set.queries.narrow(0, 0, q), k);
    int64_t hits = 0;
    auto truth = exact.rows.accessor<int64_t, 2>();
    auto got = found.rows.accessor<int64_t, 2>();
    for (int64_t i = 0; i < q; ++i)
      for (int64_t j = 0; j < k; ++j)
        for (int64_t m = 0; m < k; ++m) hits += got[i][j] == truth[i][m];
    const double recall = static_cast<double>(hits) / static_cast<double>(q * k);
    const std::string label = kind + (kind == "ivf"    ? "_probe" + std::to_string(knob)
                                      : kind == "hnsw" ? "_ef" + std::to_string(knob)
                                                       : "");
    const std::string prefix = set_name + "/" + label + "/";
    run.set_metric(prefix + "recall" + std::to_string(k), recall);
    std::string line =
        set_name + " " + label + ": recall@" + std::to_string(k) + " " + std::to_string(recall);
    for (const int64_t batch : options_.batch_sizes) {
      std::vector<double> per_query;
      for (int64_t begin = 0; begin + batch <= q; begin += batch) {
        const auto start = std::chrono::steady_clock::now();
        index.search(set.queries.narrow(0, begin, batch), k);
        per_query.push_back(1000.0 * seconds_since(start) / static_cast<double>(batch));
      }
      if (per_query.empty()) continue;
      const double ms = median(per_query);
      run.set_metric(prefix + "ms_per_query/batch" + std::to_string(batch), ms);
      line += ", batch " + std::to_string(batch) + " " + std::to_string(ms) + " ms/query";
    }
    log::info("bench", line);
  }

  BenchIndexSettings options_;
};

}  // namespace

MOTLAB_REGISTER(
    task_family, "bench_index",
    "top-k latency, recall against exact search and build time of the motion search indexes",
    bench_index_settings().options(),
    [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
      return std::make_shared<BenchIndexTask>(bench_index_settings().read(o));
    });

}  // namespace motlab
