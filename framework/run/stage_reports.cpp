#include "framework/run/stage_reports.h"

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/model/interfaces.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(table_family, Report, "table", "table",
                     "tables an experiment writes from its finished runs (the paper's Tables 1, 2)")
MOTLAB_DEFINE_FAMILY(plot_family, Report, "plot", "plot",
                     "plots an experiment draws from its finished runs (SVG)")

namespace {
void run_all(const Family<Report>& family, const Config& nodes,
             const std::map<std::string, std::string>& stage_dirs, RunContext& run) {
  if (nodes.is_null() || nodes.is_missing()) return;
  MOTLAB_CHECK(nodes.is_dict(), nodes.describe(), ": must map names to ", family.name(), " nodes");
  for (const auto& [name, node] : nodes.items()) {
    if (node.is_null()) continue;
    log::info("report", "writing " + family.name() + " " + name + " (" + component_key(node) + ")");
    family.build(node, run.build_context())->write(stage_dirs, run);
  }
}
}  // namespace

void run_stage_reports(const Config& tables, const Config& plots,
                       const std::map<std::string, std::string>& stage_dirs, RunContext& run) {
  run_all(table_family(), tables, stage_dirs, run);
  run_all(plot_family(), plots, stage_dirs, run);
}

}  // namespace motlab
