// How the tests read a run's metrics.json: one JSON object with the "info" and "metrics" objects
// merged into the top level beside status, error and the bookkeeping (the keys are disjoint).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace motlab::test {
nlohmann::json run_summary_flat(const std::string& run_dir);
}  // namespace motlab::test
