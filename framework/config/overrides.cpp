#include "framework/config/overrides.h"

#include <cctype>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "framework/core/error.h"
#include "framework/core/strings.h"

namespace motlab {
namespace {

const SourceLocation kCommandLine{};

// Recursive-descent parser over one override value.
class ValueParser {
 public:
  explicit ValueParser(const std::string& text) : text_(text) {}

  Config parse_all() {
    Config value = parse_value("");
    skip_space();
    MOTLAB_CHECK(pos_ == text_.size(), "override value '", text_, "': unexpected '",
                 text_.substr(pos_), "' at position ", pos_);
    return value;
  }

  // Splits at top-level commas (outside quotes, brackets, braces and ${...}).
  static std::vector<std::string> split_top_level(const std::string& text) {
    std::vector<std::string> parts;
    int depth = 0;
    char quote = 0;
    std::string current;
    for (size_t k = 0; k < text.size(); ++k) {
      char c = text[k];
      if (quote) {
        current += c;
        if (c == '\\' && k + 1 < text.size()) {
          current += text[++k];
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '{' || c == '(') {
        ++depth;
      } else if (c == ']' || c == '}' || c == ')') {
        --depth;
      } else if (c == ',' && depth == 0) {
        parts.push_back(current);
        current.clear();
        continue;
      }
      current += c;
    }
    MOTLAB_CHECK(!quote, "override value '", text, "': unterminated quote");
    MOTLAB_CHECK(depth == 0, "override value '", text, "': unbalanced brackets");
    parts.push_back(current);
    return parts;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  Config parse_value(const std::string& stops) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '[') return parse_list();
    if (pos_ < text_.size() && text_[pos_] == '{') return parse_dict();
    if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"')) {
      std::string quoted = parse_quoted();
      skip_space();
      return Config::string(quoted, kCommandLine);
    }
    return parse_primitive(stops);
  }

  std::string parse_quoted() {
    char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size() &&
          (text_[pos_ + 1] == quote || text_[pos_ + 1] == '\\')) {
        out += text_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      out += text_[pos_++];
    }
    MOTLAB_CHECK(pos_ < text_.size(), "override value '", text_, "': unterminated quoted string");
    ++pos_;
    return out;
  }

  Config parse_primitive(const std::string& stops) {
    std::string raw;
    int interpolation_depth = 0;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '$' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '{') {
        ++interpolation_depth;
        raw += "${";
        pos_ += 2;
        continue;
      }
      if (interpolation_depth > 0) {
        if (c == '{') ++interpolation_depth;
        if (c == '}') --interpolation_depth;
        raw += c;
        ++pos_;
        continue;
      }
      if (c == '\\' && pos_ + 1 < text_.size()) {  // escaped special character
        raw += text_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      if (stops.find(c) != std::string::npos) break;
      MOTLAB_CHECK(c != '[' && c != ']' && c != '{' && c != '}' && c != '(' && c != ')' && c != '=',
                   "override value '", text_, "': unexpected '", std::string(1, c),
                   "' (quote the value or escape it with \\)");
      raw += c;
      ++pos_;
    }
    MOTLAB_CHECK(interpolation_depth == 0, "override value '", text_,
                 "': unterminated ${...} interpolation");
    std::string value = trim(raw);
    if (value.find("${") != std::string::npos) return Config::string(value, kCommandLine);
    // Hydra's constants are case-insensitive.
    std::string lower = value;
    for (char& ch : lower) ch = static_cast<char>(std::tolower((unsigned char)ch));
    if (lower == "null" || lower == "true" || lower == "false" || lower == "inf" ||
        lower == "-inf" || lower == "+inf" || lower == "nan")
      return Config::parse_scalar(lower, kCommandLine);
    if (value.empty()) return Config::string("", kCommandLine);  // key= sets the empty string
    return Config::parse_scalar(value, kCommandLine);
  }

  Config parse_list() {
    ++pos_;  // '['
    std::vector<Config> items;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return Config::list({}, kCommandLine);
    }
    while (true) {
      items.push_back(parse_value(",]"));
      skip_space();
      MOTLAB_CHECK(pos_ < text_.size(), "override value '", text_, "': missing ']'");
      if (text_[pos_] == ']') {
        ++pos_;
        break;
      }
      MOTLAB_CHECK(text_[pos_] == ',', "override value '", text_, "': expected ',' or ']'");
      ++pos_;
    }
    return Config::list(std::move(items), kCommandLine);
  }

  Config parse_dict() {
    ++pos_;  // '{'
    std::vector<Config::Item> items;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return Config::dict({}, kCommandLine);
    }
    while (true) {
      skip_space();
      std::string key;
      while (pos_ < text_.size() && text_[pos_] != ':' && text_[pos_] != '}' && text_[pos_] != ',')
        key += text_[pos_++];
      key = trim(key);
      MOTLAB_CHECK(!key.empty() && pos_ < text_.size() && text_[pos_] == ':', "override value '",
                   text_, "': expected 'key: value' inside {...}");
      ++pos_;
      for (const auto& item : items)
        MOTLAB_CHECK(item.first != key, "override value '", text_, "': duplicate key '", key, "'");
      items.emplace_back(key, parse_value(",}"));
      skip_space();
      MOTLAB_CHECK(pos_ < text_.size(), "override value '", text_, "': missing '}'");
      if (text_[pos_] == '}') {
        ++pos_;
        break;
      }
      MOTLAB_CHECK(text_[pos_] == ',', "override value '", text_, "': expected ',' or '}'");
      ++pos_;
    }
    return Config::dict(std::move(items), kCommandLine);
  }

  const std::string& text_;
  size_t pos_ = 0;
};

