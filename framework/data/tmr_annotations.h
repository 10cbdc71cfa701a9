// TMR's annotations.json layout (AMASS-Annotation-Unifier; KIT-ML, HumanML3D, BABEL):
//   {keyid: {path, duration, annotations: [{seg_id, text, start, end}, ...]}, ...}
// Times are seconds in the source motion; motions live elsewhere (AMASS paths).
#pragma once
#include <map>
#include <string>
#include <vector>

namespace motlab::data {

struct TmrAnnotation {
  std::string seg_id, text;
  double start = 0, end = 0;
};

struct TmrMotion {
  std::string path;
  double duration = 0;
  std::vector<TmrAnnotation> annotations;
};

// Keyed by keyid (sorted). Errors name the file and the keyid/field that is wrong.
std::map<std::string, TmrMotion> read_tmr_annotations(const std::string& path);

}  // namespace motlab::data
