#include "framework/report/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "framework/core/error.h"

namespace motlab::report {
namespace {

// Tableau 10: distinguishable, colour-blind tolerable.
const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

// Tick label: as many decimals as the tick step needs.
std::string tick_text(double value, double step) {
  int decimals = 0;
  if (step > 0 && std::isfinite(step)) {
    decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    // A step such as 0.25 needs one more digit than its magnitude suggests.
    const double scaled = step * std::pow(10.0, decimals);
    if (std::fabs(scaled - std::round(scaled)) > 1e-6) ++decimals;
  }
  decimals = std::min(decimals, 6);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find_first_not_of("-0.") == std::string::npos && text[0] == '-') text.erase(0, 1);
  return text;
}

struct Range {
  double lo = 0, hi = 0;
};

bool finite_point(const PlotSeries& s, size_t k) {
  return std::isfinite(s.x[k]) && std::isfinite(s.y[k]);
}

double error_at(const PlotSeries& s, size_t k) {
  if (s.error.empty() || !std::isfinite(s.error[k])) return 0.0;
  return std::fabs(s.error[k]);
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  MOTLAB_CHECK(std::isfinite(lo) && std::isfinite(hi) && lo <= hi && target > 0,
               "nice_ticks: bad range [", lo, ", ", hi, "]");
  if (hi - lo < 1e-12) {
    const double pad = lo == 0 ? 1.0 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  const double step = (normalized < 1.5 ? 1
                       : normalized < 3 ? 2
                       : normalized < 7 ? 5
                                        : 10) *
                      magnitude;
  const double first = std::floor(lo / step + 1e-9) * step;
  const double last = std::ceil(hi / step - 1e-9) * step;
  std::vector<double> ticks;
  for (int k = 0; first + k * step <= last + step * 1e-6; ++k) {
    double t = first + k * step;
    if (std::fabs(t) < step * 1e-9) t = 0;
    ticks.push_back(t);
  }
  return ticks;
}

std::string render_svg(const LinePlot& plot) {
  // Data ranges (y includes the error bars).
  bool any = false;
  Range xr, yr;
  for (const auto& s : plot.series) {
    MOTLAB_CHECK(s.x.size() == s.y.size() && (s.error.empty() || s.error.size() == s.y.size()),
                 "plot '", plot.title, "' series '", s.name, "': x, y and error lengths differ");
    for (size_t k = 0; k < s.x.size(); ++k) {
      if (!finite_point(s, k)) continue;
      const double e = error_at(s, k);
      if (!any) {
        xr = {s.x[k], s.x[k]};
        yr = {s.y[k] - e, s.y[k] + e};
        any = true;
      }
      xr = {std::min(xr.lo, s.x[k]), std::max(xr.hi, s.x[k])};
      yr = {std::min(yr.lo, s.y[k] - e), std::max(yr.hi, s.y[k] + e)};
    }
  }
  MOTLAB_CHECK(any, "plot '", plot.title, "' has no finite point to draw");
  MOTLAB_CHECK(plot.x.tick_labels.empty() || plot.x.tick_labels.size() == plot.x.ticks.size(),
               "plot '", plot.title, "': x tick labels and ticks differ in number");

  // x: explicit ticks span the axis with half a tick gap of padding; otherwise nice ticks.
  std::vector<double> xticks = plot.x.ticks;
  Range xaxis;
  double xstep = 0;
  if (!xticks.empty()) {
    for (double t : xticks) xr = {std::min(xr.lo, t), std::max(xr.hi, t)};
    const double span = xr.hi - xr.lo;
    const double pad = span > 0 ? span * 0.05 : 0.5;
    xaxis = {xr.lo - pad, xr.hi + pad};
    xstep = xticks.size() > 1 ? (xr.hi - xr.lo) / static_cast<double>(xticks.size() - 1) : 1;
  } else {
    xticks = nice_ticks(xr.lo, xr.hi);
    // A little room so that the first and last points do not sit on the frame.
    const double pad = (xticks.back() - xticks.front()) * 0.04;
    xaxis = {xticks.front() - pad, xticks.back() + pad};
    xstep = xticks.size() > 1 ? xticks[1] - xticks[0] : 1;
  }
  std::vector<double> yticks = plot.y.ticks.empty() ? nice_ticks(yr.lo, yr.hi) : plot.y.ticks;
  for (double t : yticks) yr = {std::min(yr.lo, t), std::max(yr.hi, t)};
  const Range yaxis = {yr.lo, yr.hi > yr.lo ? yr.hi : yr.lo + 1};
  const double ystep = yticks.size() > 1 ? yticks[1] - yticks[0] : 1;

  // Layout: title on top, legend on the right.
  const double left = 70, top = plot.title.empty() ? 20 : 44, bottom = 56;
  size_t longest = 0;
  for (const auto& s : plot.series) longest = std::max(longest, s.name.size());
  const double legend_width = std::min<double>(260, 40 + 7.0 * static_cast<double>(longest));
  const double right = 20 + legend_width;
  const double w = plot.width - left - right, h = plot.height - top - bottom;
  MOTLAB_CHECK(w > 50 && h > 50, "plot '", plot.title, "': ", plot.width, "x", plot.height,
               " is too small");
  auto px = [&](double x) { return left + (x - xaxis.lo) / (xaxis.hi - xaxis.lo) * w; };
  auto py = [&](double y) { return top + h - (y - yaxis.lo) / (yaxis.hi - yaxis.lo) * h; };

  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << plot.width << "\" height=\""
      << plot.height << "\" viewBox=\"0 0 " << plot.width << " " << plot.height
      << "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  out << "<rect x=\"0\" y=\"0\" width=\"" << plot.width << "\" height=\"" << plot.height
      << "\" fill=\"white\"/>\n";
  if (!plot.title.empty())
    out << "<text class=\"title\" x=\"" << num(left + w / 2) << "\" y=\"26\" text-anchor=\"middle\""
        << " font-size=\"15\">" << xml_escape(plot.title) << "</text>\n";

  // Grid, ticks and tick labels.
  out << "<g class=\"axes\" stroke=\"#000\" fill=\"none\">\n";
  for (double t : yticks) {
    out << "<line x1=\"" << num(left) << "\" y1=\"" << num(py(t)) << "\" x2=\"" << num(left + w)
        << "\" y2=\"" << num(py(t)) << "\" stroke=\"#e0e0e0\"/>\n";
  }
  out << "<line class=\"x-axis\" x1=\"" << num(left) << "\" y1=\"" << num(top + h) << "\" x2=\""
      << num(left + w) << "\" y2=\"" << num(top + h) << "\"/>\n";
  out << "<line class=\"y-axis\" x1=\"" << num(left) << "\" y1=\"" << num(top) << "\" x2=\""
      << num(left) << "\" y2=\"" << num(top + h) << "\"/>\n";
  for (double t : xticks)
    out << "<line class=\"tick\" x1=\"" << num(px(t)) << "\" y1=\"" << num(top + h) << "\" x2=\""
        << num(px(t)) << "\" y2=\"" << num(top + h + 5) << "\"/>\n";
  for (double t : yticks)
    out << "<line class=\"tick\" x1=\"" << num(left - 5) << "\" y1=\"" << num(py(t)) << "\" x2=\""
        << num(left) << "\" y2=\"" << num(py(t)) << "\"/>\n";
  out << "</g>\n<g class=\"tick-labels\" fill=\"#000\">\n";
  for (size_t k = 0; k < xticks.size(); ++k) {
    const std::string text =
        plot.x.tick_labels.empty() ? tick_text(xticks[k], xstep) : plot.x.tick_labels[k];
    out << "<text x=\"" << num(px(xticks[k])) << "\" y=\"" << num(top + h + 19)
        << "\" text-anchor=\"middle\">" << xml_escape(text) << "</text>\n";
  }
  for (double t : yticks)
    out << "<text x=\"" << num(left - 8) << "\" y=\"" << num(py(t) + 4) << "\" text-anchor=\"end\">"
        << xml_escape(tick_text(t, ystep)) << "</text>\n";
  out << "</g>\n";
  if (!plot.x.label.empty())
    out << "<text class=\"x-label\" x=\"" << num(left + w / 2) << "\" y=\"" << num(plot.height - 14)
        << "\" text-anchor=\"middle\">" << xml_escape(plot.x.label) << "</text>\n";
  if (!plot.y.label.empty())
    out << "<text class=\"y-label\" x=\"18\" y=\"" << num(top + h / 2)
        << "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " << num(top + h / 2) << ")\">"
        << xml_escape(plot.y.label) << "</text>\n";

  // Series.
  const double legend_x = left + w + 16;
  for (size_t s = 0; s < plot.series.size(); ++s) {
    const PlotSeries& series = plot.series[s];
    const char* color = kPalette[s % (sizeof(kPalette) / sizeof(kPalette[0]))];
    out << "<g class=\"series\" data-name=\"" << xml_escape(series.name) << "\" stroke=\"" << color
        << "\" fill=\"" << color << "\">\n";
    std::vector<size_t> order;
    for (size_t k = 0; k < series.x.size(); ++k)
      if (finite_point(series, k)) order.push_back(k);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return series.x[a] < series.x[b]; });
    if (order.size() > 1) {
      out << "<polyline fill=\"none\" stroke-width=\"2\" points=\"";
      for (size_t i = 0; i < order.size(); ++i)
        out << (i ? " " : "") << num(px(series.x[order[i]])) << "," << num(py(series.y[order[i]]));
      out << "\"/>\n";
    }
    for (size_t k : order) {
      const double e = error_at(series, k);
      if (e > 0) {
        const double x = px(series.x[k]), y0 = py(series.y[k] - e), y1 = py(series.y[k] + e);
        out << "<path class=\"error-bar\" fill=\"none\" stroke-width=\"1.2\" d=\"M" << num(x) << ","
            << num(y0) << "V" << num(y1) << "M" << num(x - 4) << "," << num(y0) << "H" << num(x + 4)
            << "M" << num(x - 4) << "," << num(y1) << "H" << num(x + 4) << "\"/>\n";
      }
      out << "<circle class=\"point\" cx=\"" << num(px(series.x[k])) << "\" cy=\""
          << num(py(series.y[k])) << "\" r=\"3.5\"/>\n";
    }
    out << "</g>\n";
    // Legend entry.
    const double ly = top + 8 + 20.0 * static_cast<double>(s);
    out << "<g class=\"legend-entry\">\n<line x1=\"" << num(legend_x) << "\" y1=\"" << num(ly)
        << "\" x2=\"" << num(legend_x + 22) << "\" y2=\"" << num(ly) << "\" stroke=\"" << color
        << "\" stroke-width=\"2\"/>\n<circle cx=\"" << num(legend_x + 11) << "\" cy=\"" << num(ly)
        << "\" r=\"3.5\" fill=\"" << color << "\"/>\n<text x=\"" << num(legend_x + 30) << "\" y=\""
        << num(ly + 4) << "\">" << xml_escape(series.name) << "</text>\n</g>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace motlab::report
