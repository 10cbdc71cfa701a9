// table `metrics_table`: one row per run, one column per metrics.json key (any metric: KV-cache
// bytes, R@10 of a protocol, training time...), best per column marked by the column's direction.
// Written as <run dir>/tables/<file>.{md,csv,tex}.
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/atomic_file.h"
#include "framework/report/table.h"
#include "framework/run/stage_reports.h"

namespace motlab {
namespace {

struct RunRow {
  std::string label, run;
};
struct MetricColumn {
  std::string header, metric;
  int decimals;
  bool higher_is_better;
  bool mark_best;  // false for descriptive columns (e.g. tokens per query)
};

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
      table.columns.push_back({c.header, "", c.higher_is_better, c.decimals, c.mark_best});
    report::RowGroup group;
    for (const auto& r : rows_) {
      auto it = stage_dirs.find(r.run);
      MOTLAB_CHECK(it != stage_dirs.end(), "metrics_table '", file_, "': run '", r.run,
                   "' is not given");
      const std::string path = it->second + "/metrics.json";
      MOTLAB_CHECK(file_exists(path), "metrics_table '", file_, "': ", path, " is missing");
      const auto metrics = nlohmann::json::parse(read_file(path));
      report::Row row;
      row.label = r.label;
      for (const auto& c : columns_) {
        MOTLAB_CHECK(metrics.contains(c.metric), path, " has no '", c.metric, "'");
        report::Cell cell;
        if (metrics[c.metric].is_number()) cell.value = metrics[c.metric].get<double>();
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
                OptionSchema()
                    .required<std::string>("file", "output name: tables/<file>.<format>")
                    .option<std::string>("title", "", "heading of the Markdown table")
                    .option<std::string>("formats", "md,csv,tex", "comma-separated: md, csv, tex")
                    .list("rows",
                          OptionSchema()
                              .required<std::string>("label", "row label")
                              .required<std::string>("run",
                                                     "the run (a stage name, or label=<dir>)"),
                          "one row per run")
                    .list("columns",
                          OptionSchema()
                              .required<std::string>("header", "column header")
                              .required<std::string>("metric", "metrics.json key")
                              .option<int64_t>("decimals", 2, "digits after the point")
                              .option<bool>("higher_is_better", true, "which end mark_best marks")
                              .option<bool>("mark_best", true, "bold the best value of the column"),
                          "one column per metric"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Report> {
                  MOTLAB_CHECK(!o.items("rows").empty(), o.describe("rows"),
                               ": rows must be a non-empty list of {label, run}");
                  MOTLAB_CHECK(!o.items("columns").empty(), o.describe("columns"),
                               ": columns must be a non-empty list of {header, metric}");
                  std::vector<RunRow> rows;
                  for (const Options& r : o.items("rows"))
                    rows.push_back({r.get<std::string>("label"), r.get<std::string>("run")});
                  std::vector<MetricColumn> columns;
                  for (const Options& c : o.items("columns")) {
                    MetricColumn column;
                    column.header = c.get<std::string>("header");
                    column.metric = c.get<std::string>("metric");
                    column.decimals = static_cast<int>(c.get<int64_t>("decimals"));
                    column.higher_is_better = c.get<bool>("higher_is_better");
                    column.mark_best = c.get<bool>("mark_best");
                    columns.push_back(column);
                  }
                  const std::string file = o.get<std::string>("file");
                  const std::string title = o.get<std::string>("title");
                  const std::string formats = o.get<std::string>("formats");
                  return std::make_shared<MetricsTable>(file, title, formats, rows, columns);
                });

}  // namespace motlab
