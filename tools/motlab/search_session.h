// What `motlab index`, `search`, `score` and `serve` share: the run, its data and index settings
// from the command line, the run's encoders and its motion index, and top-k queries over it.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "framework/search/motion_index.h"
#include "tools/motlab/command_line.h"

namespace motlab::cli {

struct SessionArgs {
  std::string run_dir;
  std::vector<std::string> positional;  // after the run dir, other than overrides
  std::vector<std::string> overrides;   // data=..., data.*=..., index.*=...
  std::vector<std::string> splits;      // --splits (default: the data's three)
  std::string device_name = "cpu";      // --device
  torch::Device device = torch::kCPU;
  int64_t batch_size = 64;  // --batch-size
};
// Declares the run dir, --splits, --device, --batch-size and the overrides that follow the run
// dir on `cl`; finish_session_args() after cl.parse() sorts them and checks the run dir.
// `positional_help`: what further arguments are ("" when the command takes none).
void declare_session_args(CommandLine& cl, SessionArgs* args, const char* positional_help);
void finish_session_args(const CommandLine& cl, SessionArgs* args, bool positional_allowed);

// The whole of `text` as a decimal integer (false for "", "3x", "1e3" or out of range).
bool parse_integer(const std::string& text, int64_t* value);

struct Hit {
  int64_t rank = 0;  // 1-based
  std::string id, split;
  double score = 0;
  int64_t frames = 0;
};
struct SearchResult {
  std::vector<Hit> hits;
};

class SearchSession {
 public:
  // rebuild: verify the index against the dataset (motlab index); else open a stored one.
  SearchSession(const SessionArgs& args, bool rebuild, search::BuildReport* report);
  const search::MotionIndex& index() const { return index_; }
  const search::RunEncoders& encoders();  // loaded on first use
  const std::string& run_dir() const { return run_.path(); }

  std::vector<SearchResult> search_text(const std::vector<std::string>& queries, int64_t k);
  // An indexed motion id, or a .npy of 263-d features.
  SearchResult similar_motions(const std::string& id_or_file, int64_t k);
  SearchResult search_vector(const torch::Tensor& query, int64_t k, const std::string& skip_id);
  std::vector<std::string> captions(const std::string& id) const;
  // The hits as JSON (rank, id, score, split, frames, captions): `motlab search --json` and serve.
  nlohmann::json hits_json(const SearchResult& result) const;
  // [T, 22, 3] for drawing; undefined when the motion's files leave the dataset folder.
  torch::Tensor joints(const std::string& id) const;

 private:
  std::string inside_dataset(const std::string& path) const;
  RunDir run_;  // its config_resolved.yaml is read once for the data node and the encoders
  torch::Device device_;
  search::MotionIndex index_;
  std::optional<search::RunEncoders> encoders_;
};

}  // namespace motlab::cli
