#include "framework/data/humanml3d.h"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/text/unicode.h"

namespace motlab::humanml3d {
namespace {
std::string trim(const std::string& s) { return motlab::trim(s, " \t\r\n"); }

double parse_time(const std::string& text, const std::string& where, const char* which) {
  std::string t = trim(text);
  if (t == "nan" || t == "NaN") return 0.0;
  char* end = nullptr;
  double value = std::strtod(t.c_str(), &end);
  MOTLAB_CHECK(!t.empty() && end && *end == '\0' && std::isfinite(value), where, ": ", which,
               " time '", text, "' is not a number");
  // Seconds of a motion: anything beyond a day is a broken file (and would overflow frames).
  MOTLAB_CHECK(std::fabs(value) <= 86400.0, where, ": ", which, " time ", value,
               " s is not a plausible time in a motion");
  return value;
}
}  // namespace

std::pair<int64_t, int64_t> CaptionLine::frames(int64_t total_frames, double fps) const {
  if (whole()) return {0, total_frames};
  int64_t begin = static_cast<int64_t>(start * fps);
  int64_t stop = std::min<int64_t>(static_cast<int64_t>(end * fps), total_frames);
  return {std::min(begin, stop), stop};
}

std::string Layout::motion_path(const std::string& id) const {
  return root + "/" + motion_dir + "/" + id + ".npy";
}
std::string Layout::joints_path(const std::string& id) const {
  return root + "/" + joints_dir + "/" + id + ".npy";
}
std::string Layout::text_path(const std::string& id) const {
  return root + "/" + text_dir + "/" + id + ".txt";
}
std::string Layout::split_path(const std::string& split) const {
  return root + "/" + (split_dir.empty() ? "" : split_dir + "/") + split + ".txt";
}

CaptionLine parse_caption_line(const std::string& raw, const std::string& where) {
  std::vector<std::string> fields;
  size_t begin = 0;
  while (true) {
    size_t hash = raw.find('#', begin);
    fields.push_back(
        raw.substr(begin, hash == std::string::npos ? std::string::npos : hash - begin));
    if (hash == std::string::npos) break;
    begin = hash + 1;
  }
  MOTLAB_CHECK(fields.size() == 4, where, ": expected 'caption#tokens#start#end' (4 fields), got ",
               fields.size(), " field(s)");
  const int64_t bad_byte = text::unicode::invalid_utf8_offset(raw);
  MOTLAB_CHECK(bad_byte < 0, where, ": not valid UTF-8 (byte ", bad_byte,
               " of the line); save the captions as UTF-8");
  CaptionLine line;
  line.text = trim(fields[0]);
  line.tokens = trim(fields[1]);
  line.start = parse_time(fields[2], where, "start");
  line.end = parse_time(fields[3], where, "end");
  MOTLAB_CHECK(line.start >= 0 && line.end >= 0, where, ": negative time (start ", line.start,
               " s, end ", line.end, " s)");
  // 0#0 means the whole motion; otherwise the sub-motion must run forwards.
  MOTLAB_CHECK(line.start <= line.end || line.end == 0.0, where, ": start time ", line.start,
               " s is after end time ", line.end, " s (swapped columns?)");
  return line;
}

std::vector<CaptionLine> read_captions(const std::string& path) {
  std::ifstream in(path);
  MOTLAB_CHECK(in.good(), path, ": cannot read caption file");
  std::vector<CaptionLine> out;
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    if (trim(raw).empty()) continue;
    CaptionLine line = parse_caption_line(raw, path + ":" + std::to_string(number));
    line.line = number;
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> read_split(const std::string& path) {
  std::ifstream in(path);
  MOTLAB_CHECK(in.good(), path, ": cannot read split file");
  std::vector<std::string> ids;
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    std::string id = trim(raw);
    if (id.empty()) continue;
    // An id names files (<id>.npy, <id>.txt): it may not leave the dataset's folders.
    const bool plain = id.find_first_not_of(
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                           "0123456789_-.") == std::string::npos;
    MOTLAB_CHECK(plain && id[0] != '.' && id.size() <= 255, path, ":", number, ": bad motion id '",
                 id.size() > 80 ? id.substr(0, 80) + "..." : id,
                 "' (ids are letters, digits, '_', '-' and '.', not starting with '.')");
    ids.push_back(id);
  }
  return ids;
}

}  // namespace motlab::humanml3d
