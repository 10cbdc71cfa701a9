#include "framework/report/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>
#include <tuple>

#include "framework/core/error.h"
#include "framework/report/table.h"

namespace motlab::report {
namespace {

const char* kUnset = "<unset>";

bool parse_number(const std::string& text, double* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return false;
  *value = v;
  return true;
}

std::string value_of(const RunRecord& run, const std::string& key) {
  auto it = run.overrides.find(key);
  return it == run.overrides.end() ? kUnset : it->second;
}

// Sort rank of each distinct value of one key: numeric when every set value is a number.
std::map<std::string, size_t> value_order(const std::set<std::string>& values) {
  bool numeric = true;
  for (const auto& v : values) {
    double x = 0;
    if (v != kUnset && !parse_number(v, &x)) numeric = false;
  }
  std::vector<std::string> sorted(values.begin(), values.end());
  std::stable_sort(sorted.begin(), sorted.end(), [&](const std::string& a, const std::string& b) {
    if ((a == kUnset) != (b == kUnset)) return a == kUnset;
    if (numeric && a != kUnset && b != kUnset) {
      double x = 0, y = 0;
      parse_number(a, &x);
      parse_number(b, &y);
      return x < y;
    }
    return a < b;
  });
  std::map<std::string, size_t> rank;
  for (size_t k = 0; k < sorted.size(); ++k) rank[sorted[k]] = k;
  return rank;
}

// Splits "all/t2m/R01" into ("all/t2m", "R01"); "value" into ("", "value").
std::pair<std::string, std::string> split_metric(const std::string& key) {
  const size_t slash = key.rfind('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

int column_rank(const std::string& name) {
  static const std::vector<std::string> order{"R01", "R02", "R03", "R05", "R10", "MedR"};
  auto it = std::find(order.begin(), order.end(), name);
  return it == order.end() ? static_cast<int>(order.size()) : static_cast<int>(it - order.begin());
}

// Metric order: protocol, then t2m before m2t, then R@1..R@10, MedR, then others by name.
auto metric_sort_key(const std::string& key) {
  auto [prefix, name] = split_metric(key);
  std::string protocol = prefix;
  int direction = 2;
  for (const auto& [suffix, rank] : {std::pair<std::string, int>{"t2m", 0}, {"m2t", 1}}) {
    if (prefix == suffix ||
        (prefix.size() > suffix.size() &&
         prefix.compare(prefix.size() - suffix.size() - 1, suffix.size() + 1, "/" + suffix) == 0)) {
      protocol = prefix.substr(0, prefix.size() - suffix.size());
      direction = rank;
    }
  }
  return std::make_tuple(protocol, direction, column_rank(name), name);
}

// k of an "R05"-style recall column; 0 otherwise.
int recall_k(const std::string& name) {
  if (name.size() < 2 || name[0] != 'R') return 0;
  for (size_t k = 1; k < name.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(name[k]))) return 0;
  return std::atoi(name.c_str() + 1);
}

std::string file_safe(const std::string& text) {
  std::string out;
  for (char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t k = 0; k < items.size(); ++k) out += (k ? separator : "") + items[k];
  return out;
}

}  // namespace

std::vector<std::string> swept_keys(const std::vector<RunRecord>& runs,
                                    const std::vector<std::string>& ignore) {
  std::set<std::string> keys;
  for (const auto& run : runs)
    for (const auto& [key, value] : run.overrides) keys.insert(key);
  std::vector<std::string> swept;
  for (const auto& key : keys) {
    if (std::find(ignore.begin(), ignore.end(), key) != ignore.end()) continue;
    if (key.rfind("run.", 0) == 0 || key == "run") continue;
    std::set<std::string> values;
    for (const auto& run : runs) values.insert(value_of(run, key));
    if (values.size() > 1) swept.push_back(key);
  }
  return swept;
}

std::string RunGroup::label(const std::vector<std::string>& by) const {
  if (by.empty()) return "all runs";
  std::vector<std::string> parts;
  for (size_t k = 0; k < by.size(); ++k) parts.push_back(by[k] + "=" + values[k]);
  return join(parts, ", ");
}

std::vector<RunGroup> group_runs(const std::vector<RunRecord>& runs,
                                 const std::vector<std::string>& by) {
  std::vector<std::map<std::string, size_t>> ranks;
  for (const auto& key : by) {
    std::set<std::string> values;
    for (const auto& run : runs) values.insert(value_of(run, key));
    ranks.push_back(value_order(values));
  }
  std::map<std::vector<size_t>, RunGroup> groups;
  for (const auto& run : runs) {
    std::vector<size_t> position;
    std::vector<std::string> values;
    for (size_t k = 0; k < by.size(); ++k) {
      values.push_back(value_of(run, by[k]));
      position.push_back(ranks[k].at(values.back()));
    }
    RunGroup& group = groups[position];
    group.values = values;
    group.runs.push_back(&run);
  }
  std::vector<RunGroup> out;
  for (auto& [position, group] : groups) out.push_back(std::move(group));
  return out;
}

std::vector<std::string> select_metrics(const std::vector<RunRecord>& runs,
                                        const std::vector<std::string>& patterns) {
  std::set<std::string> available;
  for (const auto& run : runs)
    for (const auto& key : run.metric_keys()) available.insert(key);
  std::vector<std::string> chosen;
  if (!patterns.empty()) {
    for (const auto& pattern : patterns) {
      bool matched = false;
      for (const auto& key : available) {
        if (!wildcard_match(pattern, key)) continue;
        matched = true;
        if (std::find(chosen.begin(), chosen.end(), key) == chosen.end()) chosen.push_back(key);
      }
      MOTLAB_CHECK(matched, "--metric '", pattern, "' matches no metric of the runs (they have: ",
                   join(std::vector<std::string>(available.begin(), available.end()), ", "), ")");
    }
  } else {
    for (const char* direction : {"t2m", "m2t"})
      for (const char* name : {"R01", "R02", "R03", "R05", "R10", "MedR"}) {
        const std::string key = std::string("all/") + direction + "/" + name;
        if (available.count(key)) chosen.push_back(key);
      }
    if (chosen.empty()) {
      for (const auto& key : available) {
        const std::string last = split_metric(key).second;
        if (last != "len" && last != "batches") chosen.push_back(key);
      }
    }
  }
  std::stable_sort(chosen.begin(), chosen.end(), [](const std::string& a, const std::string& b) {
    return metric_sort_key(a) < metric_sort_key(b);
  });
  MOTLAB_CHECK(!chosen.empty(), "the runs have no numeric metrics to compare");
  return chosen;
}

std::optional<Stats> group_stats(const RunGroup& group, const std::string& metric) {
  std::vector<double> values;
  for (const RunRecord* run : group.runs)
    if (auto v = run->metric(metric)) values.push_back(*v);
  return stats_of(values);
}

std::string pretty_metric(const std::string& name) {
  const int k = recall_k(name);
  return k > 0 ? "R@" + std::to_string(k) : name;
}

int metric_direction(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "medr" || lower.find("loss") != std::string::npos) return -1;
  if (recall_k(name) > 0 || name.rfind("R@", 0) == 0 || lower.find("recall") != std::string::npos ||
      lower.find("acc") != std::string::npos)
    return 1;
  return 0;
}

Table comparison_table(const std::vector<RunGroup>& groups, const std::vector<std::string>& by,
                       const std::vector<std::string>& metrics, int precision) {
  Table table;
  table.title =
      "Runs grouped by " + (by.empty() ? std::string("nothing (all runs pooled)") : join(by, ", "));
  for (const auto& metric : metrics) {
    auto [prefix, name] = split_metric(metric);
    std::string group_name = prefix;
    std::replace(group_name.begin(), group_name.end(), '/', ' ');
    const int direction = metric_direction(name);
    Column column;
    column.header = pretty_metric(name);
    column.group = group_name;
    column.higher_is_better = direction >= 0;
    column.decimals = precision;
    column.mark_best = direction != 0;
    table.columns.push_back(column);
  }
  size_t most_runs = 0;
  for (const auto& group : groups) most_runs = std::max(most_runs, group.runs.size());
  if (most_runs > 1)
    table.note = "Cells: mean ± sample std (n - 1) over the runs of a group (n in the label).";
  RowGroup rows;
  for (const auto& group : groups) {
    Row row;
    row.label = group.label(by);
    if (group.runs.size() > 1) row.label += " (n=" + std::to_string(group.runs.size()) + ")";
    for (const auto& metric : metrics) {
      Cell cell;
      if (auto stats = group_stats(group, metric)) {
        cell.value = stats->mean;
        cell.std = stats->std;
      }
      row.cells.push_back(cell);
    }
    rows.rows.push_back(std::move(row));
  }
  table.groups.push_back(std::move(rows));
  return table;
}

std::vector<NamedPlot> comparison_plots(const std::vector<RunGroup>& groups,
                                        const std::vector<std::string>& by,
                                        const std::vector<std::string>& metrics,
                                        const std::vector<std::string>& plot_metrics) {
  std::vector<NamedPlot> plots;
  size_t most_runs = 0;
  for (const auto& group : groups) most_runs = std::max(most_runs, group.runs.size());
  const std::string spread_note = most_runs > 1 ? " (mean ± std)" : "";

  // R@k curves per metric prefix.
  std::vector<std::string> prefixes;
  std::map<std::string, std::vector<std::pair<int, std::string>>> recalls;
  for (const auto& metric : metrics) {
    auto [prefix, name] = split_metric(metric);
    if (const int k = recall_k(name)) {
      if (!recalls.count(prefix)) prefixes.push_back(prefix);
      recalls[prefix].emplace_back(k, metric);
    }
  }
  for (const auto& prefix : prefixes) {
    auto columns = recalls[prefix];
    if (columns.size() < 2) continue;
    std::sort(columns.begin(), columns.end());
    NamedPlot named;
    named.file = "recall_" + file_safe(prefix.empty() ? "runs" : prefix) + ".svg";
    named.plot.title = "R@k" + (prefix.empty() ? "" : ", " + prefix) + spread_note;
    named.plot.x_label = "k";
    named.plot.y_label = "R@k (%)";
    for (const auto& [k, metric] : columns) named.plot.x_ticks.push_back(k);
    bool any = false;
    for (const auto& group : groups) {
      Series series;
      series.label = group.label(by);
      for (const auto& [k, metric] : columns) {
        auto stats = group_stats(group, metric);
        series.x.push_back(k);
        series.y.push_back(stats ? stats->mean : NAN);
        series.error.push_back(stats && stats->std ? *stats->std : 0.0);
        any = any || stats.has_value();
      }
      named.plot.series.push_back(std::move(series));
    }
    if (any) plots.push_back(std::move(named));
  }

  // Each plot metric against each swept key.
  for (const auto& metric : plot_metrics) {
    for (size_t axis = 0; axis < by.size(); ++axis) {
      std::set<std::string> distinct;
      for (const auto& group : groups) distinct.insert(group.values[axis]);
      if (distinct.size() < 2) continue;
      const auto rank = value_order(distinct);
      std::vector<std::string> ordered(distinct.size());
      for (const auto& [value, position] : rank) ordered[position] = value;
      bool numeric = true;
      for (const auto& v : ordered) {
        double x = 0;
        numeric = numeric && parse_number(v, &x);
      }
      NamedPlot named;
      named.file = file_safe(metric) + "_vs_" + file_safe(by[axis]) + ".svg";
      auto [prefix, name] = split_metric(metric);
      const std::string shown = (prefix.empty() ? "" : prefix + " ") + pretty_metric(name);
      named.plot.title = shown + " vs " + by[axis] + spread_note;
      named.plot.x_label = by[axis];
      named.plot.y_label = shown;
      if (!numeric) {
        for (size_t k = 0; k < ordered.size(); ++k) {
          named.plot.x_ticks.push_back(static_cast<double>(k));
          named.plot.x_tick_labels.push_back(ordered[k]);
        }
      }
      // One series per combination of the other keys' values, in group order.
      std::vector<std::string> series_names;
      std::map<std::string, Series> by_name;
      bool any = false;
      for (const auto& group : groups) {
        std::vector<std::string> others;
        for (size_t k = 0; k < by.size(); ++k)
          if (k != axis) others.push_back(by[k] + "=" + group.values[k]);
        const std::string series_name = others.empty() ? shown : join(others, ", ");
        if (!by_name.count(series_name)) {
          series_names.push_back(series_name);
          by_name[series_name].label = series_name;
        }
        Series& series = by_name[series_name];
        double x = static_cast<double>(rank.at(group.values[axis]));
        if (numeric) parse_number(group.values[axis], &x);
        auto stats = group_stats(group, metric);
        series.x.push_back(x);
        series.y.push_back(stats ? stats->mean : NAN);
        series.error.push_back(stats && stats->std ? *stats->std : 0.0);
        any = any || stats.has_value();
      }
      for (const auto& series_name : series_names)
        named.plot.series.push_back(by_name[series_name]);
      if (any) plots.push_back(std::move(named));
    }
  }
  return plots;
}

std::string runs_csv(const std::vector<RunGroup>& groups, const std::vector<std::string>& by,
                     const std::vector<std::string>& metrics) {
  std::ostringstream out;
  out << "dir,group";
  for (const auto& key : by) out << "," << csv_field(key);
  for (const auto& metric : metrics) out << "," << csv_field(metric);
  out << "\n";
  for (const auto& group : groups) {
    for (const RunRecord* run : group.runs) {
      out << csv_field(run->dir) << "," << csv_field(group.label(by));
      for (const auto& value : group.values) out << "," << csv_field(value);
      for (const auto& metric : metrics) {
        out << ",";
        if (auto v = run->metric(metric)) {
          std::ostringstream number;
          number.precision(10);
          number << *v;
          out << number.str();
        }
      }
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace motlab::report
