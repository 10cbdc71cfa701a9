// motlab compare <run dirs, sweep dirs or result trees...> [--by k1,k2] [--metric P1,P2]
//                [--plot-metric K1,K2] [--ignore seed] [--out DIR] [--formats md,csv,tex]
//                [--precision 2]
// Groups runs by their swept config keys (auto: keys whose override values differ, seeds pooled),
// writes mean +- std tables (compare.md/.csv/.tex), one line per run (runs.csv) and SVG plots.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "framework/artifacts/run_dir.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/atomic_file.h"
#include "framework/report/compare.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int compare_command(CommandLine& cl) {
  std::vector<std::string> paths;
  std::string out_dir;
  std::vector<std::string> formats{"md", "csv", "tex"}, by, metric_patterns, plot_metrics,
      ignore{"seed"};
  bool png = false;
  int64_t precision = 2;
  cl.describe(
        "  groups runs by their swept config keys, pools each group's runs (seeds) as\n"
        "  mean +- std and writes compare.{md,csv,tex}, runs.csv and one SVG plot per swept key")
      .rest("runs", &paths, "run dirs, sweep dirs or result trees", 1)
      .list("by", &by, "K1,K2",
            "group by these override keys (default: keys whose values differ, minus --ignore)")
      .list("metric", &metric_patterns, "P1,P2",
            "metrics.json keys, '*' wildcards (default: all/{t2m,m2t}/R@1..MedR)")
      .list("plot-metric", &plot_metrics, "K1,K2",
            "metrics drawn against each swept key (default: all/t2m/R10 or the first)")
      .list("ignore", &ignore, "K1,K2", "keys never used for grouping")
      .text("out", &out_dir, "DIR",
            "default: <dir>/compare for a single sweep dir or tree; else stdout only")
      .list("formats", &formats, "md,csv,tex", "table formats")
      .integer("precision", &precision, 0, 10, "N", "decimals in the tables")
      .flag("png", &png, "also convert each plot to PNG with rsvg-convert (Debian: librsvg2-bin)")
      .parse();
  const bool by_given = cl.given("by");
  MOTLAB_CHECK(!png || std::system("command -v rsvg-convert >/dev/null 2>&1") == 0,
               "motlab compare: --png needs rsvg-convert (Debian package librsvg2-bin; "
               "tools/setup.sh installs it)");
  for (const auto& format : formats)
    MOTLAB_CHECK(format == "md" || format == "csv" || format == "tex", "motlab compare: unknown ",
                 "format '", format, "' in --formats (known: md, csv, tex)");
  std::string format_list;
  for (const auto& format : formats) format_list += (format_list.empty() ? "" : ",") + format;
  std::vector<std::string> warnings;
  const std::vector<report::RunRecord> runs = report::collect_runs(paths, &warnings);
  for (const auto& w : warnings) log::warn("compare", w);
  if (!by_given) by = report::swept_keys(runs, ignore);
  const std::vector<report::RunGroup> groups = report::group_runs(runs, by);
  const std::vector<std::string> metrics = report::select_metrics(runs, metric_patterns);
  if (plot_metrics.empty()) {
    const bool has_r10 = std::find(metrics.begin(), metrics.end(), "all/t2m/R10") != metrics.end();
    plot_metrics = {has_r10 ? "all/t2m/R10" : metrics.front()};
  }
  std::string by_text;
  for (const auto& key : by) by_text += (by_text.empty() ? "" : ", ") + key;
  log::info("compare", std::to_string(runs.size()) + " runs in " + std::to_string(groups.size()) +
                           " groups by [" + by_text + "], " + std::to_string(metrics.size()) +
                           " metrics");
  report::Table table = report::comparison_table(groups, by, metrics, static_cast<int>(precision));
  std::cout << report::to_markdown(table);

  if (out_dir.empty() && paths.size() == 1 && !RunDir(paths[0]).has_summary())
    out_dir = paths[0] + "/compare";
  if (out_dir.empty()) {
    log::info("compare", "pass --out DIR to write the tables, runs.csv and the plots");
    return 0;
  }
  make_dirs(out_dir);
  report::write_table(table, out_dir + "/compare", format_list);
  write_file_atomic(out_dir + "/runs.csv", report::runs_csv(groups, by, metrics));
  int plots = 0;
  for (const auto& named : report::comparison_plots(groups, by, metrics, plot_metrics)) {
    const std::string svg = out_dir + "/" + named.file;
    write_file_atomic(svg, report::to_svg(named.plot));
    if (png) {
      const std::string png_file = svg.substr(0, svg.size() - 4) + ".png";
      const std::string command =
          "rsvg-convert -o " + shell_quoted(png_file) + " " + shell_quoted(svg);
      MOTLAB_CHECK(std::system(command.c_str()) == 0, "motlab compare: '", command, "' failed");
    }
    ++plots;
  }
  log::info("compare", "wrote compare.{" + format_list + "}, runs.csv and " +
                           std::to_string(plots) + " plots to " + out_dir);
  std::cout << out_dir << "\n";
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("compare",
               "aggregate runs or sweeps: group by swept keys, mean +- std tables and SVG plots",
               motlab::cli::compare_command);
