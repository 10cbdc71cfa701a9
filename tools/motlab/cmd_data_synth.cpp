// motlab data synth [--out DIR] [--seed N] [--motions N] [--language ko,en] [--threads N]
//                   [--no-mirror] [--std group|per_dim] [--min-frames N] [--max-frames N] [--force]
// motlab data render <dataset> <id> [--out FILE.svg] [--frames N] [--text-dir D]
#include <cstdlib>
#include <iostream>

#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/features.h"
#include "framework/data/humanml3d.h"
#include "framework/data/npy.h"
#include "framework/data/synth/generator.h"
#include "framework/data/synth/render.h"
#include "framework/io/atomic_file.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

// The folder configs/data/synth_ko.yaml uses for the same seed and size.
std::string default_synth_dir(const synth::SynthSettings& options) {
  const char* env = std::getenv("MOTLAB_DATA_DIR");
  return std::string(env && *env ? env : "data_cache") + "/synth_ko_seed" +
         std::to_string(options.seed) + "_n" + std::to_string(options.motions);
}

int synth_command(CommandLine& cl) {
  synth::SynthSettings options;
  std::string out;
  bool force = false, no_mirror = false;
  cl.describe(
        "  writes the procedural dataset in the HumanML3D layout (default folder: the one\n"
        "  data=synth_ko uses, under $MOTLAB_DATA_DIR or data_cache/); --force rewrites")
      .text("out", &out, "DIR", "dataset folder")
      .integer("seed", &options.seed, 0, int64_t{1} << 62, "N", "generator seed")
      .integer("motions", &options.motions, 1, 10000000, "N", "original motions (mirrors double)")
      .list("language", &options.languages, "ko,en", "ko -> texts_ko/, en -> texts/")
      .integer("threads", &options.threads, 0, 1024, "N",
               "0: all hardware threads (the output does not depend on it)")
      .choice("std", &options.std_mode, {"group", "per_dim"},
              "Std.npy: HumanML3D's per feature group, or TMR's per dimension")
      .integer("min-frames", &options.min_frames, 1, 100000, "N", "feature frames per motion")
      .integer("max-frames", &options.max_frames, 1, 100000, "N", "feature frames per motion")
      .flag("no-mirror", &no_mirror, "no mirrored copies")
      .flag("force", &force, "rewrite an existing dataset folder")
      .alias("--languages", "--language")
      .parse();
  options.mirror = !no_mirror;
  if (out.empty()) out = default_synth_dir(options);
  const synth::SynthReport report = synth::generate_synth_dataset(out, options, force);
  std::cout << "wrote " << report.motions << " motions (" << report.frames << " frames, "
            << report.captions << " captions) to " << out << " in " << report.seconds << " s\n";
  return 0;
}

int render_command(CommandLine& cl) {
  std::string dataset, id, out, text_dir;
  synth::RenderSettings options;
  int64_t frames = options.frames;
  cl.describe("  draws N frames of the motion's joints with its captions")
      .positional("dataset", &dataset, "a HumanML3D-layout dataset folder")
      .positional("id", &id, "the motion's id")
      .text("out", &out, "FILE.svg", "default <id>.svg")
      .integer("frames", &frames, 1, 1000, "N", "panels")
      .text("text-dir", &text_dir, "D", "caption folder (default texts_ko, then texts)")
      .parse();
  options.frames = static_cast<int>(frames);
  humanml3d::Layout layout;
  layout.root = dataset;
  torch::Tensor joints;
  if (file_exists(layout.joints_path(id))) {
    joints = npy::load(layout.joints_path(id));
  } else {
    MOTLAB_CHECK(file_exists(layout.motion_path(id)), "motlab data render: neither ",
                 layout.joints_path(id), " nor ", layout.motion_path(id), " exists");
    joints = features::recover_from_ric(npy::load(layout.motion_path(id)));
  }
  std::vector<std::string> title{id};
  std::vector<std::string> dirs = text_dir.empty() ? std::vector<std::string>{"texts_ko", "texts"}
                                                   : std::vector<std::string>{text_dir};
  for (const auto& dir : dirs) {
    layout.text_dir = dir;
    if (!file_exists(layout.text_path(id))) continue;
    for (const auto& line : humanml3d::read_captions(layout.text_path(id)))
      title.push_back(line.text);
  }
  if (title.size() > 1) {
    title[1] = id + ": " + title[1];
    title.erase(title.begin());
  }
  if (out.empty()) out = id + ".svg";
  write_file_atomic(out, synth::render_svg(joints, title, options));
  std::cout << "wrote " << out << " (" << joints.size(0) << " frames)\n";
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("data synth",
               "generate the built-in procedural Korean dataset (HumanML3D layout; --out, --seed, "
               "--motions, --language)",
               motlab::cli::synth_command);
MOTLAB_COMMAND("data render", "draw a motion as a strip of stick figures (SVG): <dataset> <id>",
               motlab::cli::render_command);
