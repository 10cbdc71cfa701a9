#include "framework/report/table.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "framework/core/error.h"

namespace motlab::report {
namespace {

bool has_value(const Cell& cell) { return cell.value && std::isfinite(*cell.value); }

bool has_spread(const Cell& cell) { return cell.spread && std::isfinite(*cell.spread); }

bool any_spread(const Table& table) {
  for (const auto& section : table.sections)
    for (const auto& row : section.rows)
      for (const auto& cell : row.cells)
        if (has_value(cell) && has_spread(cell)) return true;
  return false;
}

std::string reference_text(const Table& table, const Row& row) {
  return table.reference_label + ": " + row.label;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Markdown table cells cannot hold '|'.
std::string markdown_text(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string latex_text(const std::string& text) {
  std::string out;
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    const char next = k + 1 < text.size() ? text[k + 1] : '\0';
    if ((c == '>' || c == '<') && next == '=') {
      out += c == '>' ? "$\\geq$" : "$\\leq$";
      ++k;
      continue;
    }
    switch (c) {
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '<':
        out += "$<$";
        break;
      case '>':
        out += "$>$";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string column_title(const ColumnGroup& group, const Column& column) {
  return group.name.empty() ? column.name : group.name + " " + column.name;
}

std::string latex_arrow(Better better) {
  return better == Better::kHigher  ? "$\\uparrow$"
         : better == Better::kLower ? "$\\downarrow$"
                                    : "";
}

}  // namespace

Better parse_better(const std::string& text, const std::string& where) {
  if (text == "higher") return Better::kHigher;
  if (text == "lower") return Better::kLower;
  if (text == "none") return Better::kNone;
  MOTLAB_FAIL(where, ": expected 'higher', 'lower' or 'none', got '", text, "'");
}

size_t Table::column_count() const {
  size_t count = 0;
  for (const auto& group : groups) count += group.columns.size();
  return count;
}

const Column& Table::column(size_t index) const {
  for (const auto& group : groups) {
    if (index < group.columns.size()) return group.columns[index];
    index -= group.columns.size();
  }
  MOTLAB_FAIL("table '", title, "': column index out of range");
}

void Table::validate() const {
  const size_t columns = column_count();
  MOTLAB_CHECK(columns > 0, "table '", title, "' has no columns");
  for (const auto& section : sections)
    for (const auto& row : section.rows)
      MOTLAB_CHECK(row.cells.size() == columns, "table '", title, "' row '", row.label, "' has ",
                   row.cells.size(), " cells for ", columns, " columns");
}

std::string format_number(double value, int precision) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", precision, value);
  std::string text = buffer;
  if (text.find_first_not_of("-0.") == std::string::npos && text[0] == '-') text.erase(0, 1);
  return text;
}

std::vector<std::vector<std::vector<bool>>> best_cells(const Table& table) {
  table.validate();
  const size_t columns = table.column_count();
  std::vector<std::vector<std::vector<bool>>> best;
  for (const auto& section : table.sections) {
    std::vector<std::vector<bool>> marks(section.rows.size(), std::vector<bool>(columns, false));
    for (size_t c = 0; c < columns; ++c) {
      const Better better = table.column(c).better;
      if (better == Better::kNone) continue;
      std::vector<std::pair<size_t, double>> candidates;
      for (size_t r = 0; r < section.rows.size(); ++r) {
        const Row& row = section.rows[r];
        if (row.reference || !has_value(row.cells[c])) continue;
        candidates.emplace_back(r, std::stod(format_number(*row.cells[c].value, table.precision)));
      }
      if (candidates.size() < 2) continue;
      double target = candidates[0].second;
      for (const auto& [r, v] : candidates)
        target = better == Better::kHigher ? std::max(target, v) : std::min(target, v);
      for (const auto& [r, v] : candidates)
        if (v == target) marks[r][c] = true;
    }
    best.push_back(std::move(marks));
  }
  return best;
}

std::string to_markdown(const Table& table) {
  const auto best = best_cells(table);
  const size_t columns = table.column_count();
  std::ostringstream out;
  if (!table.title.empty()) out << "**" << markdown_text(table.title) << "**\n\n";
  out << "| " << markdown_text(table.row_header);
  for (const auto& group : table.groups)
    for (const auto& column : group.columns)
      out << " | " << markdown_text(column_title(group, column));
  out << " |\n|:--";
  for (size_t c = 0; c < columns; ++c) out << "|--:";
  out << "|\n";
  for (size_t s = 0; s < table.sections.size(); ++s) {
    const Section& section = table.sections[s];
    if (!section.title.empty()) {
      out << "| **" << markdown_text(section.title) << "**";
      for (size_t c = 0; c <= columns; ++c) out << " |";
      out << "\n";
    }
    for (size_t r = 0; r < section.rows.size(); ++r) {
      const Row& row = section.rows[r];
      // Reference rows: italic and labelled as the paper's numbers.
      const std::string wrap = row.reference ? "_" : "";
      out << "| " << wrap << markdown_text(row.reference ? reference_text(table, row) : row.label)
          << wrap;
      for (size_t c = 0; c < columns; ++c) {
        const Cell& cell = row.cells[c];
        out << " | ";
        if (!has_value(cell)) {
          out << "-";
          continue;
        }
        const std::string mark = best[s][r][c] ? "**" : wrap;
        out << mark << format_number(*cell.value, table.precision) << mark;
        if (has_spread(cell)) out << " ± " << format_number(*cell.spread, table.precision);
      }
      out << " |\n";
    }
  }
  return out.str();
}

std::string to_csv(const Table& table) {
  table.validate();
  const bool spreads = any_spread(table);
  std::ostringstream out;
  out << "section," << csv_field(table.row_header) << ",source";
  for (const auto& group : table.groups) {
    for (const auto& column : group.columns) {
      out << "," << csv_field(column_title(group, column));
      if (spreads) out << "," << csv_field(column_title(group, column) + " std");
    }
  }
  out << "\n";
  for (const auto& section : table.sections) {
    for (const auto& row : section.rows) {
      out << csv_field(section.title) << "," << csv_field(row.label) << ","
          << csv_field(row.reference ? table.reference_label : "ours");
      for (const auto& cell : row.cells) {
        out << ",";
        if (has_value(cell)) out << format_number(*cell.value, table.precision);
        if (spreads) {
          out << ",";
          if (has_value(cell) && has_spread(cell))
            out << format_number(*cell.spread, table.precision);
        }
      }
      out << "\n";
    }
  }
  return out.str();
}

std::string to_latex(const Table& table) {
  const auto best = best_cells(table);
  const size_t columns = table.column_count();
  const size_t width = columns + 1;
  std::ostringstream out;
  out << "% motlab table; needs \\usepackage{booktabs}\n";
  out << "\\begin{table}[t]\n\\centering\n";
  if (!table.title.empty()) out << "\\caption{" << latex_text(table.title) << "}\n";
  if (!table.label.empty()) out << "\\label{" << table.label << "}\n";
  out << "\\begin{tabular}{l";
  for (size_t c = 0; c < columns; ++c) out << "r";
  out << "}\n\\toprule\n";
  bool group_header = false;
  for (const auto& group : table.groups) group_header = group_header || !group.name.empty();
  if (group_header) {
    std::string rules;
    size_t first = 2;
    for (const auto& group : table.groups) {
      const size_t n = group.columns.size();
      if (n == 0) continue;
      out << " & \\multicolumn{" << n << "}{c}{" << latex_text(group.name) << "}";
      if (!group.name.empty())
        rules += (rules.empty() ? "" : " ") + std::string("\\cmidrule(lr){") +
                 std::to_string(first) + "-" + std::to_string(first + n - 1) + "}";
      first += n;
    }
    out << " \\\\\n" << rules << "\n";
  }
  out << latex_text(table.row_header);
  for (const auto& group : table.groups)
    for (const auto& column : group.columns)
      out << " & " << latex_text(column.name) << latex_arrow(column.better);
  out << " \\\\\n";
  for (size_t s = 0; s < table.sections.size(); ++s) {
    const Section& section = table.sections[s];
    out << "\\midrule\n";
    if (!section.title.empty())
      out << "\\multicolumn{" << width << "}{l}{\\textit{" << latex_text(section.title)
          << "}} \\\\\n";
    bool seen_own = false;
    bool in_reference = false;
    for (size_t r = 0; r < section.rows.size(); ++r) {
      const Row& row = section.rows[r];
      if (row.reference && !in_reference && seen_own) out << "\\addlinespace\n";
      in_reference = row.reference;
      seen_own = seen_own || !row.reference;
      out << (row.reference ? "\\textit{" + latex_text(reference_text(table, row)) + "}"
                            : latex_text(row.label));
      for (size_t c = 0; c < columns; ++c) {
        const Cell& cell = row.cells[c];
        out << " & ";
        if (!has_value(cell)) {
          out << "-";
          continue;
        }
        const std::string number = format_number(*cell.value, table.precision);
        if (best[s][r][c])
          out << "\\textbf{" << number << "}";
        else if (row.reference)
          out << "\\textit{" << number << "}";
        else
          out << number;
        if (has_spread(cell))
          out << " {\\scriptsize $\\pm$" << format_number(*cell.spread, table.precision) << "}";
      }
      out << " \\\\\n";
    }
  }
  out << "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
  return out.str();
}

std::string render(const Table& table, const std::string& format) {
  if (format == "md") return to_markdown(table);
  if (format == "csv") return to_csv(table);
  if (format == "tex") return to_latex(table);
  MOTLAB_FAIL("unknown table format '", format, "' (expected md, csv or tex)");
}

}  // namespace motlab::report
