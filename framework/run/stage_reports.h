// What an experiment writes after its runs finish: tables (family `table`, configs/table/: the
// paper's Tables 1 and 2) and plots (family `plot`, configs/plot/). A pipeline experiment lists
// them under task.tables and task.plots; each gets the stage directories by name and writes into
// the pipeline's run directory (tables/, plots/).
#pragma once
#include <map>
#include <memory>
#include <string>

#include "framework/config/config.h"
#include "framework/registry/registry.h"
#include "framework/run/task.h"

namespace motlab {

class Report {
 public:
  virtual ~Report() = default;
  // stage_dirs: stage name -> its run directory (metrics.json, config_resolved.yaml, ...).
  virtual void write(const std::map<std::string, std::string>& stage_dirs, RunContext& run) = 0;
};

MOTLAB_DECLARE_FAMILY(table_family, Report)
MOTLAB_DECLARE_FAMILY(plot_family, Report)

// Runs every node of `tables` and `plots` (dicts name -> node with _target_, or null).
void run_stage_reports(const Config& tables, const Config& plots,
                       const std::map<std::string, std::string>& stage_dirs, RunContext& run);

}  // namespace motlab
