// motlab table <spec name or file> <run dirs or sweep dirs...> [--out DIR] [--formats md,csv,tex]
//              [--labels A,B,...] [--allow-missing] [--no-reference]
// Renders a declarative table (configs/table/<spec>.yaml) from finished runs: Markdown on stdout,
// and <spec>.md/.csv/.tex in --out.
#include <iostream>
#include <set>

#include "experiments/cli.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/atomic_file.h"
#include "framework/report/table_spec.h"
#include "framework/run/runner.h"

namespace motlab::cli {
namespace {

const char* kTableUsage =
    "usage: motlab table <spec name or file> <run dirs or sweep dirs...> [--out DIR]\n"
    "                    [--formats md,csv,tex] [--labels A,B,...] [--allow-missing]\n"
    "                    [--no-reference] [--config-dir DIR]\n"
    "  spec: configs/table/<name>.yaml (table1, table2) or a path to such a file\n";

int table_command(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  std::string out_dir, formats = "md,csv,tex", labels, config_dir = default_config_dir();
  report::TableOptions options;
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string& a = args[k];
    auto value = [&]() -> std::string {
      MOTLAB_CHECK(k + 1 < args.size(), "motlab table: ", a, " needs a value\n", kTableUsage);
      return args[++k];
    };
    if (a == "--help" || a == "-h") {
      std::cout << kTableUsage;
      return 0;
    } else if (a == "--out") {
      out_dir = value();
    } else if (a == "--formats") {
      formats = value();
    } else if (a == "--labels") {
      labels = value();
    } else if (a == "--config-dir") {
      config_dir = value();
    } else if (a == "--allow-missing") {
      options.allow_missing = true;
    } else if (a == "--no-reference") {
      options.include_reference = false;
    } else {
      MOTLAB_CHECK(a.rfind("--", 0) != 0, "motlab table: unknown flag ", a, "\n", kTableUsage);
      positional.push_back(a);
    }
  }
  MOTLAB_CHECK(positional.size() >= 2, "motlab table: expected a spec and at least one run dir\n",
               kTableUsage);
  const report::TableSpec spec = report::load_table_spec(positional[0], config_dir);
  std::vector<std::string> warnings;
  const std::vector<report::RunRecord> runs = report::collect_runs(
      std::vector<std::string>(positional.begin() + 1, positional.end()), &warnings);
  if (!labels.empty()) {
    options.labels = report::split_list(labels);
    MOTLAB_CHECK(options.labels.size() == runs.size(), "motlab table: --labels gives ",
                 options.labels.size(), " labels for ", runs.size(), " runs");
  }
  const report::Table table = report::build_table(spec, runs, options, &warnings);
  for (const auto& w : warnings) log::warn("table", w);
  const std::vector<std::string> chosen = report::split_list(formats);
  for (const auto& format : chosen) report::render(table, format);  // validates the names first
  std::cout << report::to_markdown(table);
  if (!out_dir.empty()) {
    make_dirs(out_dir);
    for (const auto& format : chosen) {
      const std::string path = out_dir + "/" + spec.name + "." + format;
      write_file_atomic(path, report::render(table, format));
      log::info("table", "wrote " + path);
    }
  }
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("table",
               "render a results table (configs/table/<spec>) from run dirs: Markdown, CSV, LaTeX",
               motlab::cli::table_command);
