#include "framework/data/check.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "framework/core/error.h"
#include "framework/data/npy.h"

namespace motlab::data {
namespace fs = std::filesystem;

namespace {

class Checker {
 public:
  explicit Checker(const CheckSettings& options) : options_(options), layout_(options.layout) {}

  CheckReport run() {
    if (!fs::is_directory(layout_.root)) {
      add("missing_root", layout_.root, "dataset folder does not exist");
      return report_;
    }
    if (!fs::is_directory(layout_.root + "/" + layout_.motion_dir))
      add("missing_folder", layout_.root + "/" + layout_.motion_dir, "motion folder is missing");
    if (!fs::is_directory(layout_.root + "/" + layout_.text_dir))
      add("missing_folder", layout_.root + "/" + layout_.text_dir, "caption folder is missing");
    if (options_.check_statistics) check_statistics();
    std::map<std::string, std::string> split_of;
    for (const auto& split : options_.splits) {
      const std::string path = layout_.split_path(split);
      if (!fs::exists(path)) {
        add("missing_split", path, "split file is missing");
        continue;
      }
      std::set<std::string> seen;
      const std::vector<std::string> ids = humanml3d::read_split(path);
      if (ids.empty()) add("empty_split", path, "split file lists no motion");
      for (const auto& id : ids) {
        if (!seen.insert(id).second) {
          add("duplicate_split_id", path, "id '" + id + "' is listed twice");
          continue;
        }
        auto [it, inserted] = split_of.emplace(id, split);
        if (!inserted) {
          add("split_overlap", path,
              "id '" + id + "' is also in split '" + it->second + "' (train/test leakage)");
          continue;
        }
        check_motion(id);
      }
    }
    check_orphans(split_of);
    return report_;
  }

 private:
  void add(const std::string& kind, const std::string& file, const std::string& message) {
    report_.problems.push_back({kind, file, message});
  }

  void check_statistics() {
    for (const char* name : {"Mean.npy", "Std.npy"}) {
      const std::string path = layout_.root + "/" + name;
      if (!fs::exists(path)) {
        add("missing_statistics", path, "normalisation statistics are missing");
        continue;
      }
      torch::Tensor t;
      try {
        t = npy::load(path);
      } catch (const std::exception& e) {
        add("unreadable", path, error_text(e));
        continue;
      }
      if (t.dim() != 1 || t.size(0) != layout_.nfeats) {
        add("bad_shape", path,
            "expected shape (" + std::to_string(layout_.nfeats) + ",), got " + shape_text(t));
        continue;
      }
      if (!torch::isfinite(t).all().item<bool>()) add("nan_inf", path, "contains NaN or Inf");
      if (std::string(name) == "Std.npy" && (t <= 0).any().item<bool>())
        add("zero_std", path,
            std::to_string((t <= 0).sum().item<int64_t>()) +
                " dimension(s) with std <= 0 "
                "(normalisation would divide by zero)");
    }
  }

  static std::string shape_text(const torch::Tensor& t) {
    std::ostringstream out;
    out << "(";
    for (int64_t k = 0; k < t.dim(); ++k) out << (k ? ", " : "") << t.size(k);
    out << ")";
    return out.str();
  }

  void check_motion(const std::string& id) {
    ++report_.motions_checked;
    const std::string motion_path = layout_.motion_path(id);
    int64_t frames = -1;
    if (!fs::exists(motion_path)) {
      add("missing_motion", motion_path, "split id '" + id + "' has no motion file");
    } else {
      try {
        npy::Header header = npy::read_header(motion_path);
        if (header.dtype != "<f4") {
          add("bad_dtype", motion_path, "expected float32 ('<f4'), got '" + header.dtype + "'");
        }
        torch::Tensor t = npy::load(motion_path);
        if (t.dim() != 2 || t.size(1) != layout_.nfeats) {
          add("bad_shape", motion_path,
              "expected (T, " + std::to_string(layout_.nfeats) + "), got " + shape_text(t));
        } else {
          frames = t.size(0);
          if (frames == 0) add("empty_motion", motion_path, "motion has 0 frames");
          if (!torch::isfinite(t).all().item<bool>())
            add("nan_inf", motion_path,
                std::to_string((~torch::isfinite(t)).sum().item<int64_t>()) + " NaN/Inf value(s)");
        }
      } catch (const std::exception& e) {
        add("unreadable", motion_path, error_text(e));
      }
    }
    if (options_.check_joints && fs::is_directory(layout_.root + "/" + layout_.joints_dir)) {
      const std::string joints_path = layout_.joints_path(id);
      if (fs::exists(joints_path)) {
        try {
          torch::Tensor j = npy::load(joints_path);
          if (j.dim() != 3 || j.size(1) != 22 || j.size(2) != 3)
            add("bad_shape", joints_path, "expected (T, 22, 3), got " + shape_text(j));
          else if (frames >= 0 && j.size(0) != frames)
            add("frame_mismatch", joints_path,
                "has " + std::to_string(j.size(0)) + " frames, its features have " +
                    std::to_string(frames));
          if (!torch::isfinite(j.to(torch::kFloat)).all().item<bool>())
            add("nan_inf", joints_path, "contains NaN or Inf");
        } catch (const std::exception& e) {
          add("unreadable", joints_path, error_text(e));
        }
      }
    }
    check_captions(id, frames);
  }

