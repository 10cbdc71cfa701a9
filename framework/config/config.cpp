#include "framework/config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <variant>

#include "framework/core/error.h"
#include "framework/text/unicode.h"

namespace motlab {

struct Config::Node {
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double f = 0.0;
  std::string s;
  std::vector<Config> list;
  std::vector<Item> dict;
  SourceLocation where;
};

std::string SourceLocation::str() const {
  if (file.empty()) return "<command line>";
  if (line <= 0) return file;
  return file + ":" + std::to_string(line);
}

namespace {

std::shared_ptr<Config::Node> make_node(Config::Kind kind, SourceLocation where) {
  auto node = std::make_shared<Config::Node>();
  node->kind = kind;
  node->where = std::move(where);
  return node;
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::vector<std::string> split_dotted(const std::string& dotted) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : dotted) {
    if (c == '.') {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  return parts;
}

// A list index in a dotted path ("items.3"): plain decimal digits.
bool parse_index(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  *out = std::stoll(text);
  return true;
}

// ---- YAML 1.1 plain scalars as Hydra 1.3 reads config files (PyYAML's SafeLoader resolvers,
// OmegaConf's extra float form, no timestamps). Hand-written matchers: std::regex recurses per
// character and would overflow the stack on a long scalar.
struct Cursor {
  const std::string& s;
  size_t k = 0;
  bool done() const { return k == s.size(); }
  bool take(char c) {
    if (k < s.size() && s[k] == c) return ++k, true;
    return false;
  }
  bool take_any(const char* chars) {
    if (k < s.size() && std::strchr(chars, s[k]) && s[k] != '\0') return ++k, true;
    return false;
  }
  // One or more (or zero or more) of `chars`.
  size_t take_run(const char* chars) {
    const size_t begin = k;
    while (k < s.size() && s[k] != '\0' && std::strchr(chars, s[k])) ++k;
    return k - begin;
  }
};
constexpr const char* kYamlDigits = "0123456789";
constexpr const char* kYamlDigitsUnderscore = "0123456789_";

// (:[0-5]?[0-9])+ : the sexagesimal tail.
bool take_sexagesimal_tail(Cursor& c) {
  size_t groups = 0;
  while (c.take(':')) {
    const size_t begin = c.k;
    const size_t digits = c.take_run(kYamlDigits);
    if (digits == 0 || digits > 2 || (digits == 2 && c.s[begin] > '5')) return false;
    ++groups;
  }
  return groups > 0;
}

bool yaml_int_form(const std::string& s) {
  Cursor c{s};
  c.take_any("+-");
  const size_t body = c.k;
  if (c.take('0')) {
    if (c.done()) return true;                                  // 0
    if (c.take('b')) return c.take_run("01_") > 0 && c.done();  // 0b[0-1_]+
    if (c.take('x')) return c.take_run("0123456789abcdefABCDEF_") > 0 && c.done();
    return c.take_run("01234567_") > 0 && c.done();  // 0[0-7_]+
  }
  c.k = body;
  if (!c.take_any("123456789")) return false;
  c.take_run(kYamlDigitsUnderscore);
  if (c.done()) return true;                    // [1-9][0-9_]*
  return take_sexagesimal_tail(c) && c.done();  // [1-9][0-9_]*(:[0-5]?[0-9])+
}

bool take_exponent(Cursor& c, bool sign_required) {
  if (!c.take_any("eE")) return false;
  if (!c.take_any("+-") && sign_required) return false;
  return c.take_run(kYamlDigits) > 0;
}

bool yaml_float_form(const std::string& s) {
  for (const char* special : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
                              "-.INF", ".nan", ".NaN", ".NAN"})
    if (s == special) return true;
  {  // \.[0-9_]+([eE][-+][0-9]+)?   (no sign; the exponent's sign is required)
    Cursor c{s};
    if (c.take('.') && c.take_run(kYamlDigitsUnderscore) > 0) {
      if (c.done()) return true;
      if (take_exponent(c, true) && c.done()) return true;
    }
  }
  Cursor c{s};
  c.take_any("+-");
  if (!c.take_any(kYamlDigits)) return false;
  c.take_run(kYamlDigitsUnderscore);
  const size_t after_integer = c.k;
  // [0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?
  if (c.take('.')) {
    c.take_run(kYamlDigitsUnderscore);
    if (c.done()) return true;
    return take_exponent(c, false) && c.done();
  }
  // [0-9][0-9_]*[eE][-+]?[0-9]+   (OmegaConf's addition)
  if (take_exponent(c, false) && c.done()) return true;
  // [0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
  c.k = after_integer;
  if (!take_sexagesimal_tail(c) || !c.take('.')) return false;
  c.take_run(kYamlDigitsUnderscore);
  return c.done();
}

bool yaml_bool_form(const std::string& s, bool* value) {
  for (const char* t : {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
    if (s == t) return *value = true, true;
  for (const char* f : {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
    if (s == f) return *value = false, true;
  return false;
}

std::string yaml_without_underscores(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

// Whether a plain scalar with this text reads back as a string (else it must be quoted).
bool reads_back_as_string(const std::string& s) {
  bool b = false;
  return !(s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL" || s == "???" ||
           yaml_bool_form(s, &b) || yaml_int_form(s) || yaml_float_form(s));
}

// PyYAML's construct_yaml_int on a scalar of yaml_int_form(); false when it does not fit in 64
// bits.
bool construct_yaml_int(const std::string& text, const SourceLocation& where, int64_t* out) {
  std::string value = yaml_without_underscores(text);
  bool negative = false;
  if (!value.empty() && (value[0] == '+' || value[0] == '-')) {
    negative = value[0] == '-';
    value = value.substr(1);
  }
  __int128 magnitude = 0;
  constexpr __int128 kLimit = static_cast<__int128>(std::numeric_limits<int64_t>::max()) + 1;
  auto accumulate = [&](const std::string& digits, int base) {
    MOTLAB_CHECK(
        !digits.empty(), where.str(), ": '", text,
        "' has the form of a YAML 1.1 integer but no digits (quote it to keep it as text)");
    for (char ch : digits) {
      const int d = std::isdigit(static_cast<unsigned char>(ch))
                        ? ch - '0'
                        : std::tolower(static_cast<unsigned char>(ch)) - 'a' + 10;
      magnitude = magnitude * base + d;
      if (magnitude > kLimit) return false;
    }
    return true;
  };
  bool fits = true;
  if (value == "0") {
    magnitude = 0;
  } else if (value.rfind("0b", 0) == 0) {
    fits = accumulate(value.substr(2), 2);
  } else if (value.rfind("0x", 0) == 0) {
    fits = accumulate(value.substr(2), 16);
  } else if (value[0] == '0') {
    fits = accumulate(value, 8);
  } else if (value.find(':') != std::string::npos) {
    // Base 60: "190:20:30" = 190 * 3600 + 20 * 60 + 30.
    size_t begin = 0;
    while (fits) {
      const size_t colon = value.find(':', begin);
      const std::string part = value.substr(begin, colon - begin);
      __int128 digit = 0;
      for (char ch : part) digit = digit * 10 + (ch - '0');
      magnitude = magnitude * 60 + digit;
      fits = magnitude <= kLimit;
      if (colon == std::string::npos) break;
      begin = colon + 1;
    }
  } else {
    fits = accumulate(value, 10);
  }
  if (!fits || (!negative && magnitude == kLimit)) return false;
  *out = static_cast<int64_t>(negative ? -magnitude : magnitude);
  return true;
}

// PyYAML's construct_yaml_float on a scalar of yaml_float_form().
double construct_yaml_float(const std::string& text) {
  std::string value = yaml_without_underscores(text);
  std::transform(value.begin(), value.end(), value.begin(), ::tolower);
  double sign = 1.0;
  if (!value.empty() && (value[0] == '+' || value[0] == '-')) {
    sign = value[0] == '-' ? -1.0 : 1.0;
    value = value.substr(1);
  }
  if (value == ".inf") return sign * std::numeric_limits<double>::infinity();
  if (value == ".nan") return std::numeric_limits<double>::quiet_NaN();
  if (value.find(':') != std::string::npos) {
    double total = 0;
    size_t begin = 0;
    for (;;) {
      const size_t colon = value.find(':', begin);
      total = total * 60 + std::strtod(value.substr(begin, colon - begin).c_str(), nullptr);
      if (colon == std::string::npos) break;
      begin = colon + 1;
    }
    return sign * total;
  }
  return sign * std::strtod(value.c_str(), nullptr);
}

// yaml-cpp reads invalid bytes of a file as U+FFFD, but its \N and \_ escapes give the single
// bytes 0x85 and 0xA0, not UTF-8: such text could not be written back, so it is refused.
void check_utf8(const YAML::Node& scalar, const std::string& source, const std::string& path) {
  const int64_t bad = text::unicode::invalid_utf8_offset(scalar.Scalar());
  MOTLAB_CHECK(bad < 0, source, ":", scalar.Mark().line + 1, ": ",
               path.empty() ? std::string("the document") : "under '" + path + "'",
               ": a scalar is not valid UTF-8 at byte ", bad,
               " (YAML's \\N and \\_ escapes are not supported: write the character itself)");
}

Config convert_yaml(const YAML::Node& node, const std::string& source, const std::string& path) {
  SourceLocation where{source, node.Mark().line >= 0 ? node.Mark().line + 1 : 0};
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Config::null(where).relocated(path);
    case YAML::NodeType::Scalar: {
      check_utf8(node, source, path);
      // Quoted scalars carry tag "!" in yaml-cpp; plain ones "?".
      if (node.Tag() == "!") return Config::string(node.Scalar(), where).relocated(path);
      return Config::parse_scalar(node.Scalar(), where).relocated(path);
    }
    case YAML::NodeType::Sequence: {
      std::vector<Config> items;
      size_t index = 0;
      for (const auto& child : node)
        items.push_back(convert_yaml(child, source, join_path(path, std::to_string(index++))));
      return Config::list(std::move(items), where).relocated(path);
    }
    case YAML::NodeType::Map: {
      std::vector<Config::Item> items;
      for (const auto& entry : node) {
        const YAML::Node& key_node = entry.first;
        MOTLAB_CHECK(key_node.IsScalar(), source, ":", key_node.Mark().line + 1,
                     ": a mapping key must be a scalar (under '", path, "')");
        check_utf8(key_node, source, path);
        std::string key = key_node.Scalar();
        for (const auto& existing : items)
          MOTLAB_CHECK(existing.first != key, source, ":", key_node.Mark().line + 1,
                       ": duplicate key '", join_path(path, key), "'");
        items.emplace_back(key, convert_yaml(entry.second, source, join_path(path, key)));
      }
      return Config::dict(std::move(items), where).relocated(path);
    }
  }
  return Config::null(where);
}

// Whether `s` written as a plain scalar reads back as the same string (not "..." or "---", a
// document marker; not a string YAML trims or splits).
bool plain_round_trips(const std::string& s) {
  try {
    YAML::Emitter e;
    e << s;
    const YAML::Node back = YAML::Load(e.c_str());
    return back.IsScalar() && back.Scalar() == s;
  } catch (const YAML::Exception&) {
    return false;
  }
}

void emit_yaml(const Config& value, YAML::Emitter& out) {
  switch (value.kind()) {
    case Config::Kind::kNull:
      out << YAML::Null;
      break;
    case Config::Kind::kMissing:
      out << "???";
      break;
    case Config::Kind::kBool:
      out << value.as_bool();
      break;
    case Config::Kind::kInt:
      out << value.as_int();
      break;
    case Config::Kind::kFloat:
      out << value.scalar_text();
      break;
    case Config::Kind::kString: {
      const std::string& s = value.as_string();
      // Quote strings that would otherwise re-parse as another kind.
      // Control characters (a CR would read back as a line break) need the escapes of the
      // double-quoted style too.
      const bool control = std::any_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      });
      if (!reads_back_as_string(s) || s.empty() || control || !plain_round_trips(s))
        out << YAML::DoubleQuoted << s;
      else
        out << s;
      break;
    }
    case Config::Kind::kList:
      out << YAML::BeginSeq;
      for (size_t k = 0; k < value.size(); ++k) emit_yaml(value.at(k), out);
      out << YAML::EndSeq;
      break;
    case Config::Kind::kDict:
      out << YAML::BeginMap;
      for (const auto& [key, child] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit_yaml(child, out);
      }
      out << YAML::EndMap;
      break;
  }
}

void json_escape(const std::string& s, std::ostream& out) {
  out << '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out << "\\\"";
        break;
      case '\\':
        out << "\\\\";
        break;
      case '\n':
        out << "\\n";
        break;
      case '\t':
        out << "\\t";
        break;
      case '\r':
        out << "\\r";
        break;
      default:
        if (c < 0x20)
          out << "\\u" << std::hex << std::setw(4) << std::setfill('0') << int(c) << std::dec;
        else
          out << c;
    }
  }
  out << '"';
}

void emit_json(const Config& value, std::ostream& out) {
  switch (value.kind()) {
    case Config::Kind::kNull:
      out << "null";
      break;
    case Config::Kind::kMissing:
      out << "\"???\"";
      break;
    case Config::Kind::kBool:
      out << (value.as_bool() ? "true" : "false");
      break;
    case Config::Kind::kInt:
      out << value.as_int();
      break;
    case Config::Kind::kFloat: {
      double d = value.as_double();
      if (std::isfinite(d))
        out << value.scalar_text();
      else
        out << "null";
      break;
    }
    case Config::Kind::kString:
      json_escape(value.as_string(), out);
      break;
    case Config::Kind::kList:
      out << '[';
      for (size_t k = 0; k < value.size(); ++k) {
        if (k) out << ',';
        emit_json(value.at(k), out);
      }
      out << ']';
      break;
    case Config::Kind::kDict: {
      out << '{';
      bool first = true;
      for (const auto& [key, child] : value.items()) {
        if (!first) out << ',';
        first = false;
        json_escape(key, out);
        out << ':';
        emit_json(child, out);
      }
      out << '}';
      break;
    }
  }
}

const std::vector<Config::Item>& empty_items() {
  static const std::vector<Config::Item> empty;
  return empty;
}

}  // namespace

Config::Config() : node_(make_node(Kind::kNull, {})) {}
Config::Config(std::shared_ptr<const Node> node, std::string path)
    : node_(std::move(node)), path_(std::move(path)) {}

Config Config::null(SourceLocation where) { return Config(make_node(Kind::kNull, where), ""); }
Config Config::missing(SourceLocation where) {
  return Config(make_node(Kind::kMissing, where), "");
}
Config Config::boolean(bool value, SourceLocation where) {
  auto node = make_node(Kind::kBool, where);
  node->b = value;
  return Config(node, "");
}
Config Config::integer(int64_t value, SourceLocation where) {
  auto node = make_node(Kind::kInt, where);
  node->i = value;
  return Config(node, "");
}
Config Config::floating(double value, SourceLocation where) {
  auto node = make_node(Kind::kFloat, where);
  node->f = value;
  return Config(node, "");
}
Config Config::string(std::string value, SourceLocation where) {
  auto node = make_node(Kind::kString, where);
  node->s = std::move(value);
  return Config(node, "");
}
Config Config::list(std::vector<Config> items, SourceLocation where) {
  auto node = make_node(Kind::kList, where);
  node->list = std::move(items);
  return Config(node, "");
}
Config Config::dict(std::vector<Item> items, SourceLocation where) {
  auto node = make_node(Kind::kDict, where);
  node->dict = std::move(items);
  return Config(node, "");
}

Config Config::parse_scalar(const std::string& text, SourceLocation where) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return null(where);
  if (text == "???") return missing(where);
  bool b = false;
  if (yaml_bool_form(text, &b)) return boolean(b, where);
  if (yaml_int_form(text)) {
    int64_t i = 0;
    MOTLAB_CHECK(construct_yaml_int(text, where, &i), where.str(), ": the integer '", text,
                 "' does not fit in 64 bits (quote it to keep it as text)");
    return integer(i, where);
  }
  if (yaml_float_form(text)) return floating(construct_yaml_float(text), where);
  return string(text, where);
}

