// `motlab data synth`: a procedural Korean motion-text dataset in the exact HumanML3D layout
//   new_joint_vecs/<id>.npy [T,263] float32 (20 fps), new_joints/<id>.npy [T,22,3],
//   texts/<id>.txt (English), texts_ko/<id>.txt (Korean) with "caption#tokens#0.0#0.0" lines,
//   train/val/test/train_val/all.txt (mirrored M<id> copies in their original's split),
//   Mean.npy/Std.npy [263] from the train split, synth_info.json (options, counts, version),
// so every loader and protocol runs the same code as on the real data. Deterministic per seed.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "framework/config/settings.h"
#include "framework/data/synth/actions.h"

namespace motlab::synth {

constexpr const char* kGeneratorVersion = "motlab-synth-1";

struct SynthSettings {
  int64_t motions = 2000;  // originals; mirrors double the count
  int64_t seed = 0;        // >= 0
  bool mirror = true;
  std::vector<std::string> languages{"ko", "en"};  // ko -> texts_ko/, en -> texts/
  int64_t min_frames = 40;                         // feature frames per motion
  int64_t max_frames = 196;
  double train_share = 0.80, val_share = 0.05;  // test gets the rest
  // "group": HumanML3D's Std.npy (each feature group takes its mean std);
  // "per_dim": TMR's raw per-dimension std.
  std::string std_mode = "group";
  int64_t threads = 0;          // 0: all hardware threads (the output does not depend on it)
  std::string to_json() const;  // the options that determine the bytes (not threads)
};

// The options of a `data.synth` node (defaults: SynthSettings).
const SettingsSchema<SynthSettings>& synth_settings();

struct SynthReport {
  int64_t motions = 0, captions = 0, frames = 0;
  double seconds = 0;
};

// Writes the dataset into `dir` (created; must not exist or be empty unless `overwrite`). The
// files are written to "<dir>.partial" and renamed at the end, so an interrupted run leaves no
// half dataset behind.
SynthReport generate_synth_dataset(const std::string& dir, const SynthSettings& options,
                                   bool overwrite = false);

// Generates the dataset when `dir` has none; reuses it when its synth_info.json was written with
// the same options; errors when it holds something else. Returns true when it generated.
bool ensure_synth_dataset(const std::string& dir, const SynthSettings& options);

// One motion of the dataset (also used by tests and the renderer).
struct SynthMotion {
  std::vector<Action> actions;
  std::vector<double> action_starts;  // seconds
  double lead_in = 0;
  torch::Tensor joints;  // [T+1, 22, 3] float64 raw joints (before the feature pipeline)
};
SynthMotion make_motion(uint64_t seed, int64_t index, const SynthSettings& options);
// Raw joints [T, 22, 3] for a given action sequence (no randomness).
torch::Tensor animate_sequence(const std::vector<Action>& actions, double lead_in, double lead_out,
                               double fps, std::vector<double>* starts = nullptr);

}  // namespace motlab::synth
