// A task is what `motlab run` executes (train, evaluate, a toy job...): itself a component,
// selected by the config's `task` group. RunContext is the run directory and its bookkeeping.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "framework/config/config.h"
#include "framework/model/interfaces.h"
#include "framework/registry/registry.h"

namespace motlab {

class RunContext {
 public:
  RunContext(Config resolved, std::string dir, torch::Device device, uint64_t seed);
  const Config& config() const { return config_; }  // fully resolved
  const std::string& dir() const { return dir_; }   // the job's output directory
  // The primary config folder and config name the run was composed from (for child jobs).
  void set_config_source(std::string dir, std::string name);
  const std::string& config_dir() const { return config_dir_; }
  const std::string& config_name() const { return config_name_; }
  // Data parallel: only the primary rank (0) writes into the run directory; elsewhere
  // append_csv_row is a no-op and metrics are not recorded.
  void set_primary(bool primary) { primary_ = primary; }
  bool is_primary() const { return primary_; }
  std::string path(const std::string& relative) const;  // dir/relative (parents created)
  torch::Device device() const { return device_; }
  uint64_t seed() const { return seed_; }
  BuildContext build_context() const;

  // metrics.json (RunDir): metrics under "metrics", infos under "info", beside the status,
  // versions, seed, device, wall time and git sha; written atomically at the end of the job.
  void set_metric(const std::string& key, double value);
  void set_info(const std::string& key, const std::string& value);
  const std::map<std::string, double>& metrics() const { return metrics_; }
  const std::map<std::string, std::string>& infos() const { return infos_; }
  // metrics.csv: one row per step/epoch; the header is the union of keys seen so far.
  void append_csv_row(const std::map<std::string, double>& row);

 private:
  Config config_;
  std::string dir_;
  std::string config_dir_, config_name_ = "config";
  bool primary_ = true;
  torch::Device device_;
  uint64_t seed_;
  std::map<std::string, double> metrics_;
  std::map<std::string, std::string> infos_;
  std::vector<std::map<std::string, double>> csv_rows_;
};

class Task {
 public:
  virtual ~Task() = default;
  virtual void run(RunContext& run) = 0;
  // Before a finished run is resumed (to train longer): throws when what the resume needs is
  // missing or damaged, before anything in the run directory is touched. Default: nothing.
  virtual void check_resume(const RunContext& run) const {}
  // Whether running it again on its own finished directory, with the same settings, continues it
  // in place (a pipeline: finished stages are kept, reports rewritten). Default: no, a finished
  // run is never run over.
  virtual bool continues_in_place() const { return false; }
  // Whether it runs as several data-parallel ranks (torchrun, srun, trainer.nproc_per_node).
  // Default: no, a task is one process.
  virtual bool data_parallel() const { return false; }
};

MOTLAB_DECLARE_FAMILY(task_family, Task)

}  // namespace motlab
