// The command-line override grammar (Hydra 1.3's OverrideLexer/OverrideParser):
//   key=value  +key=value  ++key=value  ~key  ~key=value   with key = path(@package)?
// and values: null/bool/int/float/quoted strings/[lists]/{dicts}/${interpolations}, plus the
// sweep forms a,b,c  range(start,stop[,step])  choice(a,b).
#pragma once
#include <string>
#include <vector>

#include "framework/config/config.h"

namespace motlab {

struct Override {
  enum class Kind { kSet, kAppend, kForce, kDelete };
  Kind kind = Kind::kSet;
  std::string key;           // "db", "server/db", "model.lr"
  bool has_package = false;  // an '@' was written (db@ is not db: Hydra's keys are exact)
  std::string package;       // from key@package
  bool has_value = false;
  std::string value_text;  // raw text after '='
  std::string text;        // the whole override as given

  // Sweep forms; a plain value is a one-element sweep.
  bool is_sweep() const;
  // The candidate values as override-value texts (each re-parsable by parse_override_value).
  std::vector<std::string> sweep_values() const;
  // The single value (throws when this is a sweep).
  Config value() const;
  std::string with_value(const std::string& value_text) const;  // same override, another value
  std::string key_text() const;  // "db@backup" as written (no prefix, no value)
};

Override parse_override(const std::string& text);
// Parses an override value: quoted strings stay strings, [..] lists, {..} dicts, scalars typed.
Config parse_override_value(const std::string& text);

}  // namespace motlab
