// Reading finished runs back for reports: a run directory's metrics.json, overrides.yaml and
// choices.yaml (written by `motlab run`), a sweep directory's jobs (multirun.yaml), and the
// statistics of a metric over several runs (seeds).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "framework/artifacts/run_dir.h"

namespace motlab::report {

struct RunRecord {
  std::string dir;
  RunSummary summary;                            // metrics.json (RunDir::summary)
  std::vector<std::string> override_texts;       // overrides.yaml, in order
  std::map<std::string, std::string> overrides;  // key (with +/~ prefix, @package) -> value text
  std::map<std::string, std::string> choices;    // choices.yaml (group -> option)
  std::string status;                            // metrics.json "status" ("" when absent)

  // A numeric metric: nullopt when absent or null (a null is an absent value, e.g. the metrics of
  // an empty subset). has_metric tells the two apart.
  std::optional<double> metric(const std::string& key) const { return summary.metric(key); }
  bool has_metric(const std::string& key) const { return summary.has_metric(key); }
  std::vector<std::string> metric_keys() const { return summary.metric_keys(); }
};

RunRecord load_run(const std::string& dir);

// Expands each path: a run directory (has metrics.json); a sweep directory (multirun.yaml: its
// jobs, in job order); any other directory: every run and sweep found below it, sorted by path.
// Runs whose status is not "ok" are an error when named directly; found inside a sweep or a tree
// they are skipped with a warning appended to *warnings.
std::vector<RunRecord> collect_runs(const std::vector<std::string>& paths,
                                    std::vector<std::string>* warnings);

struct Stats {
  double mean = 0;
  std::optional<double> std;  // sample standard deviation (n - 1); absent for n < 2
  int count = 0;              // runs with a value
};
// nullopt when no value is given.
std::optional<Stats> stats_of(const std::vector<double>& values);

// '*' matches any run of characters (including '/'); everything else literally.
bool wildcard_match(const std::string& pattern, const std::string& text);

// Splits "a,b,c" (empty items dropped).
std::vector<std::string> split_list(const std::string& text, char separator = ',');

}  // namespace motlab::report
