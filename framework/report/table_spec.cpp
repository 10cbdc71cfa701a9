#include "framework/report/table_spec.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "framework/config/config.h"
#include "framework/core/error.h"

namespace motlab::report {
namespace fs = std::filesystem;

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> strings_of(const Config& node) {
  std::vector<std::string> out;
  if (node.is_scalar()) {
    out.push_back(node.scalar_text());
    return out;
  }
  MOTLAB_CHECK(node.is_list(), node.describe(), ": expected a string or a list of strings");
  for (size_t k = 0; k < node.size(); ++k) out.push_back(node.at(k).scalar_text());
  return out;
}

std::vector<std::string> available_specs(const std::string& config_dir) {
  std::vector<std::string> names;
  const fs::path dir = fs::path(config_dir) / "table";
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Splits one CSV record starting at `pos`; advances `pos` past its line end.
std::vector<std::string> csv_record(const std::string& text, size_t* pos, const std::string& path) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  size_t k = *pos;
  for (; k < text.size(); ++k) {
    const char c = text[k];
    if (quoted) {
      if (c == '"' && k + 1 < text.size() && text[k + 1] == '"') {
        field += '"';
        ++k;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(field);
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && k + 1 < text.size() && text[k + 1] == '\n') ++k;
      ++k;
      break;
    } else {
      field += c;
    }
  }
  MOTLAB_CHECK(!quoted, path, ": unterminated quoted field");
  fields.push_back(field);
  *pos = k;
  return fields;
}

}  // namespace

std::string TableSpec::key_for(const Section& section, const Group& group,
                               const Column& column) const {
  std::string key = replace_all(metric_key, "{section}", section.key);
  key = replace_all(key, "{direction}", group.direction);
  return replace_all(key, "{metric}", column.metric);
}

TableSpec load_table_spec(const std::string& name_or_file, const std::string& config_dir) {
  TableSpec spec;
  if (fs::is_regular_file(name_or_file)) {
    spec.file = name_or_file;
  } else {
    spec.file = (fs::path(config_dir) / "table" / (name_or_file + ".yaml")).string();
    if (!fs::is_regular_file(spec.file)) {
      std::string names;
      for (const auto& n : available_specs(config_dir)) names += (names.empty() ? "" : ", ") + n;
      MOTLAB_FAIL("no table spec '", name_or_file, "' (not a file, and no ", spec.file,
                  "); available: ", names.empty() ? "none" : names);
    }
  }
  spec.name = fs::path(spec.file).stem().string();
  const Config root = Config::from_yaml_file(spec.file);
  MOTLAB_CHECK(root.is_dict(), spec.file, ": expected a mapping");
  Options options(root, "table spec " + spec.file);
  spec.title = options.get<std::string>("title", "");
  spec.label = options.get<std::string>("label", "");
  spec.row_header = options.get<std::string>("row_header", spec.row_header);
  spec.precision = options.get<int>("precision", 2);
  MOTLAB_CHECK(spec.precision >= 0 && spec.precision <= 10, spec.file,
               ": precision must be in [0, 10]");
  spec.metric_key = options.get<std::string>("metric_key", spec.metric_key);
  if (options.has("row_label")) spec.row_label = strings_of(options.node("row_label"));
  for (const auto& source : spec.row_label) {
    const bool known = source == "dir" || source.rfind("choice:", 0) == 0 ||
                       source.rfind("override:", 0) == 0 || source.rfind("info:", 0) == 0;
    MOTLAB_CHECK(known, spec.file, ": row_label source '", source,
                 "' (expected choice:<group>, override:<key>, info:<key> or dir)");
  }
  if (options.has("row_names")) {
    const Config names = options.node("row_names");
    MOTLAB_CHECK(names.is_dict(), names.describe(), ": expected a mapping raw -> shown label");
    for (const auto& [raw, shown] : names.items()) spec.row_names[raw] = shown.scalar_text();
  }
  if (options.has("reference")) {
    const Config reference = options.node("reference");
    if (!reference.is_null()) {
      Options ref(reference, "table spec " + spec.file + " reference");
      const std::string file = ref.required<std::string>("file");
      spec.reference_label = ref.get<std::string>("label", spec.reference_label);
      ref.finish();
      const fs::path path =
          fs::path(file).is_absolute() ? fs::path(file) : fs::path(spec.file).parent_path() / file;
      spec.reference_file = fs::weakly_canonical(path).string();
    }
  }
  const Config groups = options.node("groups");
  MOTLAB_CHECK(groups.is_list() && groups.size() > 0, groups.describe(),
               ": expected a non-empty list of {name, direction}");
  for (size_t k = 0; k < groups.size(); ++k) {
    Options g(groups.at(k), "table spec " + spec.file + " groups");
    spec.groups.push_back({g.get<std::string>("name", ""), g.required<std::string>("direction")});
    g.finish();
  }
  const Config columns = options.node("columns");
  MOTLAB_CHECK(columns.is_list() && columns.size() > 0, columns.describe(),
               ": expected a non-empty list of {name, metric, better}");
  for (size_t k = 0; k < columns.size(); ++k) {
    Options c(columns.at(k), "table spec " + spec.file + " columns");
    TableSpec::Column column;
    column.name = c.required<std::string>("name");
    column.metric = c.required<std::string>("metric");
    column.better =
        parse_better(c.get<std::string>("better", "none"), columns.at(k).describe() + " better");
    c.finish();
    spec.columns.push_back(column);
  }
  const Config sections = options.node("sections");
  MOTLAB_CHECK(sections.is_list() && sections.size() > 0, sections.describe(),
               ": expected a non-empty list of {title, key, reference}");
  for (size_t k = 0; k < sections.size(); ++k) {
    Options s(sections.at(k), "table spec " + spec.file + " sections");
    TableSpec::Section section;
    section.title = s.get<std::string>("title", "");
    section.key = s.required<std::string>("key");
    if (s.has("reference")) {
      const Config filter = s.node("reference");
      MOTLAB_CHECK(filter.is_dict(), filter.describe(), ": expected {csv column: value}");
      for (const auto& [column, value] : filter.items())
        section.reference_filter[column] = value.scalar_text();
    }
    s.finish();
    spec.sections.push_back(section);
  }
  options.finish();
  return spec;
}

