// A small model of a results table (sections of rows x groups of columns, cells with an optional
// spread) and its renderers to Markdown, CSV and LaTeX (booktabs). The best value of each column is
// marked per section, in the column's direction (higher for R@k, lower for MedR), among the rows of
// your own runs; reference rows (another paper's published numbers) are shown apart, labelled, and
// never compete for best.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace motlab::report {

enum class Better { kHigher, kLower, kNone };

// "higher" | "lower" | "none"; throws naming `where` otherwise.
Better parse_better(const std::string& text, const std::string& where);

struct Column {
  std::string name;  // "R@1"
  Better better = Better::kNone;
};

struct ColumnGroup {
  std::string name;  // "Text-to-motion"; "" for a table without group headers
  std::vector<Column> columns;
};

struct Cell {
  std::optional<double> value;   // absent -> rendered as '-' (empty in CSV)
  std::optional<double> spread;  // e.g. std over seeds, rendered as "value ± spread"
};

struct Row {
  std::string label;
  std::vector<Cell> cells;  // one per column, all groups flattened in order
  bool reference = false;   // the paper's published numbers, not one of your runs
};

struct Section {
  std::string title;  // "(a) All"; "" for a table with one unnamed section
  std::vector<Row> rows;
};

struct Table {
  std::string title;  // caption
  std::string label;  // LaTeX \label (e.g. "tab:table1"); "" for none
  std::string row_header = "Method";
  std::string reference_label = "paper (their data)";
  int precision = 2;
  std::vector<ColumnGroup> groups;
  std::vector<Section> sections;

  size_t column_count() const;
  const Column& column(size_t index) const;  // flattened index
  // Throws when a row has the wrong number of cells.
  void validate() const;
};

// best[s][r][c]: cell (r, c) of section s holds the best value of its column. Values are compared
// as rendered (rounded to `precision`), so displayed ties are all marked. A column is marked only
// when at least two non-reference rows of the section have a value.
std::vector<std::vector<std::vector<bool>>> best_cells(const Table& table);

// Fixed-point text with `precision` digits ("4.49"); NaN/absent handled by the callers.
std::string format_number(double value, int precision);

std::string to_markdown(const Table& table);
// Columns: section, row, source (ours | the reference label), then per column "<group> <name>"
// and, when any cell of the table has a spread, "<group> <name> std" right after it.
std::string to_csv(const Table& table);
std::string to_latex(const Table& table);

// Renders "md", "csv" or "tex"; throws listing the formats otherwise.
std::string render(const Table& table, const std::string& format);

}  // namespace motlab::report
