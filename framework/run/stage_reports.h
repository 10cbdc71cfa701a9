// The `report` family: what an experiment writes after its runs finish (tables of the paper,
// comparison plots...). A pipeline experiment lists report nodes under task.reports; each gets
// the stage directories by name and writes into the pipeline's run directory.
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

MOTLAB_DECLARE_FAMILY(report_family, std::shared_ptr<Report>, const Config&)

// Runs every report node of `reports` (a dict name -> node with _target_, or null).
void run_stage_reports(const Config& reports, const std::map<std::string, std::string>& stage_dirs,
                       RunContext& run);

}  // namespace motlab
