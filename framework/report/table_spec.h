// Declarative result tables (configs/table/*.yaml): which metrics.json key fills each cell, which
// rows of the paper's published numbers are shown as reference rows, and how each run's row is
// labelled. `build_table` fills a report::Table from run directories.
//
// Spec keys:
//   title, label (LaTeX), row_header, precision
//   metric_key:  template of the metrics.json key, with {section} {direction} {metric}
//   row_label:   sources tried in order: choice:<group> (choices.yaml), override:<key>,
//                info:<key> (a string in metrics.json), dir (the run dir's name)
//   row_names:   {raw label: shown label}, e.g. {tmr: TMR}
//   reference:   {file: <csv, relative to the spec file>, label: "paper (their data)"}, optional
//   groups:      [{name, direction}]    column groups (t2m, m2t)
//   columns:     [{name, metric, better}]  repeated in each group; name = the CSV column
//   sections:    [{title, key, reference: {csv column: value}}]
#pragma once
#include <map>
#include <string>
#include <vector>

#include "framework/report/runs.h"
#include "framework/report/table.h"

namespace motlab::report {

struct TableSpec {
  struct Group {
    std::string name, direction;
  };
  struct Column {
    std::string name, metric;
    Better better = Better::kNone;
  };
  struct Section {
    std::string title, key;
    std::map<std::string, std::string> reference_filter;  // CSV column -> value
  };
  std::string name;  // file stem
  std::string file;
  std::string title, label, row_header = "Method";
  int precision = 2;
  std::string metric_key = "{section}/{direction}/{metric}";
  std::vector<std::string> row_label{"dir"};
  std::map<std::string, std::string> row_names;
  std::string reference_file;  // absolute, or "" for none
  std::string reference_label = "paper (their data)";
  std::vector<Group> groups;
  std::vector<Column> columns;
  std::vector<Section> sections;

  // metrics.json key of one cell.
  std::string key_for(const Section& section, const Group& group, const Column& column) const;
};

// `name_or_file`: an existing .yaml path, else <config_dir>/table/<name>.yaml. Errors name the
// file and key, and list the available specs when the name is unknown.
TableSpec load_table_spec(const std::string& name_or_file, const std::string& config_dir);

// A CSV file with a header row (RFC 4180 quoting).
struct CsvRows {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
};
CsvRows read_csv(const std::string& path);

struct TableOptions {
  std::vector<std::string> labels;  // one per run, overriding the spec's row_label ("" = keep)
  bool allow_missing = false;       // a missing key renders as '-' with a warning
  bool include_reference = true;
};

// Row label of one run from the spec's row_label sources (then row_names).
std::string row_label_of(const TableSpec& spec, const RunRecord& run);

// Runs with the same label are pooled (mean +- std, "(n=K)" in the label). A key absent from a
// run's metrics.json is an error naming the run dir and the key unless allow_missing; a key whose
// value is null (no value, e.g. an empty subset) renders as '-' with a warning.
Table build_table(const TableSpec& spec, const std::vector<RunRecord>& runs,
                  const TableOptions& options, std::vector<std::string>* warnings);

}  // namespace motlab::report
