#include "framework/data/synth/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "framework/core/error.h"
#include "framework/data/joints_to_features.h"

namespace motlab::synth {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string fmt(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", v);
  return buffer;
}

}  // namespace

std::string render_svg(const torch::Tensor& joints_in, const std::vector<std::string>& title_lines,
                       const RenderSettings& options) {
  MOTLAB_CHECK(joints_in.dim() == 3 && joints_in.size(1) == 22 && joints_in.size(2) == 3,
               "render: expected joints [T, 22, 3], got ", joints_in.sizes());
  MOTLAB_CHECK(options.frames >= 1, "render: frames must be >= 1");
  torch::Tensor joints = joints_in.to(torch::kFloat64).contiguous();
  auto J = joints.accessor<double, 3>();
  const int64_t T = joints.size(0);
  const double cy = std::cos(options.view_yaw), sy = std::sin(options.view_yaw);
  const double ce = std::cos(options.elevation), se = std::sin(options.elevation);
  // Camera in front (+Z) turned by view_yaw, looking down by `elevation`; orthographic.
  auto project = [&](double x, double y, double z) {
    const double rx = cy * x - sy * z, rz = sy * x + cy * z;
    return std::pair<double, double>{rx, y * ce - rz * se};
  };
  const int panel = options.panel_size;
  const double scale = panel / 2.4;  // metres -> pixels (a 2.4 m tall window)
  const int title_height = 22 * static_cast<int>(title_lines.size()) + 10;
  const int width = panel * options.frames, height = panel + title_height + 16;

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
                    std::to_string(width) + " " + std::to_string(height) +
                    "\" font-family=\"NanumGothic, Noto Sans CJK KR, sans-serif\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  for (size_t k = 0; k < title_lines.size(); ++k)
    svg += "<text x=\"8\" y=\"" + std::to_string(20 + 22 * k) + "\" font-size=\"" +
           (k == 0 ? "16" : "13") + "\" fill=\"" + (k == 0 ? "#000" : "#555") + "\">" +
           escape(title_lines[k]) + "</text>\n";

  const auto& parents = features::joint_parents();
  auto color = [](int j) {
    static const int left[] = {1, 4, 7, 10, 13, 16, 18, 20};
    static const int right[] = {2, 5, 8, 11, 14, 17, 19, 21};
    if (std::find(std::begin(left), std::end(left), j) != std::end(left)) return "#1f5fd1";
    if (std::find(std::begin(right), std::end(right), j) != std::end(right)) return "#d1321f";
    return "#222";
  };
  for (int p = 0; p < options.frames; ++p) {
    const int64_t t = options.frames == 1
                          ? 0
                          : std::lround(static_cast<double>(p) * (T - 1) / (options.frames - 1));
    const double ox = p * panel + panel / 2.0, oy = title_height + panel * 0.92;
    const double rx = J[t][0][0], rz = J[t][0][2];  // the panel follows the root
    auto to_screen = [&](double x, double y, double z) {
      auto [sx, sy2] = project(x - rx, y, z - rz);
      return std::pair<double, double>{ox + sx * scale, oy - sy2 * scale};
    };
    svg += "<g>\n";
    if (p > 0)
      svg += "<line x1=\"" + std::to_string(p * panel) + "\" y1=\"" + std::to_string(title_height) +
             "\" x2=\"" + std::to_string(p * panel) + "\" y2=\"" + std::to_string(height) +
             "\" stroke=\"#ddd\"/>\n";
    // Ground: a square of 1.6 m around the root, drawn in perspective of the view.
    const double g = 0.8;
    std::string ground;
    for (auto [gx, gz] : {std::pair{-g, -g}, {g, -g}, {g, g}, {-g, g}}) {
      auto [sx, sy2] = to_screen(rx + gx, 0, rz + gz);
      ground += fmt(sx) + "," + fmt(sy2) + " ";
    }
    svg += "<polygon points=\"" + ground + "\" fill=\"#f1f1ea\" stroke=\"#bbb\"/>\n";
    // Root path on the ground, clipped to the ground square.
    std::string path;
    for (int64_t k = 0; k < T; ++k) {
      const double dx = J[k][0][0] - rx, dz = J[k][0][2] - rz;
      if (std::abs(dx) > g || std::abs(dz) > g) continue;
      auto [sx, sy2] = to_screen(J[k][0][0], 0, J[k][0][2]);
      path += fmt(sx) + "," + fmt(sy2) + " ";
    }
    if (!path.empty())
      svg += "<polyline points=\"" + path +
             "\" fill=\"none\" stroke=\"#9a9\" stroke-width=\"1.5\"/>\n";
    // Bones, far ones first.
    std::vector<int> order;
    for (int j = 1; j < 22; ++j) order.push_back(j);
    auto depth = [&](int j) {
      const double x = J[t][j][0] - rx, z = J[t][j][2] - rz;
      return sy * x + cy * z;
    };
    std::sort(order.begin(), order.end(), [&](int a, int b) { return depth(a) < depth(b); });
    for (int j : order) {
      auto [x1, y1] = to_screen(J[t][parents[j]][0], J[t][parents[j]][1], J[t][parents[j]][2]);
      auto [x2, y2] = to_screen(J[t][j][0], J[t][j][1], J[t][j][2]);
      svg += "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" +
             fmt(y2) + "\" stroke=\"" + color(j) +
             "\" stroke-width=\"3\" stroke-linecap=\"round\"/>\n";
    }
    auto [hx, hy] = to_screen(J[t][15][0], J[t][15][1], J[t][15][2]);
    svg += "<circle cx=\"" + fmt(hx) + "\" cy=\"" + fmt(hy) +
           "\" r=\"7\" fill=\"white\" stroke=\"#222\" stroke-width=\"2\"/>\n";
    char label[32];
    std::snprintf(label, sizeof(label), "%.1f s", t / options.fps);
    svg += "<text x=\"" + fmt(p * panel + 6.0) + "\" y=\"" + std::to_string(height - 4) +
           "\" font-size=\"11\" fill=\"#777\">" + label + "</text>\n";
    svg += "</g>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace motlab::synth
