// plot `metric_scatter`: one metric against another (e.g. R@10 against KV-cache bytes per query),
// runs grouped into labelled series (e.g. one line per pruner across its lambda values), points
// joined in the given order. Written as <run dir>/plots/<file>.svg.
#include <nlohmann/json.hpp>

#include "framework/artifacts/run_dir.h"
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/atomic_file.h"
#include "framework/report/svg_plot.h"
#include "framework/run/stage_reports.h"

namespace motlab {
namespace {

struct MetricScatterSettings {
  std::string file, title, x, y, x_label, y_label;
  double x_scale = 1.0;
};

SettingsSchema<MetricScatterSettings> metric_scatter_settings() {
  using S = MetricScatterSettings;
  return SettingsSchema<S>()
      .required("file", &S::file, "output name: plots/<file>.svg")
      .option("title", &S::title, "plot title")
      .required("x", &S::x, "metrics.json key on the x axis")
      .required("y", &S::y, "metrics.json key on the y axis")
      .option("x_label", &S::x_label, "x axis label (default: the key)")
      .option("y_label", &S::y_label, "y axis label (default: the key)")
      .option("x_scale", &S::x_scale, "factor applied to x (e.g. bytes -> KiB)");
}

struct SeriesSpec {
  std::string label;
  std::vector<std::string> runs;
};

SettingsSchema<SeriesSpec> metric_scatter_series_settings() {
  using S = SeriesSpec;
  return SettingsSchema<S>()
      .required("label", &S::label, "legend label")
      .required("runs", &S::runs, "runs of the series");
}

class MetricScatter : public Report {
 public:
  MetricScatter(std::string file, std::string title, std::string x, std::string y,
                std::string x_label, std::string y_label, double x_scale,
                std::vector<SeriesSpec> series)
      : file_(std::move(file)),
        title_(std::move(title)),
        x_(std::move(x)),
        y_(std::move(y)),
        x_label_(std::move(x_label)),
        y_label_(std::move(y_label)),
        x_scale_(x_scale),
        series_(std::move(series)) {}

  void write(const std::map<std::string, std::string>& stage_dirs, RunContext& run) override {
    report::LinePlot plot;
    plot.title = title_;
    plot.x_label = x_label_.empty() ? x_ : x_label_;
    plot.y_label = y_label_.empty() ? y_ : y_label_;
    for (const auto& spec : series_) {
      report::Series series;
      series.label = spec.label;
      for (const auto& name : spec.runs) {
        auto it = stage_dirs.find(name);
        MOTLAB_CHECK(it != stage_dirs.end(), "metric_scatter '", file_, "': run '", name,
                     "' is not given");
        const RunDir run_dir(it->second);
        MOTLAB_CHECK(run_dir.has_summary(), "metric_scatter '", file_,
                     "': ", run_dir.summary_file(), " is missing");
        const RunSummary summary = run_dir.summary();
        const std::string who = "metric_scatter '" + file_ + "'";
        series.x.push_back(summary.require_metric(x_, who) * x_scale_);
        series.y.push_back(summary.require_metric(y_, who));
      }
      plot.series.push_back(series);
    }
    const std::string path = run.path("plots/" + file_ + ".svg");
    write_file_atomic(path, report::to_svg(plot));
    log::info("report", "wrote " + path);
  }

 private:
  std::string file_, title_, x_, y_, x_label_, y_label_;
  double x_scale_;
  std::vector<SeriesSpec> series_;
};

}  // namespace

MOTLAB_REGISTER(plot_family, "metric_scatter",
                "one metrics.json key against another, runs grouped into series (SVG)",
                OptionSchema(metric_scatter_settings().options())
                    .list("series", metric_scatter_series_settings().options(),
                          "one line per series of runs"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Report> {
                  MOTLAB_CHECK(!o.items("series").empty(), o.describe("series"),
                               ": series must be a non-empty list of {label, runs}");
                  const auto series_settings = metric_scatter_series_settings();
                  std::vector<SeriesSpec> series;
                  for (const Options& item : o.items("series"))
                    series.push_back(series_settings.read(item));
                  const MetricScatterSettings s = metric_scatter_settings().read(o);
                  return std::make_shared<MetricScatter>(s.file, s.title, s.x, s.y, s.x_label,
                                                         s.y_label, s.x_scale, series);
                });

}  // namespace motlab
