// A run directory: the one owner of its layout and of metrics.json. Every reader and writer of a
// run's files goes through RunDir; no other file spells these names.
//   config.yaml, config_resolved.yaml, overrides.yaml, choices.yaml   (written by `motlab run`)
//   metrics.json    {"status", "error"?, bookkeeping (task, seed, device, wall_time_s, started_at,
//                    versions), "info": {string facts}, "metrics": {name: number | null}}
//   metrics.csv, log.txt
//   model/<part>.pt, checkpoints/{best,last}.pt
//   embeddings/test_{text,motion}.npy [N, E], test_ids.txt, test_captions.txt, test_frames.txt,
//              test_caption_similarity.npy [N, N]
// metrics.json written before the metrics had their own object (a flat object) still reads: its
// numbers and nulls are the metrics, minus the bookkeeping keys.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "framework/config/config.h"

namespace motlab {
namespace eval {
struct EvalInputs;
}

// metrics.json: what happened to a run, apart from what it measured.
struct RunSummary {
  std::string status;  // "ok", "failed", "running", ...; "" when absent
  std::string error;
  nlohmann::json bookkeeping = nlohmann::json::object();  // task, seed, device, wall_time_s, ...
  std::map<std::string, std::string> info;                // facts a task recorded (strings)
  std::map<std::string, std::optional<double>> metrics;   // null: no value (an empty subset)
  std::string file;                                       // where it was read from, for errors

  bool has_metric(const std::string& key) const { return metrics.count(key) > 0; }
  // nullopt when absent or null.
  std::optional<double> metric(const std::string& key) const;
  // The number, or an error naming the file and the key; `who` prefixes the error.
  double require_metric(const std::string& key, const std::string& who = "") const;
  std::vector<std::string> metric_keys() const;
  nlohmann::json to_json() const;  // metrics.json as written
};

// A run's saved test embeddings (task.save_embeddings=true); row i of text pairs with row i of
// motion.
struct TestEmbeddings {
  torch::Tensor text, motion;  // [N, E] float32
  std::vector<std::string> ids, captions;
  std::vector<int64_t> frames;       // empty when the run did not record them
  torch::Tensor caption_similarity;  // [N, N]; undefined when not saved

  // The protocols' inputs (id_list_dir and out_dir left for the caller).
  eval::EvalInputs eval_inputs() const;
};

class RunDir {
 public:
  explicit RunDir(std::string path);
  const std::string& path() const { return path_; }

  std::string file(const std::string& relative) const { return path_ + "/" + relative; }
  std::string summary_file() const { return file("metrics.json"); }
  std::string resolved_config_file() const { return file("config_resolved.yaml"); }
  std::string embeddings_file(const std::string& name) const { return file("embeddings/" + name); }
  std::string model_weights_file(const std::string& part) const;  // model/<part>.pt
  std::string checkpoint_file(const std::string& which) const;    // checkpoints/<which>.pt

  bool has_summary() const;
  // Errors name the file (missing, not JSON, not an object).
  RunSummary summary() const;
  // "" when there is no readable metrics.json.
  std::string status() const;
  void write_summary(const RunSummary& summary) const;  // atomically

  bool has_resolved_config() const;
  // config_resolved.yaml, parsed once per RunDir; `needed_by` says who needs it in the error.
  const Config& resolved_config(const std::string& needed_by = "") const;

  bool has_test_embeddings() const;
  // Errors name the missing file and say how a run saves them.
  TestEmbeddings test_embeddings() const;
  void save_test_embeddings(const TestEmbeddings& embeddings) const;

 private:
  std::string path_;
  mutable std::shared_ptr<Config> resolved_;
};

}  // namespace motlab
