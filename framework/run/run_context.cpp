#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

#include "framework/io/atomic_file.h"
#include "framework/run/task.h"

namespace motlab {

RunContext::RunContext(Config resolved, std::string dir, torch::Device device, uint64_t seed)
    : config_(std::move(resolved)), dir_(std::move(dir)), device_(device), seed_(seed) {}

void RunContext::set_config_source(std::string dir, std::string name) {
  config_dir_ = std::move(dir);
  config_name_ = std::move(name);
}

std::string RunContext::path(const std::string& relative) const {
  std::filesystem::path p = std::filesystem::path(dir_) / relative;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  return p.string();
}

BuildContext RunContext::build_context() const {
  BuildContext ctx;
  ctx.device = device_;
  ctx.root = config_;
  ctx.run_dir = dir_;
  ctx.cache_dir = config_.get<std::string>("cache_dir", "");
  ctx.seed = seed_;
  return ctx;
}

void RunContext::set_metric(const std::string& key, double value) { metrics_[key] = value; }
void RunContext::set_info(const std::string& key, const std::string& value) { infos_[key] = value; }

void RunContext::append_csv_row(const std::map<std::string, double>& row) {
  if (!primary_) return;
  csv_rows_.push_back(row);
  // The header is the union of keys seen so far, in first-seen order; rewriting the whole file
  // keeps it consistent when a later row adds a column.
  std::vector<std::string> header;
  std::set<std::string> seen;
  for (const auto& r : csv_rows_)
    for (const auto& [key, value] : r)
      if (seen.insert(key).second) header.push_back(key);
  std::ostringstream out;
  for (size_t k = 0; k < header.size(); ++k) out << (k ? "," : "") << header[k];
  out << "\n";
  out.precision(10);
  for (const auto& r : csv_rows_) {
    for (size_t k = 0; k < header.size(); ++k) {
      if (k) out << ",";
      auto it = r.find(header[k]);
      if (it != r.end()) out << it->second;
    }
    out << "\n";
  }
  write_file_atomic(path("metrics.csv"), out.str());
}

}  // namespace motlab
