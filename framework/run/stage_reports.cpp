#include "framework/run/stage_reports.h"

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/model/interfaces.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(table_family, "table", "table",
                     "tables an experiment writes from its finished runs (the paper's Tables 1, 2)",
                     std::shared_ptr<Report>, const Config&)
MOTLAB_DEFINE_FAMILY(plot_family, "plot", "plot",
                     "plots an experiment draws from its finished runs (SVG)",
                     std::shared_ptr<Report>, const Config&)

namespace {
template <class FamilyT>
void run_all(const FamilyT& family, const Config& nodes,
             const std::map<std::string, std::string>& stage_dirs, RunContext& run) {
  if (nodes.is_null() || nodes.is_missing()) return;
  MOTLAB_CHECK(nodes.is_dict(), nodes.describe(), ": must map names to ", family.name(), " nodes");
  for (const auto& [name, node] : nodes.items()) {
    const std::string key = component_key(node);
    log::info("report", "writing " + family.name() + " " + name + " (" + key + ")");
    family.create(key, node.describe(), node)->write(stage_dirs, run);
  }
}
}  // namespace

void run_stage_reports(const Config& tables, const Config& plots,
                       const std::map<std::string, std::string>& stage_dirs, RunContext& run) {
  run_all(table_family(), tables, stage_dirs, run);
  run_all(plot_family(), plots, stage_dirs, run);
}

}  // namespace motlab
