// table `retrieval_table`: the paper's Tables 1 and 2 from finished runs. Rows: each block (a
// protocol, or a subset of one) lists our methods (one run each, read from metrics.json) and then
// the paper's published numbers for the same block as reference rows, labelled as the paper's
// (results/reference/paper_tables.csv: their dataset, not ours). Columns: R@1, 2, 3, 5, 10 and MedR
// for text-to-motion and motion-to-text. Written as <run dir>/tables/<file>.{md,csv,tex}.
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "framework/artifacts/run_dir.h"
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/install_paths.h"
#include "framework/core/log.h"
#include "framework/io/atomic_file.h"
#include "framework/report/table.h"
#include "framework/run/runner.h"
#include "framework/run/stage_reports.h"

namespace motlab {
namespace {

struct RetrievalTableSettings {
  std::string file, title, formats = "md,csv,tex", paper_csv, paper_label = "paper";
};

SettingsSchema<RetrievalTableSettings> retrieval_table_settings() {
  using S = RetrievalTableSettings;
  return SettingsSchema<S>()
      .required("file", &S::file, "output name: tables/<file>.<format>")
      .option("title", &S::title, "heading of the Markdown table")
      .option("formats", &S::formats, "comma-separated: md, csv, tex")
      .option("paper_csv", &S::paper_csv,
              "the paper's numbers (results/reference/*.csv; empty: none)")
      .option("paper_label", &S::paper_label, "label of the paper's rows");
}

struct MethodRow {
  std::string label, run, paper;  // run: a stage name; paper: the method's name in paper_csv
};

SettingsSchema<MethodRow> retrieval_table_method_settings() {
  using S = MethodRow;
  return SettingsSchema<S>()
      .required("label", &S::label, "row label")
      .required("run", &S::run, "the run (a stage name, or label=<dir>)")
      .option("paper", &S::paper, "the method's name in paper_csv (empty: none)");
}

struct Block {
  std::string label, metrics, paper_protocol, paper_subset;
};

SettingsSchema<Block> retrieval_table_block_settings() {
  using S = Block;
  return SettingsSchema<S>()
      .required("label", &S::label, "block heading")
      .required("metrics", &S::metrics, "protocol entry of the metrics")
      .option("paper_protocol", &S::paper_protocol, "the protocol's name in paper_csv")
      .option("paper_subset", &S::paper_subset, "the subset's name in paper_csv");
}

const char* const kMetrics[] = {"R01", "R02", "R03", "R05", "R10", "MedR"};
const char* const kHeaders[] = {"R@1", "R@2", "R@3", "R@5", "R@10", "MedR"};
const char* const kPaperColumns[] = {"R@1", "R@2", "R@3", "R@5", "R@10", "MedR"};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  out.push_back(field);
  return out;
}

// (protocol, subset, method, direction) -> the six numbers of the paper.
using PaperKey = std::tuple<std::string, std::string, std::string, std::string>;
std::map<PaperKey, std::vector<double>> read_paper_table(const std::string& path) {
  std::ifstream in(path);
  MOTLAB_CHECK(in.good(), "retrieval_table: cannot read the paper's numbers '", path, "'");
  std::string line;
  std::getline(in, line);
  const auto header = split_csv_line(line);
  std::map<std::string, size_t> column;
  for (size_t k = 0; k < header.size(); ++k) column[header[k]] = k;
  for (const char* required : {"protocol", "subset", "method", "direction", "R@1", "MedR"})
    MOTLAB_CHECK(column.count(required), path, ": no column '", required, "'");
  std::map<PaperKey, std::vector<double>> out;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    const auto fields = split_csv_line(line);
    MOTLAB_CHECK(fields.size() == header.size(), path, ":", line_number, ": ", fields.size(),
                 " fields, the header has ", header.size());
    std::vector<double> values;
    for (const char* name : kPaperColumns) {
      try {
        values.push_back(std::stod(fields[column.at(name)]));
      } catch (const std::exception&) {
        MOTLAB_FAIL(path, ":", line_number, ": column ", name, " is not a number");
      }
    }
    out[{fields[column["protocol"]], fields[column["subset"]], fields[column["method"]],
         fields[column["direction"]]}] = values;
  }
  return out;
}

class RetrievalTable : public Report {
 public:
  RetrievalTable(std::string file, std::string title, std::string formats, std::string paper_csv,
                 std::string paper_label, std::vector<MethodRow> methods, std::vector<Block> blocks)
      : file_(std::move(file)),
        title_(std::move(title)),
        formats_(std::move(formats)),
        paper_csv_(std::move(paper_csv)),
        paper_label_(std::move(paper_label)),
        methods_(std::move(methods)),
        blocks_(std::move(blocks)) {}

