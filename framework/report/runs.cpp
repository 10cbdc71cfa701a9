#include "framework/report/runs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "framework/config/config.h"
#include "framework/config/overrides.h"
#include "framework/core/error.h"

namespace motlab::report {
namespace fs = std::filesystem;

namespace {

bool is_run_dir(const fs::path& dir) { return RunDir(dir.string()).has_summary(); }
bool is_sweep_dir(const fs::path& dir) { return fs::is_regular_file(dir / "multirun.yaml"); }

void add_checked(const std::string& dir, bool named_directly, std::vector<RunRecord>* out,
                 std::vector<std::string>* warnings) {
  RunRecord run = load_run(dir);
  if (run.status == "ok") {
    out->push_back(std::move(run));
    return;
  }
  const std::string status = run.status.empty() ? "no status" : "status '" + run.status + "'";
  MOTLAB_CHECK(!named_directly, run.summary.file, ": the run did not finish (", status,
               "); only finished runs can be reported");
  if (warnings) warnings->push_back("skipped " + dir + " (" + status + ")");
}

void add_sweep(const fs::path& sweep, std::vector<RunRecord>* out,
               std::vector<std::string>* warnings) {
  const std::string file = (sweep / "multirun.yaml").string();
  Config multirun = Config::from_yaml_file(file);
  Config jobs;
  MOTLAB_CHECK(multirun.find("jobs", &jobs) && jobs.is_list(), file, ": expected a 'jobs' list");
  for (size_t k = 0; k < jobs.size(); ++k) {
    const fs::path dir = sweep / jobs.at(k).get<std::string>("dir");
    if (!is_run_dir(dir)) {
      if (warnings) warnings->push_back("skipped " + dir.string() + " (never ran)");
      continue;
    }
    add_checked(dir.string(), false, out, warnings);
  }
}

void add_tree(const fs::path& root, std::vector<RunRecord>* out,
              std::vector<std::string>* warnings) {
  std::vector<fs::path> children;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory()) children.push_back(entry.path());
  std::sort(children.begin(), children.end());
  for (const auto& child : children) {
    if (is_sweep_dir(child))
      add_sweep(child, out, warnings);
    else if (is_run_dir(child))
      add_checked(child.string(), false, out, warnings);
    else
      add_tree(child, out, warnings);
  }
}

}  // namespace

RunRecord load_run(const std::string& dir) {
  RunRecord run;
  run.dir = dir;
  const RunDir run_dir(dir);
  run.summary = run_dir.summary();
  run.status = run.summary.status;
  const std::string overrides_file = run_dir.file("overrides.yaml");
  if (fs::exists(overrides_file)) {
    Config list = Config::from_yaml_file(overrides_file);
    MOTLAB_CHECK(list.is_null() || list.is_list(), overrides_file, ": expected a list");
    for (size_t k = 0; k < list.size(); ++k) {
      const std::string text = list.at(k).scalar_text();
      Override o = parse_override(text);
      const std::string key = o.key_text();
      run.override_texts.push_back(text);
      run.overrides[key] = o.kind == Override::Kind::kDelete ? "<deleted>" : o.value_text;
    }
  }
  const std::string choices_file = run_dir.file("choices.yaml");
  if (fs::exists(choices_file)) {
    Config choices = Config::from_yaml_file(choices_file);
    for (const auto& [group, option] : choices.items())
      if (option.is_scalar()) run.choices[group] = option.scalar_text();
  }
  return run;
}

std::vector<RunRecord> collect_runs(const std::vector<std::string>& paths,
                                    std::vector<std::string>* warnings) {
  std::vector<RunRecord> runs;
  for (const auto& path : paths) {
    const fs::path dir(path);
    MOTLAB_CHECK(fs::is_directory(dir), "'", path, "' is not a directory");
    if (is_run_dir(dir)) {
      add_checked(path, true, &runs, warnings);
    } else if (is_sweep_dir(dir)) {
      add_sweep(dir, &runs, warnings);
    } else {
      const size_t before = runs.size();
      add_tree(dir, &runs, warnings);
      MOTLAB_CHECK(runs.size() > before, "'", path,
                   "' holds no finished run (no metrics.json with status ok below it)");
    }
  }
  return runs;
}

std::optional<Stats> stats_of(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  Stats stats;
  stats.count = static_cast<int>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  stats.mean = sum / static_cast<double>(values.size());
  if (values.size() >= 2) {
    double squares = 0;
    for (double v : values) squares += (v - stats.mean) * (v - stats.mean);
    stats.std = std::sqrt(squares / static_cast<double>(values.size() - 1));
  }
  return stats;
}

bool wildcard_match(const std::string& pattern, const std::string& text) {
  // Iterative glob with backtracking to the last '*'.
  size_t p = 0, t = 0, star = std::string::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> items;
  std::string item;
  for (char c : text) {
    if (c == separator) {
      if (!item.empty()) items.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  if (!item.empty()) items.push_back(item);
  return items;
}

}  // namespace motlab::report
