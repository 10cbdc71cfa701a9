#include "framework/search/vector_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/impl/FaissException.h>
#include <faiss/index_io.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "framework/core/error.h"

namespace motlab::search {

const SettingsSchema<IndexSettings>& index_settings() {
  using S = IndexSettings;
  static const auto* schema = new SettingsSchema<S>(
      SettingsSchema<S>()
          .choice("kind", &S::kind, {"auto", "flat", "hnsw", "ivf"},
                  "auto: exact (flat) below exact_below vectors, else `approximate`")
          .option("exact_below", &S::exact_below, "auto uses an approximate index from this many",
                  at_least(0))
          .choice("approximate", &S::approximate, {"hnsw", "ivf"},
                  "the approximate kind auto picks")
          .option("hnsw_m", &S::hnsw_m, "HNSW links per node", between(2, 256))
          .option("hnsw_ef_construction", &S::hnsw_ef_construction,
                  "HNSW candidate list while building", between(1, 65536))
          .option("hnsw_ef_search", &S::hnsw_ef_search, "HNSW candidate list per query",
                  between(1, 65536))
          .option("ivf_lists", &S::ivf_lists, "IVF cells (0: 4 * sqrt(N))", at_least(0))
          .option("ivf_probe", &S::ivf_probe, "IVF cells visited per query", between(1, 65536)));
  return *schema;
}

namespace {

torch::Tensor rows_of(const torch::Tensor& t, const char* what) {
  MOTLAB_CHECK(t.dim() == 2 && t.size(0) > 0, what, ": expected a non-empty [N, D] matrix, got ",
               t.sizes());
  return t.to(torch::kCPU, torch::kFloat32).contiguous();
}

template <class Fn>
auto faiss_call(const char* what, Fn fn) {
  try {
    return fn();
  } catch (const faiss::FaissException& e) {
    MOTLAB_FAIL(what, ": ", e.msg);
  }
}

void apply_search_settings(faiss::Index* index, const IndexSettings& s) {
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(index))
    hnsw->hnsw.efSearch = static_cast<int>(s.hnsw_ef_search);
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(index))
    ivf->nprobe = static_cast<size_t>(std::max<int64_t>(1, s.ivf_probe));
}

std::string kind_of(const faiss::Index* index) {
  if (dynamic_cast<const faiss::IndexHNSW*>(index)) return "hnsw";
  if (dynamic_cast<const faiss::IndexIVF*>(index)) return "ivf";
  return "flat";
}

}  // namespace

std::string IndexSettings::to_json() const {
  nlohmann::ordered_json j;
  j["kind"] = kind;
  j["exact_below"] = exact_below;
  j["approximate"] = approximate;
  j["hnsw_m"] = hnsw_m;
  j["hnsw_ef_construction"] = hnsw_ef_construction;
  j["ivf_lists"] = ivf_lists;
  return j.dump();
}

VectorIndex::VectorIndex() = default;
VectorIndex::~VectorIndex() = default;
VectorIndex::VectorIndex(VectorIndex&&) noexcept = default;
VectorIndex& VectorIndex::operator=(VectorIndex&&) noexcept = default;

VectorIndex VectorIndex::build(const torch::Tensor& vectors_in, const IndexSettings& s) {
  const torch::Tensor vectors = rows_of(vectors_in, "index");
  const int64_t n = vectors.size(0), d = vectors.size(1);
  std::string kind = s.kind == "auto" ? (n < s.exact_below ? "flat" : s.approximate) : s.kind;
  MOTLAB_CHECK(kind == "flat" || kind == "hnsw" || kind == "ivf", "index kind '", kind,
               "' (expected auto, flat, hnsw or ivf)");
  VectorIndex out;
  out.kind_ = kind;
  const float* data = vectors.data_ptr<float>();
  faiss_call("building the index", [&] {
    if (kind == "flat") {
      out.index_ = std::make_unique<faiss::IndexFlatIP>(d);
    } else if (kind == "hnsw") {
      MOTLAB_CHECK(s.hnsw_m >= 2 && s.hnsw_m <= 256, "index.hnsw_m must be in [2, 256]");
      auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(d, static_cast<int>(s.hnsw_m),
                                                         faiss::METRIC_INNER_PRODUCT);
      hnsw->hnsw.efConstruction = static_cast<int>(s.hnsw_ef_construction);
      out.index_ = std::move(hnsw);
    } else {
      const int64_t lists =
          s.ivf_lists > 0 ? s.ivf_lists
                          : std::max<int64_t>(1, static_cast<int64_t>(4 * std::sqrt(double(n))));
      MOTLAB_CHECK(lists <= n, "index.ivf_lists (", lists, ") exceeds the ", n, " vectors");
      auto* quantizer = new faiss::IndexFlatIP(d);
      auto ivf = std::make_unique<faiss::IndexIVFFlat>(quantizer, d, static_cast<size_t>(lists),
                                                       faiss::METRIC_INNER_PRODUCT);
      ivf->own_fields = true;
      // k-means on a sample: FAISS's own rule of thumb, 64 points per list at most 256.
      const int64_t sample = std::min<int64_t>(n, lists * 64);
      torch::Tensor train = vectors;
      if (sample < n) {
        torch::Generator generator = at::detail::createCPUGenerator(0);
        train = vectors.index_select(0, torch::randperm(n, generator).narrow(0, 0, sample));
      }
      train = train.contiguous();
      ivf->train(sample, train.data_ptr<float>());
      out.index_ = std::move(ivf);
    }
    out.index_->add(n, data);
    return 0;
  });
  apply_search_settings(out.index_.get(), s);
  return out;
}

