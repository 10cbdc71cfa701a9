// Line plots as standalone SVG (no dependencies): axes with "nice" ticks and grid, one polyline
// with point markers per series, optional symmetric error bars, title and a legend. Enough for
// R@k curves and a metric against a swept value; the output is well-formed XML.
#pragma once
#include <string>
#include <vector>

namespace motlab::report {

struct PlotSeries {
  std::string name;
  std::vector<double> x, y;
  std::vector<double> error;  // empty, or one half-width per point (NaN/0 = no bar)
};

struct PlotAxis {
  std::string label;
  // Explicit ticks (e.g. k = 1, 2, 3, 5, 10); empty = chosen automatically. With tick_labels
  // (same length) the ticks are labelled with those texts (categorical axes).
  std::vector<double> ticks;
  std::vector<std::string> tick_labels;
};

struct LinePlot {
  std::string title;
  PlotAxis x, y;
  std::vector<PlotSeries> series;
  int width = 720;
  int height = 420;
};

// Points with a non-finite x or y are left out (the line skips them). Throws when a series'
// vectors disagree in length or the plot has no finite point.
std::string render_svg(const LinePlot& plot);

// Ticks covering [lo, hi] with a 1/2/5 x 10^n step, about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace motlab::report