Config Config::from_yaml_string(const std::string& text, const std::string& source_name) {
  // YAML is UTF-8: other bytes would come back as U+FFFD when the config is written out.
  const int64_t bad = text::unicode::invalid_utf8_offset(text);
  MOTLAB_CHECK(bad < 0, source_name, ":",
               1 + std::count(text.begin(), text.begin() + std::max<int64_t>(bad, 0), '\n'),
               ": not valid UTF-8 (byte ", bad, " of the file); save configs as UTF-8");
  // Nor may it hold control characters (YAML's printable set; a NUL also makes yaml-cpp guess a
  // UTF-16/32 encoding).
  const auto control = std::find_if(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f;
  });
  MOTLAB_CHECK(control == text.end(), source_name, ":", 1 + std::count(text.begin(), control, '\n'),
               ": control character 0x", std::hex,
               static_cast<int>(static_cast<unsigned char>(control == text.end() ? 0 : *control)),
               std::dec, " in a config (YAML allows printable characters only)");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    MOTLAB_FAIL(source_name, ":", e.mark.line + 1, ": YAML syntax error: ", e.msg);
  }
  return convert_yaml(root, source_name, "");
}

Config Config::from_yaml_file(const std::string& path) {
  std::ifstream in(path);
  MOTLAB_CHECK(in.good(), "cannot read config file '", path, "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return from_yaml_string(buffer.str(), path);
}

Config::Kind Config::kind() const { return node_->kind; }

const char* Config::kind_name() const {
  switch (kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kString:
      return "string";
    case Kind::kList:
      return "list";
    case Kind::kDict:
      return "dict";
    case Kind::kMissing:
      return "missing value (???)";
  }
  return "?";
}

bool Config::is_scalar() const {
  Kind k = kind();
  return k == Kind::kBool || k == Kind::kInt || k == Kind::kFloat || k == Kind::kString;
}

const SourceLocation& Config::where() const { return node_->where; }

std::string Config::describe() const {
  return "key '" + (path_.empty() ? std::string("<root>") : path_) + "' (" + where().str() + ")";
}

bool Config::as_bool() const {
  MOTLAB_CHECK(kind() == Kind::kBool, describe(), ": expected a bool, got ", kind_name(),
               is_scalar() ? " '" + scalar_text() + "'" : "");
  return node_->b;
}
int64_t Config::as_int() const {
  if (kind() == Kind::kFloat && std::floor(node_->f) == node_->f &&
      std::fabs(node_->f) < 9.007199254740992e15)
    return static_cast<int64_t>(node_->f);
  MOTLAB_CHECK(kind() == Kind::kInt, describe(), ": expected an int, got ", kind_name(),
               is_scalar() ? " '" + scalar_text() + "'" : "");
  return node_->i;
}
double Config::as_double() const {
  if (kind() == Kind::kInt) return static_cast<double>(node_->i);
  MOTLAB_CHECK(kind() == Kind::kFloat, describe(), ": expected a number, got ", kind_name(),
               is_scalar() ? " '" + scalar_text() + "'" : "");
  return node_->f;
}
const std::string& Config::as_string() const {
  MOTLAB_CHECK(kind() == Kind::kString, describe(), ": expected a string, got ", kind_name(),
               is_scalar() ? " '" + scalar_text() + "'" : "");
  return node_->s;
}

std::string Config::scalar_text() const {
  switch (kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kMissing:
      return "???";
    case Kind::kBool:
      return node_->b ? "true" : "false";
    case Kind::kInt:
      return std::to_string(node_->i);
    case Kind::kFloat: {
      double d = node_->f;
      if (std::isnan(d)) return ".nan";
      if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
      std::ostringstream out;
      out << std::setprecision(17) << d;
      std::string text = out.str();
      // Shortest representation that round-trips.
      for (int precision = 1; precision <= 17; ++precision) {
        std::ostringstream probe;
        probe << std::setprecision(precision) << d;
        if (std::strtod(probe.str().c_str(), nullptr) == d) {
          text = probe.str();
          break;
        }
      }
      // Whole numbers read as such ("20.0", not the shorter "2e+01").
      if (text.find('e') != std::string::npos && d == std::floor(d) && std::fabs(d) < 1e16)
        text = std::to_string(static_cast<long long>(d));
      if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
      return text;
    }
    case Kind::kString:
      return node_->s;
    default:
      MOTLAB_FAIL(describe(), ": expected a scalar, got ", kind_name());
  }
}

size_t Config::size() const {
  if (kind() == Kind::kList) return node_->list.size();
  if (kind() == Kind::kDict) return node_->dict.size();
  return 0;
}

Config Config::at(size_t index) const {
  MOTLAB_CHECK(kind() == Kind::kList, describe(), ": expected a list, got ", kind_name());
  MOTLAB_CHECK(index < node_->list.size(), describe(), ": index ", index, " out of range (size ",
               node_->list.size(), ")");
  return node_->list[index].relocated(join_path(path_, std::to_string(index)));
}

const std::vector<Config::Item>& Config::items() const {
  if (kind() != Kind::kDict) return empty_items();
  return node_->dict;
}

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  for (const auto& item : items()) out.push_back(item.first);
  return out;
}

