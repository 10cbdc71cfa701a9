// table `metrics_table`: one row per run, one column per metrics.json key (any metric: KV-cache
// bytes, R@10 of a protocol, training time...), best per column marked by the column's direction.
// Written as <run dir>/tables/<file>.{md,csv,tex}.
#include <nlohmann/json.hpp>

#include "framework/artifacts/run_dir.h"
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/atomic_file.h"
#include "framework/report/table.h"
#include "framework/run/stage_reports.h"

namespace motlab {
namespace {

struct MetricsTableSettings {
  std::string file, title, formats = "md,csv,tex";
};

SettingsSchema<MetricsTableSettings> metrics_table_settings() {
  using S = MetricsTableSettings;
  return SettingsSchema<S>()
      .required("file", &S::file, "output name: tables/<file>.<format>")
      .option("title", &S::title, "heading of the Markdown table")
      .option("formats", &S::formats, "comma-separated: md, csv, tex");
}

struct RunRow {
  std::string label, run;
};

SettingsSchema<RunRow> metrics_table_row_settings() {
  using S = RunRow;
  return SettingsSchema<S>()
      .required("label", &S::label, "row label")
      .required("run", &S::run, "the run (a stage name, or label=<dir>)");
}

struct MetricColumn {
  std::string header, metric;
  int64_t decimals = 2;
  bool higher_is_better = true;
  bool mark_best = true;  // false for descriptive columns (e.g. tokens per query)
};

SettingsSchema<MetricColumn> metrics_table_column_settings() {
  using S = MetricColumn;
  return SettingsSchema<S>()
      .required("header", &S::header, "column header")
      .required("metric", &S::metric, "metrics.json key")
      .option("decimals", &S::decimals, "digits after the point")
      .option("higher_is_better", &S::higher_is_better, "which end mark_best marks")
      .option("mark_best", &S::mark_best, "bold the best value of the column");
}

class MetricsTable : public Report {
 public:
  MetricsTable(std::string file, std::string title, std::string formats, std::vector<RunRow> rows,
               std::vector<MetricColumn> columns)
      : file_(std::move(file)),
        title_(std::move(title)),
        formats_(std::move(formats)),
        rows_(std::move(rows)),
        columns_(std::move(columns)) {}

  void write(const std::map<std::string, std::string>& stage_dirs, RunContext& run) override {
    report::Table table;
    table.title = title_;
    for (const auto& c : columns_)
      table.columns.push_back(
          {c.header, "", c.higher_is_better, static_cast<int>(c.decimals), c.mark_best});
    report::RowGroup group;
    for (const auto& r : rows_) {
      auto it = stage_dirs.find(r.run);
      MOTLAB_CHECK(it != stage_dirs.end(), "metrics_table '", file_, "': run '", r.run,
                   "' is not given");
      const RunDir run_dir(it->second);
      MOTLAB_CHECK(run_dir.has_summary(), "metrics_table '", file_, "': ", run_dir.summary_file(),
                   " is missing");
      const RunSummary summary = run_dir.summary();
      report::Row row;
      row.label = r.label;
      for (const auto& c : columns_) {
        MOTLAB_CHECK(summary.has_metric(c.metric), summary.file, " has no '", c.metric, "'");
        report::Cell cell;
        if (auto value = summary.metric(c.metric)) cell.value = *value;
        row.cells.push_back(cell);
      }
      group.rows.push_back(row);
    }
    table.groups.push_back(group);
    const std::string stem = run.path("tables/" + file_);
    report::write_table(table, stem, formats_);
    log::info("report", "wrote " + stem + ".{" + formats_ + "}");
  }

 private:
  std::string file_, title_, formats_;
  std::vector<RunRow> rows_;
  std::vector<MetricColumn> columns_;
};

}  // namespace

MOTLAB_REGISTER(table_family, "metrics_table", "one row per run, one column per metrics.json key",
                OptionSchema(metrics_table_settings().options())
                    .list("rows", metrics_table_row_settings().options(), "one row per run")
                    .list("columns", metrics_table_column_settings().options(),
                          "one column per metric"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Report> {
                  MOTLAB_CHECK(!o.items("rows").empty(), o.describe("rows"),
                               ": rows must be a non-empty list of {label, run}");
                  MOTLAB_CHECK(!o.items("columns").empty(), o.describe("columns"),
                               ": columns must be a non-empty list of {header, metric}");
                  const auto row_settings = metrics_table_row_settings();
                  std::vector<RunRow> rows;
                  for (const Options& r : o.items("rows")) rows.push_back(row_settings.read(r));
                  const auto column_settings = metrics_table_column_settings();
                  std::vector<MetricColumn> columns;
                  for (const Options& c : o.items("columns"))
                    columns.push_back(column_settings.read(c));
                  const MetricsTableSettings s = metrics_table_settings().read(o);
                  return std::make_shared<MetricsTable>(s.file, s.title, s.formats, rows, columns);
                });

}  // namespace motlab
