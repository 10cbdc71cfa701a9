// The HumanML3D folder layout, as users download and build it:
//   <root>/new_joint_vecs/<id>.npy  float32 [T, 263] at 20 fps      (motion features)
//   <root>/new_joints/<id>.npy      float32 [T, 22, 3]                (joint positions, optional)
//   <root>/<text_dir>/<id>.txt      lines "caption#tagged tokens#start#end" (texts, texts_ko, ...)
//   <root>/{train,val,test}.txt     split ids (M<id> = mirrored motion), Mean.npy / Std.npy [263]
#pragma once
#include <string>
#include <vector>

namespace motlab::humanml3d {

struct CaptionLine {
  std::string text;
  std::string tokens;
  double start = 0.0;  // seconds; whole motion when start == end (0.0#0.0, nan)
  double end = 0.0;
  int line = 0;  // 1-based line in its file
  bool whole() const { return start == end; }
  // Frame range [begin, end) of a sub-segment at `fps` (feats[int(s*fps):int(e*fps)], as TMR).
  std::pair<int64_t, int64_t> frames(int64_t total_frames, double fps) const;
};

struct Layout {
  std::string root;
  std::string motion_dir = "new_joint_vecs";
  std::string joints_dir = "new_joints";
  std::string text_dir = "texts";
  std::string split_dir = "";  // split files' folder relative to root ("" = root; TMR: "splits")
  double fps = 20.0;
  int64_t nfeats = 263;
  std::string motion_path(const std::string& id) const;
  std::string joints_path(const std::string& id) const;
  std::string text_path(const std::string& id) const;
  std::string split_path(const std::string& split) const;
};

// Parses one caption line (HumanML3D semantics: nan -> 0, reversed times swapped).
// Throws motlab::Error naming `where` (file:line) when the line is malformed.
CaptionLine parse_caption_line(const std::string& line, const std::string& where);
std::vector<CaptionLine> read_captions(const std::string& path);
// Non-empty lines of a split file, trimmed.
std::vector<std::string> read_split(const std::string& path);

}  // namespace motlab::humanml3d
