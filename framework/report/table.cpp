#include "framework/report/table.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"

namespace motlab::report {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

namespace {

std::string number(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

std::string cell_text(const Cell& cell, const Column& column, const char* plus_minus) {
  if (!cell.value || !std::isfinite(*cell.value)) return "-";
  std::string text = number(*cell.value, column.decimals);
  if (cell.std) text += std::string(plus_minus) + number(*cell.std, column.decimals);
  return text;
}

std::string latex_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
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
      case '\\':
        out += "\\textbackslash{}";
        break;
      default:
        out += c;
    }
  }
  // ">=" reads better as a math symbol.
  for (size_t at = out.find(">="); at != std::string::npos; at = out.find(">=", at))
    out.replace(at, 2, "$\\geq$");
  return out;
}

}  // namespace

int Table::best_row(size_t group, size_t column) const {
  const auto& rows = groups.at(group).rows;
  if (!columns.at(column).mark_best) return -1;
  int best = -1;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].reference || column >= rows[r].cells.size()) continue;
    const auto& v = rows[r].cells[column].value;
    if (!v || !std::isfinite(*v)) continue;
    if (best < 0) {
      best = static_cast<int>(r);
      continue;
    }
    const double current = *rows[static_cast<size_t>(best)].cells[column].value;
    if (columns[column].higher_is_better ? *v > current : *v < current) best = static_cast<int>(r);
  }
  return best;
}

std::string to_markdown(const Table& table) {
  std::ostringstream out;
  if (!table.title.empty()) out << "**" << table.title << "**\n\n";
  out << "| |";
  for (const auto& c : table.columns)
    out << " " << (c.group.empty() ? "" : c.group + " ") << c.header << " |";
  out << "\n|---|";
  for (size_t k = 0; k < table.columns.size(); ++k) out << "---:|";
  out << "\n";
  for (size_t g = 0; g < table.groups.size(); ++g) {
    const auto& group = table.groups[g];
    if (!group.title.empty()) {
      out << "| **" << group.title << "** |";
      for (size_t k = 0; k < table.columns.size(); ++k) out << " |";
      out << "\n";
    }
    for (size_t r = 0; r < group.rows.size(); ++r) {
      const auto& row = group.rows[r];
      out << "| " << (row.reference ? "*" + row.label + "*" : row.label) << " |";
      for (size_t k = 0; k < table.columns.size(); ++k) {
        const std::string text =
            k < row.cells.size() ? cell_text(row.cells[k], table.columns[k], " ± ") : "-";
        const bool best = table.best_row(g, k) == static_cast<int>(r);
        out << " " << (best ? "**" + text + "**" : row.reference ? "*" + text + "*" : text) << " |";
      }
      out << "\n";
    }
  }
  if (!table.note.empty()) out << "\n" << table.note << "\n";
  return out.str();
}

std::string to_csv(const Table& table) {
  std::ostringstream out;
  out << "group,row,reference";
  for (const auto& c : table.columns)
    out << "," << csv_field((c.group.empty() ? "" : c.group + " ") + c.header);
  out << "\n";
  for (const auto& group : table.groups)
    for (const auto& row : group.rows) {
      out << csv_field(group.title) << "," << csv_field(row.label) << ","
          << (row.reference ? "1" : "0");
      for (size_t k = 0; k < table.columns.size(); ++k) {
        out << ",";
        if (k < row.cells.size() && row.cells[k].value && std::isfinite(*row.cells[k].value)) {
          out << number(*row.cells[k].value, table.columns[k].decimals + 2);
          if (row.cells[k].std)
            out << " +- " << number(*row.cells[k].std, table.columns[k].decimals + 2);
        }
      }
      out << "\n";
    }
  return out.str();
}

std::string to_latex(const Table& table) {
  std::ostringstream out;
  out << "\\begin{table}[t]\n\\centering\n\\small\n";
  if (!table.title.empty()) out << "\\caption{" << latex_escape(table.title) << "}\n";
  out << "\\begin{tabular}{l" << std::string(table.columns.size(), 'r') << "}\n\\toprule\n";
  // Column-group header with cmidrules.
  std::vector<std::pair<std::string, size_t>> spans;
  for (const auto& c : table.columns) {
    if (!spans.empty() && spans.back().first == c.group)
      ++spans.back().second;
    else
      spans.emplace_back(c.group, 1);
  }
  bool any_group = false;
  for (const auto& s : spans) any_group = any_group || !s.first.empty();
  if (any_group) {
    out << " ";
    size_t first = 2;
    std::string rules;
    for (const auto& [name, count] : spans) {
      out << " & \\multicolumn{" << count << "}{c}{" << latex_escape(name) << "}";
      if (!name.empty())
        rules += "\\cmidrule(lr){" + std::to_string(first) + "-" +
                 std::to_string(first + count - 1) + "}";
      first += count;
    }
    out << " \\\\\n" << rules << "\n";
  }
  out << "Method";
  for (const auto& c : table.columns)
    out << " & " << latex_escape(c.header)
        << (c.higher_is_better ? "$\\uparrow$" : "$\\downarrow$");
  out << " \\\\\n\\midrule\n";
  for (size_t g = 0; g < table.groups.size(); ++g) {
    const auto& group = table.groups[g];
    if (g > 0) out << "\\midrule\n";
    if (!group.title.empty())
      out << "\\multicolumn{" << table.columns.size() + 1 << "}{l}{\\textit{"
          << latex_escape(group.title) << "}} \\\\\n";
    for (size_t r = 0; r < group.rows.size(); ++r) {
      const auto& row = group.rows[r];
      out << (row.reference ? "\\textit{" + latex_escape(row.label) + "}"
                            : latex_escape(row.label));
      for (size_t k = 0; k < table.columns.size(); ++k) {
        std::string text =
            k < row.cells.size() ? cell_text(row.cells[k], table.columns[k], " $\\pm$ ") : "-";
        if (table.best_row(g, k) == static_cast<int>(r)) text = "\\textbf{" + text + "}";
        if (row.reference) text = "\\textit{" + text + "}";
        out << " & " << text;
      }
      out << " \\\\\n";
    }
  }
  out << "\\bottomrule\n\\end{tabular}\n";
  if (!table.note.empty()) out << "\\\\[2pt]{\\footnotesize " << latex_escape(table.note) << "}\n";
  out << "\\end{table}\n";
  return out.str();
}

void write_table(const Table& table, const std::string& stem, const std::string& formats) {
  std::stringstream list(formats);
  std::string format;
  while (std::getline(list, format, ',')) {
    if (format == "md")
      write_file_atomic(stem + ".md", to_markdown(table));
    else if (format == "csv")
      write_file_atomic(stem + ".csv", to_csv(table));
    else if (format == "tex")
      write_file_atomic(stem + ".tex", to_latex(table));
    else
      MOTLAB_FAIL("table formats: unknown format '", format, "' (known: md, csv, tex)");
  }
}

}  // namespace motlab::report