bool Config::find(const std::string& dotted, Config* out) const {
  if (dotted.empty()) {
    if (out) *out = *this;
    return true;
  }
  Config current = *this;
  for (const std::string& part : split_dotted(dotted)) {
    if (current.kind() == Kind::kDict) {
      bool found = false;
      for (const auto& [key, child] : current.node_->dict) {
        if (key == part) {
          current = child.relocated(join_path(current.path_, key));
          found = true;
          break;
        }
      }
      if (!found) return false;
    } else if (current.kind() == Kind::kList) {
      int64_t index = 0;
      if (!parse_index(part, &index) || index < 0 || index >= (int64_t)current.node_->list.size())
        return false;
      current = current.at(static_cast<size_t>(index));
    } else {
      return false;
    }
  }
  if (out) *out = current;
  return true;
}

bool Config::has(const std::string& dotted) const { return find(dotted, nullptr); }

Config Config::operator[](const std::string& dotted) const {
  Config out;
  if (find(dotted, &out)) return out;
  // Name the deepest existing parent and its keys.
  Config parent = *this;
  std::string walked;
  for (const std::string& part : split_dotted(dotted)) {
    Config next;
    if (!parent.find(part, &next)) break;
    parent = next;
    walked = join_path(walked, part);
  }
  std::string available;
  for (const auto& key : parent.keys()) available += (available.empty() ? "" : ", ") + key;
  MOTLAB_FAIL("missing config key '", join_path(path_, dotted), "' (", parent.where().str(), ")",
              parent.is_dict() ? "; keys under '" + parent.path_ + "': " + available : "");
}

