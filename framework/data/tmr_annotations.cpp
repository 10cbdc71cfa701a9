#include "framework/data/tmr_annotations.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"

namespace motlab::data {

std::map<std::string, TmrMotion> read_tmr_annotations(const std::string& path) {
  std::ifstream in(path);
  MOTLAB_CHECK(in.good(), path, ": cannot read annotations file");
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    MOTLAB_FAIL(path, ": invalid JSON: ", e.what());
  }
  MOTLAB_CHECK(root.is_object(), path, ": expected an object {keyid: {...}}");
  std::map<std::string, TmrMotion> out;
  for (const auto& [keyid, value] : root.items()) {
    const std::string where = path + ": keyid '" + keyid + "'";
    MOTLAB_CHECK(
        value.is_object() && value.contains("annotations") && value["annotations"].is_array(),
        where, ": expected {path, duration, annotations: [...]}");
    TmrMotion motion;
    motion.path = value.value("path", "");
    MOTLAB_CHECK(value.contains("duration") && value["duration"].is_number(), where,
                 ": 'duration' must be a number (seconds)");
    motion.duration = value["duration"].get<double>();
    for (const auto& a : value["annotations"]) {
      MOTLAB_CHECK(a.is_object() && a.contains("text") && a["text"].is_string() &&
                       a.contains("start") && a["start"].is_number() && a.contains("end") &&
                       a["end"].is_number(),
                   where, ": each annotation needs text (string), start and end (seconds)");
      TmrAnnotation annotation;
      annotation.seg_id = a.value("seg_id", "");
      annotation.text = a["text"].get<std::string>();
      annotation.start = a["start"].get<double>();
      annotation.end = a["end"].get<double>();
      motion.annotations.push_back(annotation);
    }
    out.emplace(keyid, std::move(motion));
  }
  return out;
}

}  // namespace motlab::data
