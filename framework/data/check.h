// `motlab data check`: validates a HumanML3D-layout dataset folder and reports every problem with
// its file, so data preparation fails loudly here instead of silently in training.
#pragma once
#include <string>
#include <vector>

#include "framework/data/humanml3d.h"

namespace motlab::data {

struct Problem {
  std::string kind;  // e.g. "missing_motion", "nan_inf", "empty_caption"
  std::string file;
  std::string message;
};

struct CheckSettings {
  humanml3d::Layout layout;
  std::vector<std::string> splits{"train", "val", "test"};
  bool check_joints = true;      // new_joints/<id>.npy when the folder exists
  bool check_statistics = true;  // Mean.npy / Std.npy
};

struct CheckReport {
  std::vector<Problem> problems;
  int64_t motions_checked = 0;
  int64_t captions_checked = 0;
};

CheckReport check_dataset(const CheckSettings& options);

// Caption statistics for `motlab data stats` (words = whitespace-separated; Korean eojeol).
struct CaptionStats {
  int64_t motions = 0, captions = 0, vocabulary = 0, duplicate_captions = 0;
  double captions_per_motion = 0, mean_words = 0;
  double share_at_least_15 = 0, share_at_least_20 = 0;  // fractions of captions
  int64_t min_frames = 0, max_frames = 0;
  double mean_frames = 0;
};
CaptionStats caption_stats(const humanml3d::Layout& layout, const std::vector<std::string>& ids);

}  // namespace motlab::data