Config Config::relocated(const std::string& path) const { return Config(node_, path); }

Config Config::with(const std::string& dotted, const Config& value) const {
  std::vector<std::string> parts = split_dotted(dotted);
  std::function<Config(const Config&, size_t)> rebuild = [&](const Config& at,
                                                             size_t depth) -> Config {
    if (depth == parts.size()) return value;
    const std::string& key = parts[depth];
    if (at.kind() == Kind::kList) {
      int64_t index = 0;
      MOTLAB_CHECK(parse_index(key, &index) && index >= 0 && index < (int64_t)at.size(),
                   at.describe(), ": no list index '", key, "'");
      std::vector<Config> items = at.node_->list;
      items[index] = rebuild(items[index], depth + 1);
      return Config::list(std::move(items), at.where());
    }
    std::vector<Item> items = at.kind() == Kind::kDict ? at.node_->dict : std::vector<Item>{};
    for (auto& item : items) {
      if (item.first == key) {
        item.second = rebuild(item.second, depth + 1);
        return Config::dict(std::move(items), at.where());
      }
    }
    items.emplace_back(key, rebuild(Config::dict({}, value.where()), depth + 1));
    return Config::dict(std::move(items), at.where());
  };
  return rebuild(*this, 0).relocated(path_);
}

Config Config::without(const std::string& dotted) const {
  std::vector<std::string> parts = split_dotted(dotted);
  std::function<Config(const Config&, size_t)> rebuild = [&](const Config& at,
                                                             size_t depth) -> Config {
    if (at.kind() == Kind::kList) {  // a list item by index (Hydra main's ~list.N)
      std::vector<Config> list = at.node_->list;
      size_t index = 0;
      const std::string& part = parts[depth];
      MOTLAB_CHECK(!part.empty() && part.size() < 10 &&
                       part.find_first_not_of("0123456789") == std::string::npos &&
                       (index = std::stoul(part)) < list.size(),
                   "cannot delete '", dotted, "': '", at.path_.empty() ? "<root>" : at.path_,
                   "' is a list of ", list.size(), " items and '", part, "' is not an index in it");
      if (depth + 1 == parts.size())
        list.erase(list.begin() + static_cast<long>(index));
      else
        list[index] = rebuild(list[index], depth + 1);
      return Config::list(std::move(list), at.where());
    }
    MOTLAB_CHECK(at.kind() == Kind::kDict, "cannot delete '", dotted, "': '",
                 at.path_.empty() ? "<root>" : at.path_, "' is not a dict");
    std::vector<Item> items = at.node_->dict;
    for (size_t k = 0; k < items.size(); ++k) {
      if (items[k].first != parts[depth]) continue;
      if (depth + 1 == parts.size())
        items.erase(items.begin() + k);
      else
        items[k].second = rebuild(items[k].second, depth + 1);
      return Config::dict(std::move(items), at.where());
    }
    MOTLAB_FAIL("cannot delete '", dotted, "': key not found");
  };
  return rebuild(*this, 0).relocated(path_);
}

