// plot `recall_curves`: R@k against k (1, 2, 3, 5, 10) for each run, one line per run, for one
// protocol and direction; optionally the paper's curves (dashed, labelled as the paper's).
// Written as <run dir>/plots/<file>.svg.
#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/artifacts/run_dir.h"
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/atomic_file.h"
#include "framework/report/svg_plot.h"
#include "framework/run/runner.h"
#include "framework/run/stage_reports.h"

namespace motlab {
namespace {

struct RecallCurvesSettings {
  std::string file, title, metrics = "all", direction = "t2m";
};

SettingsSchema<RecallCurvesSettings> recall_curves_settings() {
  using S = RecallCurvesSettings;
  return SettingsSchema<S>()
      .required("file", &S::file, "output name: plots/<file>.svg")
      .option("title", &S::title, "plot title")
      .option("metrics", &S::metrics, "protocol entry whose R@k are drawn")
      .choice("direction", &S::direction, {"t2m", "m2t"}, "retrieval direction");
}

struct Curve {
  std::string label, run;
};

SettingsSchema<Curve> recall_curves_run_settings() {
  using S = Curve;
  return SettingsSchema<S>()
      .required("label", &S::label, "legend label")
      .required("run", &S::run, "the run (a stage name, or label=<dir>)");
}

class RecallCurves : public Report {
 public:
  RecallCurves(std::string file, std::string title, std::string metrics, std::string direction,
               std::vector<Curve> curves)
      : file_(std::move(file)),
        title_(std::move(title)),
        metrics_(std::move(metrics)),
        direction_(std::move(direction)),
        curves_(std::move(curves)) {}

  void write(const std::map<std::string, std::string>& stage_dirs, RunContext& run) override {
    report::LinePlot plot;
    plot.title = title_;
    plot.x_label = "k";
    plot.y_label =
        std::string(direction_ == "t2m" ? "text-to-motion" : "motion-to-text") + " R@k (%)";
    plot.x_ticks = {1, 2, 3, 5, 10};
    plot.y_max = 100;
    for (const auto& curve : curves_) {
      auto it = stage_dirs.find(curve.run);
      MOTLAB_CHECK(it != stage_dirs.end(), "recall_curves '", file_, "': run '", curve.run,
                   "' is not given");
      const RunDir run_dir(it->second);
      MOTLAB_CHECK(run_dir.has_summary(), "recall_curves '", file_, "': ", run_dir.summary_file(),
                   " is missing");
      const RunSummary summary = run_dir.summary();
      report::Series series;
      series.label = curve.label;
      for (const auto& [k, key] : std::vector<std::pair<double, const char*>>{
               {1, "R01"}, {2, "R02"}, {3, "R03"}, {5, "R05"}, {10, "R10"}}) {
        const std::string name = metrics_ + "/" + direction_ + "/" + key;
        series.x.push_back(k);
        series.y.push_back(summary.require_metric(name, "recall_curves '" + file_ + "'"));
      }
      plot.series.push_back(series);
    }
    const std::string path = run.path("plots/" + file_ + ".svg");
    write_file_atomic(path, report::to_svg(plot));
    log::info("report", "wrote " + path);
  }

 private:
  std::string file_, title_, metrics_, direction_;
  std::vector<Curve> curves_;
};

}  // namespace

MOTLAB_REGISTER(plot_family, "recall_curves", "R@k against k, one line per run (SVG)",
                OptionSchema(recall_curves_settings().options())
                    .list("runs", recall_curves_run_settings().options(), "one curve per run"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Report> {
                  const RecallCurvesSettings s = recall_curves_settings().read(o);
                  MOTLAB_CHECK(!o.items("runs").empty(), o.describe("runs"),
                               ": runs must be a non-empty list of {label, run}");
                  const auto run_settings = recall_curves_run_settings();
                  std::vector<Curve> curves;
                  for (const Options& c : o.items("runs")) curves.push_back(run_settings.read(c));
                  return std::make_shared<RecallCurves>(s.file, s.title, s.metrics, s.direction,
                                                        curves);
                });

}  // namespace motlab