  void check_captions(const std::string& id, int64_t frames) {
    const std::string path = layout_.text_path(id);
    if (!fs::exists(path)) {
      add("missing_captions", path, "motion '" + id + "' has no caption file");
      return;
    }
    std::ifstream in(path);
    std::string raw;
    int number = 0, usable = 0;
    const double duration = frames >= 0 ? frames / layout_.fps : -1.0;
    while (std::getline(in, raw)) {
      ++number;
      const std::string where = path + ":" + std::to_string(number);
      if (raw.find_first_not_of(" \t\r") == std::string::npos) continue;
      humanml3d::CaptionLine line;
      try {
        line = humanml3d::parse_caption_line(raw, where);
      } catch (const std::exception& e) {
        add("malformed_caption", where, error_text(e));
        continue;
      }
      ++report_.captions_checked;
      if (line.text.empty()) {
        add("empty_caption", where, "caption text is empty");
        continue;
      }
      ++usable;
      if (line.start < 0) add("bad_timestamp", where, "negative start time");
      // A sub-segment must lie inside the motion (half a frame of slack for rounding).
      if (!line.whole() && duration >= 0 && line.end > duration + 0.5 / layout_.fps) {
        std::ostringstream message;
        message << "segment " << line.start << "-" << line.end << " s ends after the motion ("
                << frames << " frames = " << duration << " s)";
        add("timestamp_outside", where, message.str());
      }
    }
    if (usable == 0) add("no_captions", path, "caption file has no usable caption");
  }

  void check_orphans(const std::map<std::string, std::string>& split_of) {
    const std::string motion_dir = layout_.root + "/" + layout_.motion_dir;
    if (!fs::is_directory(motion_dir)) return;
    for (const auto& entry : fs::directory_iterator(motion_dir)) {
      if (entry.path().extension() != ".npy") continue;
      const std::string id = entry.path().stem().string();
      if (!split_of.count(id) && !fs::exists(layout_.text_path(id)))
        add("orphan_motion", entry.path().string(), "motion is in no split and has no captions");
    }
  }

  const CheckSettings& options_;
  const humanml3d::Layout& layout_;
  CheckReport report_;
};

}  // namespace

CheckReport check_dataset(const CheckSettings& options) { return Checker(options).run(); }

CaptionStats caption_stats(const humanml3d::Layout& layout, const std::vector<std::string>& ids) {
  CaptionStats stats;
  std::set<std::string> vocabulary;
  std::map<std::string, int64_t> counts;
  int64_t words_total = 0, at_least_15 = 0, at_least_20 = 0, frames_total = 0;
  stats.min_frames = std::numeric_limits<int64_t>::max();
  for (const auto& id : ids) {
    ++stats.motions;
    for (const auto& line : humanml3d::read_captions(layout.text_path(id))) {
      ++stats.captions;
      ++counts[line.text];
      std::istringstream words(line.text);
      std::string word;
      int64_t n = 0;
      while (words >> word) {
        vocabulary.insert(word);
        ++n;
      }
      words_total += n;
      at_least_15 += n >= 15;
      at_least_20 += n >= 20;
    }
    if (std::filesystem::exists(layout.motion_path(id))) {
      int64_t frames = npy::read_header(layout.motion_path(id)).shape.at(0);
      frames_total += frames;
      stats.min_frames = std::min(stats.min_frames, frames);
      stats.max_frames = std::max(stats.max_frames, frames);
    }
  }
  for (const auto& [text, n] : counts) stats.duplicate_captions += n - 1;
  stats.vocabulary = static_cast<int64_t>(vocabulary.size());
  if (stats.motions) {
    stats.captions_per_motion = double(stats.captions) / stats.motions;
    stats.mean_frames = double(frames_total) / stats.motions;
  }
  if (stats.captions) {
    stats.mean_words = double(words_total) / stats.captions;
    stats.share_at_least_15 = double(at_least_15) / stats.captions;
    stats.share_at_least_20 = double(at_least_20) / stats.captions;
  }
  if (stats.min_frames == std::numeric_limits<int64_t>::max()) stats.min_frames = 0;
  return stats;
}

}  // namespace motlab::data