bool Config::operator==(const Config& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case Kind::kNull:
    case Kind::kMissing:
      return true;
    case Kind::kBool:
      return node_->b == other.node_->b;
    case Kind::kInt:
      return node_->i == other.node_->i;
    case Kind::kFloat:
      // Structural equality: a NaN setting equals itself (a resume compares configs).
      return node_->f == other.node_->f || (std::isnan(node_->f) && std::isnan(other.node_->f));
    case Kind::kString:
      return node_->s == other.node_->s;
    case Kind::kList:
      if (size() != other.size()) return false;
      for (size_t k = 0; k < size(); ++k)
        if (node_->list[k] != other.node_->list[k]) return false;
      return true;
    case Kind::kDict:
      if (size() != other.size()) return false;
      for (size_t k = 0; k < size(); ++k)
        if (node_->dict[k].first != other.node_->dict[k].first ||
            node_->dict[k].second != other.node_->dict[k].second)
          return false;
      return true;
  }
  return false;
}

std::string Config::to_yaml() const {
  if (kind() == Kind::kDict && size() == 0) return "{}\n";
  YAML::Emitter out;
  out.SetIndent(2);
  emit_yaml(*this, out);
  return std::string(out.c_str()) + "\n";
}

std::string Config::to_json() const {
  std::ostringstream out;
  emit_json(*this, out);
  return out.str();
}