CsvRows read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  MOTLAB_CHECK(in.good(), "cannot read '", path, "'");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CsvRows csv;
  size_t pos = 0;
  MOTLAB_CHECK(!text.empty(), path, ": empty file (expected a header row)");
  csv.header = csv_record(text, &pos, path);
  int line = 1;
  while (pos < text.size()) {
    ++line;
    std::vector<std::string> fields = csv_record(text, &pos, path);
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    MOTLAB_CHECK(fields.size() == csv.header.size(), path, ":", line, ": ", fields.size(),
                 " fields, the header has ", csv.header.size());
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < fields.size(); ++k) row[csv.header[k]] = fields[k];
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

std::string row_label_of(const TableSpec& spec, const RunRecord& run) {
  std::string raw;
  for (const auto& source : spec.row_label) {
    if (source == "dir") {
      raw = fs::path(run.dir).filename().string();
      if (raw.empty()) raw = fs::path(run.dir).parent_path().filename().string();
    } else if (source.rfind("choice:", 0) == 0) {
      auto it = run.choices.find(source.substr(7));
      if (it != run.choices.end() && it->second != "null") raw = it->second;
    } else if (source.rfind("override:", 0) == 0) {
      auto it = run.overrides.find(source.substr(9));
      if (it != run.overrides.end()) raw = it->second;
    } else if (source.rfind("info:", 0) == 0) {
      auto it = run.metrics.find(source.substr(5));
      if (it != run.metrics.end() && it->is_string()) raw = it->get<std::string>();
    }
    if (!raw.empty()) break;
  }
  MOTLAB_CHECK(!raw.empty(), run.dir, ": no row label (tried ", spec.row_label.size(),
               " sources of ", spec.file, " row_label; give --labels)");
  auto named = spec.row_names.find(raw);
  return named == spec.row_names.end() ? raw : named->second;
}

