// motlab table <spec name or file> <run=dir | dir ...> [--out DIR] [--formats md,csv,tex]
// Renders a table spec (configs/table/<spec>.yaml, a `table` family component such as
// retrieval_table) from finished run directories, outside a pipeline: each spec row names a run
// (`run: tmr`); give it as tmr=<dir>, or give a plain dir and its `method` choice (choices.yaml)
// names it. Sweep dirs and result trees expand to their runs. Writes <out>/tables/<file>.<fmt>
// and prints the Markdown.
#include <filesystem>
#include <iostream>

#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/strings.h"
#include "framework/io/atomic_file.h"
#include "framework/report/runs.h"
#include "framework/run/runner.h"
#include "framework/run/stage_reports.h"
#include "framework/run/task.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {
namespace fs = std::filesystem;

int table_command(CommandLine& cl) {
  std::string spec_name, out_dir = ".", config_dir = default_config_dir();
  std::vector<std::string> run_args, formats;
  cl.describe("  writes <out>/tables/<file>.<format> and prints the Markdown")
      .positional("spec", &spec_name,
                  "configs/table/<name>.yaml (table1, table2, ...) or a path to such a file")
      .rest("run=dir | dir", &run_args,
            "name=dir gives the run a spec row names (`run: tmr`); a plain dir (or a sweep dir) "
            "is named by its `method` choice in choices.yaml",
            1)
      .text("out", &out_dir, "DIR", "output directory")
      .list("formats", &formats, "md,csv,tex", "table formats (default: the spec's)")
      .text("config-dir", &config_dir, "DIR", "primary config folder holding table/")
      .parse();
  std::vector<std::string> positional{spec_name};
  positional.insert(positional.end(), run_args.begin(), run_args.end());
  for (const auto& format : formats)
    MOTLAB_CHECK(format == "md" || format == "csv" || format == "tex", "motlab table: unknown ",
                 "format '", format, "' in --formats (known: md, csv, tex)");

  // The spec: a file, else an option of the table group.
  std::string spec_file = positional[0];
  if (!fs::is_regular_file(spec_file)) {
    std::vector<std::string> dirs{config_dir};
    for (const auto& dir : extra_config_folders()) dirs.push_back(dir);
    const ConfigSearchPath paths(dirs);
    spec_file = paths.find("table/" + positional[0] + ".yaml");
    MOTLAB_CHECK(!spec_file.empty(), "motlab table: no spec '", positional[0],
                 "' (not a file, and not an option of the table group; available: ",
                 join_names(paths.options_of("table"), "none"), ")");
  }
  Config spec = Config::from_yaml_file(spec_file);
  if (!formats.empty()) {
    std::string format_list;
    for (const auto& format : formats) format_list += (format_list.empty() ? "" : ",") + format;
    spec = spec.with("formats", Config::string(format_list));
  }

  // Runs by name.
  std::map<std::string, std::string> runs;
  auto add = [&](const std::string& name, const std::string& dir) {
    MOTLAB_CHECK(!runs.count(name), "motlab table: two runs are named '", name, "' (",
                 runs.count(name) ? runs.at(name) : "", " and ", dir,
                 "); name them explicitly with name=dir");
    runs[name] = dir;
  };
  for (size_t k = 1; k < positional.size(); ++k) {
    const std::string& item = positional[k];
    const size_t eq = item.find('=');
    if (eq != std::string::npos && eq > 0) {
      const std::string dir = item.substr(eq + 1);
      report::collect_runs({dir}, nullptr);  // checks it is a finished run
      add(item.substr(0, eq), dir);
      continue;
    }
    std::vector<std::string> warnings;
    for (const auto& run : report::collect_runs({item}, &warnings)) {
      auto method = run.choices.find("method");
      MOTLAB_CHECK(method != run.choices.end() && method->second != "null",
                   "motlab table: ", run.dir,
                   " has no `method` choice in choices.yaml to name it; give name=", run.dir);
      add(method->second, run.dir);
    }
    for (const auto& w : warnings) log::warn("table", w);
  }

  make_dirs(out_dir);
  RunContext context(Config::dict({}), out_dir, torch::Device(torch::kCPU), 0);
  MOTLAB_CHECK(spec.has("_target_"), spec_file,
               ": no _target_ (a table spec names its table component)");
  table_family().build(spec, BuildContext{})->write(runs, context);
  const std::string stem = spec.get<std::string>("file", "");
  const std::string markdown = out_dir + "/tables/" + stem + ".md";
  if (!stem.empty() && file_exists(markdown)) std::cout << read_file(markdown);
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("table",
               "render a table spec (configs/table/<spec>) from run dirs: Markdown, CSV, LaTeX",
               motlab::cli::table_command);