// ---- typed get ------------------------------------------------------------------------------

namespace {
template <class T>
T convert(const Config& value);
template <>
bool convert<bool>(const Config& v) {
  return v.as_bool();
}
template <>
int convert<int>(const Config& v) {
  return static_cast<int>(v.as_int());
}
template <>
int64_t convert<int64_t>(const Config& v) {
  return v.as_int();
}
template <>
double convert<double>(const Config& v) {
  return v.as_double();
}
template <>
float convert<float>(const Config& v) {
  return static_cast<float>(v.as_double());
}
template <>
std::string convert<std::string>(const Config& v) {
  if (v.kind() == Config::Kind::kString) return v.as_string();
  MOTLAB_CHECK(v.is_scalar(), v.describe(), ": expected a string, got ", v.kind_name());
  return v.scalar_text();
}
template <class E>
std::vector<E> convert_list(const Config& v) {
  MOTLAB_CHECK(v.is_list(), v.describe(), ": expected a list, got ", v.kind_name());
  std::vector<E> out;
  for (size_t k = 0; k < v.size(); ++k) out.push_back(convert<E>(v.at(k)));
  return out;
}
template <>
std::vector<int64_t> convert<std::vector<int64_t>>(const Config& v) {
  return convert_list<int64_t>(v);
}
template <>
std::vector<int> convert<std::vector<int>>(const Config& v) {
  return convert_list<int>(v);
}
template <>
std::vector<double> convert<std::vector<double>>(const Config& v) {
  return convert_list<double>(v);
}
template <>
std::vector<std::string> convert<std::vector<std::string>>(const Config& v) {
  return convert_list<std::string>(v);
}
template <>
Config convert<Config>(const Config& v) {
  return v;
}
}  // namespace

