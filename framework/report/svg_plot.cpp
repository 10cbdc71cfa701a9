#include "framework/report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "framework/core/error.h"

namespace motlab::report {
namespace {

const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                               "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string escape(const std::string& text) {
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
      default:
        out += c;
    }
  }
  return out;
}

std::string format_tick(double v) {
  char buffer[32];
  if (std::fabs(v - std::round(v)) < 1e-9)
    std::snprintf(buffer, sizeof(buffer), "%.0f", v);
  else
    std::snprintf(buffer, sizeof(buffer), "%g", v);
  return buffer;
}

}  // namespace

std::vector<double> nice_ticks(double low, double high, int count) {
  if (!(high > low)) high = low + 1;
  const double raw = (high - low) / std::max(1, count - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  std::vector<double> ticks;
  const double first = std::floor(low / step + 1e-9) * step;
  const double last = std::ceil(high / step - 1e-9) * step;
  for (double v = first; v <= last + step * 1e-9; v += step)
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return ticks;
}

std::string to_svg(const LinePlot& plot) {
  MOTLAB_CHECK(!plot.series.empty(), "plot '", plot.title, "': no series to draw");
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
  for (const auto& s : plot.series) {
    MOTLAB_CHECK(s.x.size() == s.y.size() && (s.error.empty() || s.error.size() == s.y.size()),
                 "plot '", plot.title, "': series '", s.label, "' has mismatched lengths");
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      const double e = s.error.empty() ? 0 : s.error[i];
      x_low = std::min(x_low, s.x[i]);
      x_high = std::max(x_high, s.x[i]);
      y_low = std::min(y_low, s.y[i] - e);
      y_high = std::max(y_high, s.y[i] + e);
    }
  }
  MOTLAB_CHECK(std::isfinite(x_low) && std::isfinite(y_low), "plot '", plot.title,
               "': no finite point");
  if (y_low >= 0) y_low = 0;
  if (plot.y_min) y_low = *plot.y_min;
  if (plot.y_max) y_high = *plot.y_max;
  std::vector<double> y_ticks = nice_ticks(y_low, y_high);
  y_low = y_ticks.front();
  y_high = y_ticks.back();
  std::vector<double> x_ticks = plot.x_ticks.empty() ? nice_ticks(x_low, x_high) : plot.x_ticks;
  if (plot.x_ticks.empty()) {
    x_low = x_ticks.front();
    x_high = x_ticks.back();
  }
  auto tx = [&](double v) { return plot.log_x ? std::log(v) : v; };
  const double left = 70, right = plot.width - 190, top = 50, bottom = plot.height - 60;
  // The canvas grows to the right so that long legend labels are never clipped
  // (about 7 px per ASCII character and 12 px per wider one at font-size 12).
  double legend_px = 0;
  for (const Series& s : plot.series) {
    double px_len = 0;
    for (unsigned char c : s.label)
      if (c < 0x80)
        px_len += 7;
      else if (c >= 0xC0)
        px_len += 12;  // first byte of a multi-byte UTF-8 character
    legend_px = std::max(legend_px, px_len);
  }
  const int canvas_width =
      std::max(plot.width, static_cast<int>(std::ceil(right + 44 + legend_px + 10)));
  const double xl = tx(x_low), xh = tx(x_high) > tx(x_low) ? tx(x_high) : tx(x_low) + 1;
  auto px = [&](double v) { return left + (tx(v) - xl) / (xh - xl) * (right - left); };
  auto py = [&](double v) { return bottom - (v - y_low) / (y_high - y_low) * (bottom - top); };

  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << canvas_width << "\" height=\""
      << plot.height << "\" viewBox=\"0 0 " << canvas_width << " " << plot.height
      << "\" font-family=\"DejaVu Sans, NanumGothic, Noto Sans CJK KR, sans-serif\" "
         "font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << plot.width / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">"
      << escape(plot.title) << "</text>\n";
  for (double v : y_ticks) {
    out << "<line x1=\"" << left << "\" y1=\"" << py(v) << "\" x2=\"" << right << "\" y2=\""
        << py(v) << "\" stroke=\"#e6e6e6\"/>\n"
        << "<text x=\"" << left - 6 << "\" y=\"" << py(v) + 4 << "\" text-anchor=\"end\">"
        << format_tick(v) << "</text>\n";
  }
  MOTLAB_CHECK(plot.x_tick_labels.empty() || plot.x_tick_labels.size() == plot.x_ticks.size(),
               "plot '", plot.title, "': ", plot.x_tick_labels.size(), " x tick labels for ",
               plot.x_ticks.size(), " x ticks");
  for (size_t t = 0; t < x_ticks.size(); ++t) {
    const double v = x_ticks[t];
    if (v < x_low - 1e-12 || v > x_high + 1e-12) continue;
    out << "<line x1=\"" << px(v) << "\" y1=\"" << bottom << "\" x2=\"" << px(v) << "\" y2=\""
        << bottom + 5 << "\" stroke=\"black\"/>\n"
        << "<text x=\"" << px(v) << "\" y=\"" << bottom + 18 << "\" text-anchor=\"middle\">"
        << (plot.x_tick_labels.empty() ? format_tick(v) : escape(plot.x_tick_labels[t]))
        << "</text>\n";
  }
  out << "<line x1=\"" << left << "\" y1=\"" << bottom << "\" x2=\"" << right << "\" y2=\""
      << bottom << "\" stroke=\"black\"/>\n"
      << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << bottom
      << "\" stroke=\"black\"/>\n"
      << "<text x=\"" << (left + right) / 2 << "\" y=\"" << plot.height - 18
      << "\" text-anchor=\"middle\">" << escape(plot.x_label) << "</text>\n"
      << "<text transform=\"translate(18," << (top + bottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << escape(plot.y_label) << "</text>\n";
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const Series& s = plot.series[k];
    const char* color = kColors[k % 10];
    std::string points;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      char buffer[64];
      std::snprintf(buffer, sizeof(buffer), "%.1f,%.1f ", px(s.x[i]), py(s.y[i]));
      points += buffer;
    }
    out << "<g class=\"series\" data-label=\"" << escape(s.label) << "\">\n"
        << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\""
        << (s.dashed ? " stroke-dasharray=\"6,4\"" : "") << " points=\"" << points << "\"/>\n";
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      if (!s.error.empty() && s.error[i] > 0)
        out << "<line x1=\"" << px(s.x[i]) << "\" y1=\"" << py(s.y[i] - s.error[i]) << "\" x2=\""
            << px(s.x[i]) << "\" y2=\"" << py(s.y[i] + s.error[i]) << "\" stroke=\"" << color
            << "\"/>\n";
      out << "<circle class=\"point\" cx=\"" << px(s.x[i]) << "\" cy=\"" << py(s.y[i])
          << "\" r=\"3\" fill=\"" << color << "\"/>\n";
    }
    out << "</g>\n";
    const double ly = top + 8 + 20.0 * static_cast<double>(k);
    out << "<line x1=\"" << right + 14 << "\" y1=\"" << ly << "\" x2=\"" << right + 38 << "\" y2=\""
        << ly << "\" stroke=\"" << color << "\" stroke-width=\"2\""
        << (s.dashed ? " stroke-dasharray=\"6,4\"" : "") << "/>\n"
        << "<text x=\"" << right + 44 << "\" y=\"" << ly + 4 << "\">" << escape(s.label)
        << "</text>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace motlab::report
