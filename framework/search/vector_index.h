// Nearest-neighbour search over unit embeddings by inner product (= cosine), on FAISS: exact
// (IndexFlatIP) for small sets, HNSW or IVF for large ones. The approximate kinds report their
// recall@k against exact search, measured when they are built.
//
// Shapes: N = indexed vectors, Q = queries, D = embedding size, k = results per query.
#pragma once
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "framework/config/settings.h"

namespace faiss {
struct Index;
}

namespace motlab::search {

struct IndexSettings {
  std::string kind = "auto";        // auto | flat | hnsw | ivf (auto: flat below exact_below)
  int64_t exact_below = 100000;     // auto picks the approximate kind from this many vectors on
  std::string approximate = "ivf";  // the kind auto picks for large sets: hnsw | ivf
  int64_t hnsw_m = 32, hnsw_ef_construction = 80, hnsw_ef_search = 128;
  int64_t ivf_lists = 0;  // 0: 4 * sqrt(N)
  int64_t ivf_probe = 32;
  std::string to_json() const;  // everything that changes the built index
};

// The options of `index.*` (motlab index/search/serve), each declared once with its bounds.
const SettingsSchema<IndexSettings>& index_settings();

struct Hits {
  torch::Tensor rows;    // [Q, k] int64 positions in the indexed set (-1 when fewer than k)
  torch::Tensor scores;  // [Q, k] float32 inner products, best first
};

class VectorIndex {
 public:
  VectorIndex();
  ~VectorIndex();
  VectorIndex(VectorIndex&&) noexcept;
  VectorIndex& operator=(VectorIndex&&) noexcept;

  // vectors [N, D] float32, unit rows.
  static VectorIndex build(const torch::Tensor& vectors, const IndexSettings& settings);
  static VectorIndex load(const std::string& file, const IndexSettings& settings);
  void save(const std::string& file) const;

  Hits search(const torch::Tensor& queries, int64_t k) const;  // queries [Q, D] unit rows
  // The search-time knobs (hnsw_ef_search, ivf_probe); the built structure stays.
  void set_search_settings(const IndexSettings& settings);
  // Share of the exact top-k that this index also returns, over `queries` (1.0 for flat).
  double recall_at(const torch::Tensor& vectors, const torch::Tensor& queries, int64_t k) const;

  const std::string& kind() const { return kind_; }  // flat | hnsw | ivf
  int64_t size() const;
  int64_t dim() const;

 private:
  std::unique_ptr<faiss::Index> index_;
  std::string kind_;
};

// Exact top-k by inner product with LibTorch (the reference the recall is measured against).
Hits exact_search(const torch::Tensor& vectors, const torch::Tensor& queries, int64_t k);

}  // namespace motlab::search
