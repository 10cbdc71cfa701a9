// A strip of stick-figure frames of a motion as SVG: a 3/4 view from the front, one panel per
// sampled frame with its ground line and the root's path, the caption(s) as title. Left limbs are
// blue, right limbs red.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

namespace motlab::synth {

struct RenderSettings {
  int frames = 8;         // panels
  double fps = 20.0;      // for the time labels
  double view_yaw = 0.6;  // radians about Y (0 = straight from the front, +Z)
  double elevation = 0.25;
  int panel_size = 170;  // pixels
};

// joints [T, 22, 3] (metres, Y up) -> SVG document.
std::string render_svg(const torch::Tensor& joints, const std::vector<std::string>& title_lines,
                       const RenderSettings& options = {});

}  // namespace motlab::synth
