// Minimal SVG line charts for result plots: series of (x, y) points with optional error bars,
// linear axes with rounded ticks, a legend, title and axis labels. Self-contained SVG 1.1 that
// browsers and rsvg-convert render.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace motlab::report {

struct Series {
  std::string label;
  std::vector<double> x, y;
  std::vector<double> error;  // empty, or one +- value per point
  bool dashed = false;        // e.g. reference (paper) series
};

struct LinePlot {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  std::vector<double> x_ticks;             // empty: automatic
  std::vector<std::string> x_tick_labels;  // empty, or a text per x tick (categorical axes)
  bool log_x = false;
  std::optional<double> y_min, y_max;  // default: from the data (y_min 0 when all >= 0)
  int width = 640, height = 420;
};

std::string to_svg(const LinePlot& plot);

// "Nice" tick values covering [low, high] (about `count` of them).
std::vector<double> nice_ticks(double low, double high, int count = 6);

}  // namespace motlab::report
