// motlab data synth [--out DIR] [--seed N] [--motions N] [--language ko,en] [--threads N]
//                   [--no-mirror] [--std group|per_dim] [--min-frames N] [--max-frames N] [--force]
// motlab data render <dataset> <id> [--out FILE.svg] [--frames N] [--text-dir D]
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>

#include "experiments/cli.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/features.h"
#include "framework/data/humanml3d.h"
#include "framework/data/npy.h"
#include "framework/data/synth/generator.h"
#include "framework/data/synth/render.h"
#include "framework/io/atomic_file.h"

namespace motlab::cli {
namespace {

int64_t parse_int(const std::string& flag, const std::string& value) {
  try {
    size_t used = 0;
    const long long v = std::stoll(value, &used);
    if (used == value.size()) return v;
  } catch (const std::exception&) {
  }
  MOTLAB_FAIL("motlab data: ", flag, " expects an integer, got '", value, "'");
}

// The folder configs/data/synth_ko.yaml uses for the same seed and size.
std::string default_synth_dir(const synth::SynthSettings& options) {
  const char* env = std::getenv("MOTLAB_DATA_DIR");
  return std::string(env && *env ? env : "data_cache") + "/synth_ko_seed" +
         std::to_string(options.seed) + "_n" + std::to_string(options.motions);
}

int synth_command(const std::vector<std::string>& args) {
  synth::SynthSettings options;
  std::string out;
  bool force = false;
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string& flag = args[k];
    auto value = [&]() -> std::string {
      MOTLAB_CHECK(k + 1 < args.size(), "motlab data synth: ", flag, " needs a value");
      return args[++k];
    };
    if (flag == "--out")
      out = value();
    else if (flag == "--seed")
      options.seed = static_cast<uint64_t>(parse_int(flag, value()));
    else if (flag == "--motions")
      options.motions = parse_int(flag, value());
    else if (flag == "--language" || flag == "--languages")
      options.languages = split_nonempty(value(), ',');
    else if (flag == "--threads")
      options.threads = static_cast<int>(parse_int(flag, value()));
    else if (flag == "--std")
      options.std_mode = value();
    else if (flag == "--min-frames")
      options.min_frames = parse_int(flag, value());
    else if (flag == "--max-frames")
      options.max_frames = parse_int(flag, value());
    else if (flag == "--no-mirror")
      options.mirror = false;
    else if (flag == "--force")
      force = true;
    else
      MOTLAB_FAIL("motlab data synth: unknown argument '", flag,
                  "' (known: --out, --seed, --motions, --language, --threads, --std, --min-frames, "
                  "--max-frames, --no-mirror, --force)");
  }
  if (out.empty()) out = default_synth_dir(options);
  const synth::SynthReport report = synth::generate_synth_dataset(out, options, force);
  std::cout << "wrote " << report.motions << " motions (" << report.frames << " frames, "
            << report.captions << " captions) to " << out << " in " << report.seconds << " s\n";
  return 0;
}

int render_command(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  std::string out, text_dir;
  synth::RenderSettings options;
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string& flag = args[k];
    auto value = [&]() -> std::string {
      MOTLAB_CHECK(k + 1 < args.size(), "motlab data render: ", flag, " needs a value");
      return args[++k];
    };
    if (flag == "--out")
      out = value();
    else if (flag == "--frames")
      options.frames = static_cast<int>(parse_int(flag, value()));
    else if (flag == "--text-dir")
      text_dir = value();
    else if (flag.rfind("--", 0) == 0)
      MOTLAB_FAIL("motlab data render: unknown flag '", flag,
                  "' (known: --out, --frames, --text-dir)");
    else
      positional.push_back(flag);
  }
  MOTLAB_CHECK(positional.size() == 2, "motlab data render: give <dataset folder> <motion id>");
  humanml3d::Layout layout;
  layout.root = positional[0];
  const std::string& id = positional[1];
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
               "usage: motlab data synth [--out DIR] [--seed N] [--motions N] [--language ko,en]\n"
               "                         [--threads N] [--no-mirror] [--std group|per_dim]\n"
               "                         [--min-frames N] [--max-frames N] [--force]\n"
               "  writes the procedural dataset in the HumanML3D layout (default folder: the one\n"
               "  data=synth_ko uses, under $MOTLAB_DATA_DIR or data_cache/); --force rewrites\n",
               motlab::cli::synth_command);
MOTLAB_COMMAND("data render", "draw a motion as a strip of stick figures (SVG): <dataset> <id>",
               "usage: motlab data render <dataset> <id> [--out FILE.svg] [--frames N]\n"
               "                          [--text-dir D]\n"
               "  draws N frames (default 8) of the motion's joints with its captions\n",
               motlab::cli::render_command);