  void write(const std::map<std::string, std::string>& stage_dirs, RunContext& run) override {
    std::map<std::string, RunSummary> metrics;
    for (const auto& m : methods_) {
      auto it = stage_dirs.find(m.run);
      MOTLAB_CHECK(it != stage_dirs.end(), "retrieval_table '", file_, "': method '", m.label,
                   "' names run '", m.run, "', which is not given");
      const RunDir run_dir(it->second);
      MOTLAB_CHECK(run_dir.has_summary(), "retrieval_table '", file_, "': ", run_dir.summary_file(),
                   " is missing");
      metrics[m.label] = run_dir.summary();
    }
    std::map<PaperKey, std::vector<double>> paper;
    if (!paper_csv_.empty()) paper = read_paper_table(resolve(paper_csv_));

    report::Table table;
    table.title = title_;
    if (!paper.empty())
      table.note = "Rows in italics (" + paper_label_ +
                   ") are the paper's published numbers on its own data (HumanML3D with Korean "
                   "captions), copied from results/reference/paper_tables.csv; the other rows are "
                   "this run's, on its data. Bold: best of this run's rows per column.";
    for (const char* direction : {"text-to-motion", "motion-to-text"})
      for (size_t k = 0; k < 6; ++k) table.columns.push_back({kHeaders[k], direction, k < 5, 2});
    for (const auto& block : blocks_) {
      report::RowGroup group;
      group.title = block.label;
      for (const auto& m : methods_) {
        report::Row row;
        row.label = m.label;
        for (const char* direction : {"t2m", "m2t"})
          for (const char* metric : kMetrics) {
            const std::string key = block.metrics + "/" + direction + "/" + metric;
            const RunSummary& summary = metrics[m.label];
            MOTLAB_CHECK(summary.has_metric(key), "retrieval_table '", file_, "': ", summary.file,
                         " has no '", key, "'");
            report::Cell cell;
            if (auto value = summary.metric(key)) cell.value = *value;
            row.cells.push_back(cell);
          }
        group.rows.push_back(row);
      }
      for (const auto& m : methods_) {
        if (m.paper.empty() || paper.empty()) continue;
        report::Row row;
        row.label = paper_label_ + ": " + m.paper;
        row.reference = true;
        bool found = true;
        for (const char* direction : {"t2m", "m2t"}) {
          auto it = paper.find({block.paper_protocol, block.paper_subset, m.paper, direction});
          if (it == paper.end()) {
            found = false;
            break;
          }
          for (double v : it->second) row.cells.push_back({v, std::nullopt});
        }
        if (found) group.rows.push_back(row);
      }
      table.groups.push_back(group);
    }
    const std::string stem = run.path("tables/" + file_);
    report::write_table(table, stem, formats_);
    log::info("report", "wrote " + stem + ".{" + formats_ + "}");
  }

 private:
  static std::string resolve(const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    if (file_exists(path)) return path;
    return motlab_home() + "/" + path;  // motlab's own files (the source tree, or share/motlab)
  }

  std::string file_, title_, formats_, paper_csv_, paper_label_;
  std::vector<MethodRow> methods_;
  std::vector<Block> blocks_;
};

}  // namespace

MOTLAB_REGISTER(table_family, "retrieval_table",
                "the paper's Table 1/2 layout (protocol blocks x methods, t2m and m2t) with the "
                "paper's numbers as labelled reference rows",
                OptionSchema(retrieval_table_settings().options())
                    .list("methods", retrieval_table_method_settings().options(),
                          "one row per method")
                    .list("blocks", retrieval_table_block_settings().options(),
                          "one block per protocol"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Report> {
                  const RetrievalTableSettings s = retrieval_table_settings().read(o);
                  std::vector<MethodRow> methods;
                  MOTLAB_CHECK(!o.items("methods").empty(), o.describe("methods"),
                               ": methods must be a non-empty list");
                  const auto method_settings = retrieval_table_method_settings();
                  for (const Options& m : o.items("methods"))
                    methods.push_back(method_settings.read(m));
                  std::vector<Block> blocks;
                  MOTLAB_CHECK(!o.items("blocks").empty(), o.describe("blocks"),
                               ": blocks must be a non-empty list");
                  const auto block_settings = retrieval_table_block_settings();
                  for (const Options& b : o.items("blocks"))
                    blocks.push_back(block_settings.read(b));
                  return std::make_shared<RetrievalTable>(s.file, s.title, s.formats, s.paper_csv,
                                                          s.paper_label, methods, blocks);
                });

}  // namespace motlab
