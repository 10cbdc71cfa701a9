// A trained run's searchable motions: every motion of a dataset (its splits) encoded by the run's
// motion encoder into unit embeddings, with a VectorIndex over them, stored in the run directory
// (<run>/index/<splits>_<hash>/: embeddings.npy, motions.tsv, index.faiss, index.json). Building
// again reuses the stored embeddings of motions already encoded with the same weights.
//
// Shapes: N = indexed motions, D = embedding size.
#pragma once
#include <torch/torch.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/artifacts/run_dir.h"
#include "framework/config/config.h"
#include "framework/data/humanml3d.h"
#include "framework/model/interfaces.h"
#include "framework/search/vector_index.h"

namespace motlab::search {

struct IndexedMotion {
  std::string id, split;
  int64_t frames = 0;
};

struct BuildReport {
  int64_t encoded = 0, reused = 0;
  double encode_seconds = 0, build_seconds = 0;
  bool loaded = false;  // nothing changed: the stored index was used as it is
};

class MotionIndex {
 public:
  // `data`: a data node (configs/data/*); `splits`: its split names to index.
  static MotionIndex build(const std::string& run_dir, const Config& data,
                           const std::vector<std::string>& splits, const IndexSettings& settings,
                           torch::Device device, int64_t batch_size, BuildReport* report = nullptr);
  // The stored index when it was built with the run's current weights (fast: no dataset is
  // read), else build().
  static MotionIndex open(const std::string& run_dir, const Config& data,
                          const std::vector<std::string>& splits, const IndexSettings& settings,
                          torch::Device device, int64_t batch_size);

  const std::string& folder() const { return folder_; }
  const std::vector<IndexedMotion>& motions() const { return motions_; }
  const torch::Tensor& embeddings() const { return embeddings_; }  // [N, D] unit rows
  const VectorIndex& index() const { return index_; }
  const humanml3d::Layout& layout() const { return layout_; }
  double recall_at_10() const { return recall_at_10_; }  // of index() against exact search
  std::optional<int64_t> position_of(const std::string& id) const;

 private:
  std::string folder_;
  std::vector<IndexedMotion> motions_;
  std::map<std::string, int64_t> position_;
  torch::Tensor embeddings_;
  VectorIndex index_;
  humanml3d::Layout layout_;
  double recall_at_10_ = 1.0;
};

// Unit rows: x / max(||x||, eps).
torch::Tensor unit_rows(const torch::Tensor& x);

// A trained run's encoders, in eval mode, for queries.
struct RunEncoders {
  std::shared_ptr<TextEncoder> text;
  std::shared_ptr<MotionEncoder> motion;
  torch::Tensor mean, std;  // the run's data normalisation [F] (undefined when it has none)
  torch::Device device = torch::kCPU;
  Config config;  // the run's config_resolved.yaml
  // captions -> [Q, E] unit rows; raw 263-d features [T, F] (as in new_joint_vecs/) -> [1, E].
  torch::Tensor encode_text(const std::vector<std::string>& captions) const;
  torch::Tensor encode_motion(const torch::Tensor& raw_features) const;
};
RunEncoders load_run_encoders(const RunDir& run, torch::Device device);

}  // namespace motlab::search
