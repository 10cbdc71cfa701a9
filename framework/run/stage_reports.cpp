#include "framework/run/stage_reports.h"

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/model/interfaces.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(report_family, "report", "report",
                     "what an experiment writes from its finished runs (tables, plots)",
                     std::shared_ptr<Report>, const Config&)

void run_stage_reports(const Config& reports, const std::map<std::string, std::string>& stage_dirs,
                       RunContext& run) {
  if (reports.is_null()) return;
  MOTLAB_CHECK(reports.is_dict(), reports.describe(), ": reports must map names to report nodes");
  for (const auto& [name, node] : reports.items()) {
    const std::string key = component_key(node);
    log::info("report", "writing " + name + " (" + key + ")");
    report_family().create(key, node.describe(), node)->write(stage_dirs, run);
  }
}

}  // namespace motlab