VectorIndex VectorIndex::load(const std::string& file, const IndexSettings& s) {
  VectorIndex out;
  out.index_.reset(faiss_call(("reading index " + file).c_str(),
                              [&] { return faiss::read_index(file.c_str()); }));
  MOTLAB_CHECK(out.index_->metric_type == faiss::METRIC_INNER_PRODUCT, file,
               ": not an inner-product index");
  out.kind_ = kind_of(out.index_.get());
  apply_search_settings(out.index_.get(), s);
  return out;
}

void VectorIndex::save(const std::string& file) const {
  const std::string temporary = file + ".tmp";
  faiss_call(("writing index " + file).c_str(), [&] {
    faiss::write_index(index_.get(), temporary.c_str());
    return 0;
  });
  MOTLAB_CHECK(std::rename(temporary.c_str(), file.c_str()) == 0, "cannot move ", temporary, " to ",
               file);
}

void VectorIndex::set_search_settings(const IndexSettings& settings) {
  MOTLAB_CHECK(index_, "search settings on an empty index");
  apply_search_settings(index_.get(), settings);
}

int64_t VectorIndex::size() const { return index_ ? index_->ntotal : 0; }
int64_t VectorIndex::dim() const { return index_ ? index_->d : 0; }

Hits VectorIndex::search(const torch::Tensor& queries_in, int64_t k) const {
  MOTLAB_CHECK(index_, "search on an empty index");
  const torch::Tensor queries = rows_of(queries_in, "search queries");
  MOTLAB_CHECK(queries.size(1) == index_->d, "search: queries have ", queries.size(1),
               " dimensions, the index ", index_->d);
  MOTLAB_CHECK(k >= 1, "search: k must be >= 1, got ", k);
  const int64_t q = queries.size(0);
  Hits hits;
  hits.scores = torch::empty({q, k}, torch::kFloat32);
  hits.rows = torch::empty({q, k}, torch::kLong);
  std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(q * k));
  faiss_call("search", [&] {
    index_->search(q, queries.data_ptr<float>(), k, hits.scores.data_ptr<float>(), labels.data());
    return 0;
  });
  int64_t* rows = hits.rows.data_ptr<int64_t>();
  for (size_t i = 0; i < labels.size(); ++i) rows[i] = labels[i];
  return hits;
}

double VectorIndex::recall_at(const torch::Tensor& vectors, const torch::Tensor& queries,
                              int64_t k) const {
  k = std::min<int64_t>(k, size());
  const Hits approximate = search(queries, k);
  const Hits exact = exact_search(vectors, queries, k);
  int64_t found = 0;
  for (int64_t i = 0; i < queries.size(0); ++i) {
    std::set<int64_t> truth;
    for (int64_t j = 0; j < k; ++j) truth.insert(exact.rows[i][j].item<int64_t>());
    for (int64_t j = 0; j < k; ++j) found += truth.count(approximate.rows[i][j].item<int64_t>());
  }
  return static_cast<double>(found) / static_cast<double>(queries.size(0) * k);
}

Hits exact_search(const torch::Tensor& vectors_in, const torch::Tensor& queries_in, int64_t k) {
  const torch::Tensor vectors = rows_of(vectors_in, "exact search");
  const torch::Tensor queries = rows_of(queries_in, "exact search queries");
  k = std::min<int64_t>(k, vectors.size(0));
  Hits hits;
  // In blocks of queries, so a 1M-row set does not need a Q x 1M matrix at once.
  std::vector<torch::Tensor> scores, rows;
  for (int64_t begin = 0; begin < queries.size(0); begin += 256) {
    const int64_t n = std::min<int64_t>(256, queries.size(0) - begin);
    auto [s, r] = torch::matmul(queries.narrow(0, begin, n), vectors.t()).topk(k, 1);
    scores.push_back(s);
    rows.push_back(r);
  }
  hits.scores = torch::cat(scores);
  hits.rows = torch::cat(rows);
  return hits;
}

}  // namespace motlab::search