bool is_function_call(const std::string& text, const std::string& name) {
  std::string t = trim(text);
  return t.rfind(name + "(", 0) == 0 && !t.empty() && t.back() == ')';
}

std::string format_number(double value) {
  Config c = Config::floating(value);
  return c.scalar_text();
}

// Python-style range for ints and floats: r[i] = start + step*i while r[i] < stop (or > for a
// negative step).
std::vector<std::string> expand_range(const std::string& text) {
  std::string t = trim(text);
  std::string inner = t.substr(6, t.size() - 7);
  std::vector<std::string> args = ValueParser::split_top_level(inner);
  MOTLAB_CHECK(args.size() >= 1 && args.size() <= 3, "sweep '", t,
               "': range takes 1 to 3 arguments (start, stop[, step])");
  std::vector<Config> numbers;
  bool all_int = true;
  for (const auto& arg : args) {
    Config value = Config::parse_scalar(trim(arg));
    MOTLAB_CHECK(value.kind() == Config::Kind::kInt || value.kind() == Config::Kind::kFloat,
                 "sweep '", t, "': range argument '", trim(arg), "' is not a number");
    all_int = all_int && value.kind() == Config::Kind::kInt;
    numbers.push_back(value);
  }
  double start = 0, stop, step = 1;
  if (numbers.size() == 1) {
    stop = numbers[0].as_double();
  } else {
    start = numbers[0].as_double();
    stop = numbers[1].as_double();
    if (numbers.size() == 3) step = numbers[2].as_double();
  }
  MOTLAB_CHECK(step != 0, "sweep '", t, "': range step must not be zero");
  std::vector<std::string> out;
  for (int64_t i = 0;; ++i) {
    double value = start + step * static_cast<double>(i);
    if ((step > 0 && value >= stop) || (step < 0 && value <= stop)) break;
    MOTLAB_CHECK(i < 100000, "sweep '", t, "': range has more than 100000 values");
    if (all_int) {
      out.push_back(std::to_string(static_cast<int64_t>(value)));
    } else {
      // Round away binary noise (0.1*3 = 0.30000000000000004) the way a user wrote the steps.
      double rounded = std::round(value * 1e12) / 1e12;
      out.push_back(format_number(rounded));
    }
  }
  return out;
}

}  // namespace

Config parse_override_value(const std::string& text) { return ValueParser(text).parse_all(); }

Override parse_override(const std::string& raw) {
  Override o;
  o.text = raw;
  std::string text = raw;
  if (text.rfind("++", 0) == 0) {
    o.kind = Override::Kind::kForce;
    text = text.substr(2);
  } else if (text.rfind("+", 0) == 0) {
    o.kind = Override::Kind::kAppend;
    text = text.substr(1);
  } else if (text.rfind("~", 0) == 0) {
    o.kind = Override::Kind::kDelete;
    text = text.substr(1);
  }
  size_t eq = text.find('=');
  std::string key = eq == std::string::npos ? text : text.substr(0, eq);
  if (eq != std::string::npos) {
    o.has_value = true;
    o.value_text = text.substr(eq + 1);
  }
  MOTLAB_CHECK(o.has_value || o.kind == Override::Kind::kDelete, "override '", raw,
               "': expected key=value (or ~key to delete)");
  size_t at = key.find('@');
  if (at != std::string::npos) {
    o.package = key.substr(at + 1);
    key = key.substr(0, at);
  }
  o.key = trim(key);
  MOTLAB_CHECK(!o.key.empty(), "override '", raw, "': empty key");
  for (char c : o.key)
    MOTLAB_CHECK(std::isalnum((unsigned char)c) || c == '_' || c == '.' || c == '/' || c == '-',
                 "override '", raw, "': invalid character '", std::string(1, c), "' in key '",
                 o.key, "'");
  return o;
}

bool Override::is_sweep() const {
  if (!has_value) return false;
  if (is_function_call(value_text, "range") || is_function_call(value_text, "choice")) return true;
  return ValueParser::split_top_level(value_text).size() > 1;
}

std::vector<std::string> Override::sweep_values() const {
  if (!has_value) return {};
  if (is_function_call(value_text, "range")) return expand_range(value_text);
  std::string text = value_text;
  if (is_function_call(text, "choice")) {
    std::string t = trim(text);
    text = t.substr(7, t.size() - 8);
  }
  std::vector<std::string> values;
  for (const auto& part : ValueParser::split_top_level(text)) {
    parse_override_value(part);  // validates each candidate now, not when its job starts
    values.push_back(trim(part));
  }
  return values;
}

Config Override::value() const {
  MOTLAB_CHECK(has_value, "override '", text, "' has no value");
  bool sweep = false;
  try {
    sweep = is_sweep();
    if (!sweep) return parse_override_value(value_text);
  } catch (const Error& e) {
    MOTLAB_FAIL("override '", text, "': ", e.what());
  }
  MOTLAB_FAIL("Ambiguous value for argument '", text,
              "'. 1. To use it as a list, use key=[value1,value2] 2. To use it as string, quote "
              "the value: key='value1,value2' 3. To sweep over it, add --multirun (-m) to your "
              "command line");
}

std::string Override::with_value(const std::string& value) const {
  std::string prefix = kind == Kind::kForce    ? "++"
                       : kind == Kind::kAppend ? "+"
                       : kind == Kind::kDelete ? "~"
                                               : "";
  return prefix + key + (package.empty() ? "" : "@" + package) + "=" + value;
}

}  // namespace motlab
