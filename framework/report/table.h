// A small table model for results: row groups (e.g. a protocol) of labelled rows, numeric cells
// with an optional +- std, best-per-column marking inside a group (higher or lower is better per
// column), and renderers to Markdown, CSV and LaTeX (booktabs, best in bold). Reference rows (the
// paper's published numbers) are rendered in italics, never marked best, and labelled as such.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace motlab::report {

struct Column {
  std::string header;  // e.g. "R@1"
  std::string group;   // e.g. "text-to-motion" ("" = none)
  bool higher_is_better = true;
  int decimals = 2;
  bool mark_best = true;  // false: no best marking (a column with no better direction)
};

struct Cell {
  std::optional<double> value;  // nullopt: "-"
  std::optional<double> std;    // shown as value +- std
};

struct Row {
  std::string label;
  std::vector<Cell> cells;
  bool reference = false;  // published numbers, not ours
};

struct RowGroup {
  std::string title;  // e.g. "(a) all test pairs" ("" = no heading)
  std::vector<Row> rows;
};

struct Table {
  std::string title;
  std::string note;  // a footnote (e.g. where the reference rows come from)
  std::vector<Column> columns;
  std::vector<RowGroup> groups;

  // Index of the best non-reference row of `group` in `column` (ties: first), or -1.
  int best_row(size_t group, size_t column) const;
};

std::string to_markdown(const Table& table);
std::string to_csv(const Table& table);    // one line per row, group title as the first field
std::string to_latex(const Table& table);  // a booktabs tabular inside a table environment

// Writes <stem>.md, <stem>.csv and <stem>.tex (atomically) for the formats listed ("md,csv,tex").
void write_table(const Table& table, const std::string& stem, const std::string& formats);

// One CSV field: quoted (with "" for ") when it holds a comma, a quote or a newline.
std::string csv_field(const std::string& text);

}  // namespace motlab::report
