// plot `metric_scatter`: one metric against another (e.g. R@10 against KV-cache bytes per query),
// runs grouped into labelled series (e.g. one line per pruner across its lambda values), points
// joined in the given order. Written as <run dir>/plots/<file>.svg.
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/atomic_file.h"
#include "framework/report/svg_plot.h"
#include "framework/run/stage_reports.h"

namespace motlab {
namespace {

struct SeriesSpec {
  std::string label;
  std::vector<std::string> runs;
};

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
        const std::string path = it->second + "/metrics.json";
        MOTLAB_CHECK(file_exists(path), "metric_scatter '", file_, "': ", path, " is missing");
        const auto m = nlohmann::json::parse(read_file(path));
        for (const auto* key : {&x_, &y_})
          MOTLAB_CHECK(m.contains(*key) && m[*key].is_number(), path, " has no number '", *key,
                       "'");
        series.x.push_back(m[x_].get<double>() * x_scale_);
        series.y.push_back(m[y_].get<double>());
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
                [](const Config& node) -> std::shared_ptr<Report> {
                  Options o(node, "plot 'metric_scatter'");
                  const std::string file = o.required<std::string>("file");
                  const std::string title = o.get<std::string>("title", "");
                  const std::string x = o.required<std::string>("x");
                  const std::string y = o.required<std::string>("y");
                  const std::string x_label = o.get<std::string>("x_label", "");
                  const std::string y_label = o.get<std::string>("y_label", "");
                  const double x_scale = o.get<double>("x_scale", 1.0);
                  Config series_node = o.node("series");
                  o.finish();
                  MOTLAB_CHECK(series_node.is_list() && series_node.size() > 0,
                               series_node.describe(),
                               ": series must be a non-empty list of {label, runs}");
                  std::vector<SeriesSpec> series;
                  for (size_t k = 0; k < series_node.size(); ++k) {
                    Options s(series_node.at(k), "metric_scatter series");
                    series.push_back({s.required<std::string>("label"),
                                      s.required<std::vector<std::string>>("runs")});
                    s.finish();
                  }
                  return std::make_shared<MetricScatter>(file, title, x, y, x_label, y_label,
                                                         x_scale, series);
                });

}  // namespace motlab
