// `motlab compare`: runs grouped by the values of their swept config keys (seeds pooled), mean and
// std of each metric per group, pivoted into a table, plus the plots a researcher wants first:
// R@k curves per group and a metric against each swept key.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "framework/report/runs.h"
#include "framework/report/svg_plot.h"
#include "framework/report/table.h"

namespace motlab::report {

// Keys whose override values differ between runs (a key one run lacks counts as "<unset>"),
// ignoring `ignore` (default: seed) and run.* (paths/names), sorted.
std::vector<std::string> swept_keys(const std::vector<RunRecord>& runs,
                                    const std::vector<std::string>& ignore = {"seed"});

struct RunGroup {
  std::vector<std::string> values;  // one per `by` key ("<unset>" when a run lacks it)
  std::vector<const RunRecord*> runs;
  std::string label(const std::vector<std::string>& by) const;  // "a=1, b=x" ("all runs")
};

// Groups by the `by` keys. Order: each key's values sorted numerically when all are numbers,
// else as text ("<unset>" first), the first key slowest.
std::vector<RunGroup> group_runs(const std::vector<RunRecord>& runs,
                                 const std::vector<std::string>& by);

// The metric keys to compare: every key matching one of `patterns` ('*' wildcards) in any run, in
// first-seen order. Without patterns: protocol (a)'s retrieval metrics ("all/t2m/R01" ...) when the
// runs have them, else every numeric metric except counts ("*/len", "*/batches").
std::vector<std::string> select_metrics(const std::vector<RunRecord>& runs,
                                        const std::vector<std::string>& patterns);

// Stats of `metric` over the runs of a group (runs without a value are left out).
std::optional<Stats> group_stats(const RunGroup& group, const std::string& metric);

// "R01" -> "R@1", "MedR" stays; used for column names.
std::string pretty_metric(const std::string& name);
// +1 when higher is better (recalls, accuracies), -1 when lower is (MedR, losses), 0 unknown.
int metric_direction(const std::string& name);

// Rows = groups (label with n when a group has several runs), column groups = metric prefixes
// ("all/t2m" -> "all t2m"), cells = mean +- std; best marked per column with a known direction.
Table comparison_table(const std::vector<RunGroup>& groups, const std::vector<std::string>& by,
                       const std::vector<std::string>& metrics, int precision = 2);

struct NamedPlot {
  std::string file;  // "recall_all_t2m.svg"
  LinePlot plot;
};
// R@k curves (one per metric prefix with at least two R@k columns among `metrics`, one series per
// group) and `plot_metrics` against each swept key in `by` (series = the other keys' values;
// numeric keys on a numeric axis, others categorical).
std::vector<NamedPlot> comparison_plots(const std::vector<RunGroup>& groups,
                                        const std::vector<std::string>& by,
                                        const std::vector<std::string>& metrics,
                                        const std::vector<std::string>& plot_metrics);

// One line per run: dir, group label, each `by` value, each metric (CSV).
std::string runs_csv(const std::vector<RunGroup>& groups, const std::vector<std::string>& by,
                     const std::vector<std::string>& metrics);

}  // namespace motlab::report
