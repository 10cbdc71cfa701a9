#include "tests/support/run_summary.h"

#include "framework/artifacts/run_dir.h"

namespace motlab::test {
nlohmann::json run_summary_flat(const std::string& run_dir) {
  const RunSummary summary = RunDir(run_dir).summary();
  nlohmann::json out = summary.bookkeeping;
  out["status"] = summary.status;
  if (!summary.error.empty()) out["error"] = summary.error;
  for (const auto& [key, value] : summary.info) out[key] = value;
  for (const auto& [key, value] : summary.metrics)
    out[key] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  return out;
}
}  // namespace motlab::test