Table build_table(const TableSpec& spec, const std::vector<RunRecord>& runs,
                  const TableOptions& options, std::vector<std::string>* warnings) {
  MOTLAB_CHECK(options.labels.empty() || options.labels.size() == runs.size(), "--labels gives ",
               options.labels.size(), " labels for ", runs.size(), " runs");
  Table table;
  table.title = spec.title;
  table.label = spec.label;
  table.row_header = spec.row_header;
  table.precision = spec.precision;
  table.reference_label = spec.reference_label;
  for (const auto& group : spec.groups) {
    ColumnGroup out{group.name, {}};
    for (const auto& column : spec.columns) out.columns.push_back({column.name, column.better});
    table.groups.push_back(out);
  }
  // Pool runs by label, in first-seen order.
  std::vector<std::string> labels;
  std::map<std::string, std::vector<const RunRecord*>> pooled;
  for (size_t k = 0; k < runs.size(); ++k) {
    const std::string label = !options.labels.empty() && !options.labels[k].empty()
                                  ? options.labels[k]
                                  : row_label_of(spec, runs[k]);
    if (!pooled.count(label)) labels.push_back(label);
    pooled[label].push_back(&runs[k]);
  }
  CsvRows reference;
  const bool with_reference = options.include_reference && !spec.reference_file.empty();
  if (with_reference) reference = read_csv(spec.reference_file);
  for (const auto& spec_section : spec.sections) {
    Section section{spec_section.title, {}};
    for (const auto& label : labels) {
      const auto& members = pooled[label];
      Row row;
      row.label =
          members.size() > 1 ? label + " (n=" + std::to_string(members.size()) + ")" : label;
      for (const auto& group : spec.groups) {
        for (const auto& column : spec.columns) {
          const std::string key = spec.key_for(spec_section, group, column);
          std::vector<double> values;
          for (const RunRecord* run : members) {
            if (!run->has_metric(key)) {
              MOTLAB_CHECK(options.allow_missing, run->dir, "/metrics.json has no metric '", key,
                           "' (needed by ", spec.file,
                           "; evaluate that protocol, or pass --allow-missing to show '-')");
              if (warnings) warnings->push_back(run->dir + ": no metric '" + key + "', shown as -");
              continue;
            }
            if (auto v = run->metric(key))
              values.push_back(*v);
            else if (warnings)
              warnings->push_back(run->dir + ": metric '" + key + "' is null, shown as -");
          }
          Cell cell;
          // A pooled cell is shown only when every run has it, so means never mix subsets.
          if (!values.empty() && values.size() == members.size()) {
            auto stats = stats_of(values);
            cell.value = stats->mean;
            cell.spread = stats->std;
          }
          row.cells.push_back(cell);
        }
      }
      section.rows.push_back(std::move(row));
    }
    if (with_reference && !spec_section.reference_filter.empty()) {
      // Reference rows: one per method, in the CSV's order, cells by direction and column name.
      std::vector<std::string> methods;
      std::map<std::string, std::map<std::string, const std::map<std::string, std::string>*>>
          by_method;  // method -> direction -> row
      for (const auto& csv_row : reference.rows) {
        bool match = true;
        for (const auto& [column, value] : spec_section.reference_filter) {
          auto it = csv_row.find(column);
          MOTLAB_CHECK(it != csv_row.end(), spec.reference_file, " has no column '", column,
                       "' (used by ", spec.file, ")");
          match = match && it->second == value;
        }
        if (!match) continue;
        const std::string method = csv_row.count("method") ? csv_row.at("method") : "";
        const std::string direction = csv_row.count("direction") ? csv_row.at("direction") : "";
        if (!by_method.count(method)) methods.push_back(method);
        by_method[method][direction] = &csv_row;
      }
      MOTLAB_CHECK(!methods.empty(), spec.reference_file, ": no row matches the reference of ",
                   spec.file, " section '", spec_section.title, "'");
      for (const auto& method : methods) {
        Row row;
        row.label = method;
        row.reference = true;
        for (const auto& group : spec.groups) {
          auto found = by_method[method].find(group.direction);
          for (const auto& column : spec.columns) {
            Cell cell;
            if (found != by_method[method].end()) {
              auto it = found->second->find(column.name);
              MOTLAB_CHECK(it != found->second->end(), spec.reference_file, " has no column '",
                           column.name, "' (a column of ", spec.file, ")");
              if (!it->second.empty()) {
                try {
                  cell.value = std::stod(it->second);
                } catch (const std::exception&) {
                  MOTLAB_FAIL(spec.reference_file, ": '", it->second, "' in column '", column.name,
                              "' is not a number");
                }
              }
            }
            row.cells.push_back(cell);
          }
        }
        section.rows.push_back(std::move(row));
      }
    }
    table.sections.push_back(std::move(section));
  }
  return table;
}

}  // namespace motlab::report