template <class T>
T Config::get(const std::string& dotted) const {
  Config value = (*this)[dotted];
  MOTLAB_CHECK(!value.is_missing(), value.describe(), ": mandatory value '???' was never set");
  return convert<T>(value);
}

template <class T>
T Config::get(const std::string& dotted, const T& fallback) const {
  Config value;
  if (!find(dotted, &value) || value.is_null()) return fallback;
  MOTLAB_CHECK(!value.is_missing(), value.describe(), ": mandatory value '???' was never set");
  return convert<T>(value);
}

#define MOTLAB_CONFIG_GET(T)                           \
  template T Config::get<T>(const std::string&) const; \
  template T Config::get<T>(const std::string&, const T&) const;
MOTLAB_CONFIG_GET(bool)
MOTLAB_CONFIG_GET(int)
MOTLAB_CONFIG_GET(int64_t)
MOTLAB_CONFIG_GET(double)
MOTLAB_CONFIG_GET(float)
MOTLAB_CONFIG_GET(std::string)
MOTLAB_CONFIG_GET(std::vector<int64_t>)
MOTLAB_CONFIG_GET(std::vector<int>)
MOTLAB_CONFIG_GET(std::vector<double>)
MOTLAB_CONFIG_GET(std::vector<std::string>)
MOTLAB_CONFIG_GET(Config)
#undef MOTLAB_CONFIG_GET

}  // namespace motlab
