// The override grammar of Hydra 1.3 (hydra/grammar/OverrideLexer.g4 and OverrideParser.g4, and
// the value rules of overrides_visitor.py), written from their rules: a lexer that takes the
// longest token at each position (the earlier rule on a tie), then a small recursive-descent
// parser. tests/config/hydra_conformance_test.cpp holds our cases for every rule.
#include "framework/config/overrides.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "framework/core/error.h"
#include "framework/core/strings.h"

namespace motlab {
namespace {

const SourceLocation kCommandLine{};

enum class Tok {
  kPopen,
  kComma,
  kPclose,
  kBracketOpen,
  kBracketClose,
  kBraceOpen,
  kBraceClose,
  kColon,
  kEqual,
  kFloat,
  kInt,
  kBool,
  kNull,
  kUnquotedChar,
  kId,
  kEsc,
  kWs,
  kQuoted,
  kInterpolation
};

struct Token {
  Tok kind;
  size_t begin, end;  // [begin, end) in the value text
  std::string text;   // the raw text
};

// Digits with single underscores between them, as Hydra's INT/FLOAT rules allow.
const char* kIntU = "(?:0|[1-9](?:_?[0-9])*)";
const char* kDigits = "[0-9](?:_?[0-9])*";

const std::vector<std::pair<Tok, std::regex>>& token_rules() {
  static const auto* rules = [] {
    const std::string point = std::string("(?:") + kIntU + "?\\." + kDigits + "|" + kIntU + "\\.)";
    const std::string exponent =
        "(?:(?:" + point + "|" + kIntU + ")[eE][+-]?" + std::string(kDigits) + ")";
    auto* out = new std::vector<std::pair<Tok, std::regex>>{
        {Tok::kPopen, std::regex("[ \\t]*\\([ \\t]*")},
        {Tok::kComma, std::regex("[ \\t]*,[ \\t]*")},
        {Tok::kPclose, std::regex("[ \\t]*\\)")},
        {Tok::kBracketOpen, std::regex("\\[[ \\t]*")},
        {Tok::kBracketClose, std::regex("[ \\t]*\\]")},
        {Tok::kBraceOpen, std::regex("\\{[ \\t]*")},
        {Tok::kBraceClose, std::regex("[ \\t]*\\}")},
        {Tok::kColon, std::regex("[ \\t]*:[ \\t]*")},
        {Tok::kEqual, std::regex("[ \\t]*=[ \\t]*")},
        {Tok::kFloat,
         std::regex("[+-]?(?:" + exponent + "|" + point + "|[iI][nN][fF]|[nN][aA][nN])")},
        {Tok::kInt, std::regex(std::string("[+-]?") + kIntU)},
        {Tok::kBool, std::regex("[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]")},
        {Tok::kNull, std::regex("[nN][uU][lL][lL]")},
        {Tok::kUnquotedChar, std::regex("[/\\-\\\\+.$%*@?|]")},
        {Tok::kId, std::regex("[a-zA-Z_][a-zA-Z0-9_\\-]*")},
        {Tok::kEsc, std::regex("(?:\\\\[\\\\()\\[\\]{}:=, \\t])+")},
        {Tok::kWs, std::regex("[ \\t]+")},
        {Tok::kInterpolation, std::regex("\\$\\{[^}]+\\}")},
    };
    return out;
  }();
  return *rules;
}

[[noreturn]] void grammar_error(const std::string& text, const std::string& message) {
  MOTLAB_FAIL("Error parsing override value '", text, "': ", message,
              "\n(the grammar is Hydra's: https://hydra.cc/docs/advanced/override_grammar/basic)");
}

// A quoted string starting at text[begin]: its length, or 0 when it never closes. Only a run of
// backslashes right before a quote of the same kind is special (odd: an escaped quote).
size_t quoted_length(const std::string& text, size_t begin) {
  const char quote = text[begin];
  size_t backslashes = 0;
  for (size_t k = begin + 1; k < text.size(); ++k) {
    const char c = text[k];
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == quote && backslashes % 2 == 0) return k - begin + 1;
    backslashes = 0;
  }
  return 0;
}

// The content of a quoted token: 2n+1 backslashes before an inner quote become n and the quote,
// 2n before the closing quote become n; every other backslash stays.
std::string unquote(const std::string& token) {
  const char quote = token[0];
  const std::string body = token.substr(1, token.size() - 2);
  std::string out;
  size_t k = 0;
  while (k < body.size()) {
    if (body[k] != '\\') {
      out += body[k++];
      continue;
    }
    size_t run = 0;
    while (k + run < body.size() && body[k + run] == '\\') ++run;
    const bool before_quote = k + run < body.size() && body[k + run] == quote;
    const bool at_end = k + run == body.size();
    if (before_quote) {
      out += std::string(run / 2, '\\');
      out += quote;
      k += run + 1;
    } else if (at_end) {
      out += std::string(run / 2, '\\');
      k += run;
    } else {
      out += std::string(run, '\\');
      k += run;
    }
  }
  return out;
}

std::vector<Token> tokenize(const std::string& text) {
  std::vector<Token> tokens;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t best_length = 0;
    Tok best = Tok::kWs;
    if (text[pos] == '\'' || text[pos] == '"') {
      best_length = quoted_length(text, pos);
      best = Tok::kQuoted;
    }
    for (const auto& [kind, rule] : token_rules()) {
      std::smatch match;
      if (std::regex_search(text.cbegin() + static_cast<long>(pos), text.cend(), match, rule,
                            std::regex_constants::match_continuous) &&
          static_cast<size_t>(match.length(0)) > best_length) {
        best_length = static_cast<size_t>(match.length(0));
        best = kind;
      }
    }
    if (best_length == 0)
      grammar_error(text, "token recognition error at: '" + text.substr(pos) +
                              "' (quote a value that holds other characters: key='...')");
    tokens.push_back(Token{best, pos, pos + best_length, text.substr(pos, best_length)});
    pos += best_length;
  }
  return tokens;
}

bool is_primitive_part(Tok kind, bool dict_key) {
  switch (kind) {
    case Tok::kId:
    case Tok::kNull:
    case Tok::kInt:
    case Tok::kFloat:
    case Tok::kBool:
    case Tok::kUnquotedChar:
    case Tok::kEsc:
    case Tok::kWs:
      return true;
    case Tok::kColon:
    case Tok::kInterpolation:
      return !dict_key;
    default:
      return false;
  }
}

std::string without_underscores(const std::string& text) {
  std::string out;
  for (char c : text)
    if (c != '_') out += c;
  return out;
}

// One typed token: Hydra types a value only when it is exactly one number, bool or null.
Config typed(const Token& token, const std::string& text) {
  switch (token.kind) {
    case Tok::kInt: {
      const std::string digits = without_underscores(token.text);
      errno = 0;
      char* end = nullptr;
      const long long value = std::strtoll(digits.c_str(), &end, 10);
      if (errno == ERANGE)
        grammar_error(text, "integer '" + token.text + "' does not fit in 64 bits");
      return Config::integer(value, kCommandLine);
    }
    case Tok::kFloat: {
      std::string lower = without_underscores(token.text);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const bool negative = !lower.empty() && lower[0] == '-';
      const std::string unsigned_text =
          lower[0] == '-' || lower[0] == '+' ? lower.substr(1) : lower;
      if (unsigned_text == "inf")
        return Config::floating(negative ? -INFINITY : INFINITY, kCommandLine);
      if (unsigned_text == "nan") return Config::floating(NAN, kCommandLine);
      return Config::floating(std::strtod(lower.c_str(), nullptr), kCommandLine);
    }
    case Tok::kBool: {
      const char first = static_cast<char>(std::tolower(static_cast<unsigned char>(token.text[0])));
      return Config::boolean(first == 't', kCommandLine);
    }
    case Tok::kNull:
      return Config::null(kCommandLine);
    default:
      return Config();
  }
}

std::string unescaped_text(const Token& token) {
  if (token.kind != Tok::kEsc) return token.text;
  std::string out;
  for (size_t k = 1; k < token.text.size(); k += 2) out += token.text[k];
  return out;
}

class ValueParser {
 public:
  explicit ValueParser(const std::string& text) : text_(text), tokens_(tokenize(text)) {}

  // The whole value: one or more top-level elements separated by commas. Each element's text
  // (re-parsable on its own) is kept for sweeps.
  std::vector<Config> parse_elements(std::vector<std::string>* texts) {
    std::vector<Config> out;
    if (tokens_.empty()) {  // key= is the empty string
      if (texts) texts->push_back("");
      out.push_back(Config::string("", kCommandLine));
      return out;
    }
    while (true) {
      const size_t first = pos_;
      out.push_back(parse_element());
      if (texts) texts->push_back(element_text(first, pos_));
      if (at_end()) break;
      if (peek() != Tok::kComma) extraneous();
      ++pos_;
    }
    return out;
  }

 private:
  // The text of tokens [first, last) without unescaped whitespace at either end.
  std::string element_text(size_t first, size_t last) const {
    while (first < last && tokens_[first].kind == Tok::kWs) ++first;
    while (last > first && tokens_[last - 1].kind == Tok::kWs) --last;
    if (first == last) return "";
    return text_.substr(tokens_[first].begin, tokens_[last - 1].end - tokens_[first].begin);
  }
  bool at_end() const { return pos_ >= tokens_.size(); }
  Tok peek() const { return tokens_[pos_].kind; }
  [[noreturn]] void extraneous() {
    grammar_error(text_, "extraneous input '" + tokens_[pos_].text + "' expecting <EOF>");
  }
  [[noreturn]] void missing(const std::string& what) {
    grammar_error(text_, at_end() ? "missing " + what + " at '<EOF>'"
                                  : "no viable alternative at input '" +
                                        text_.substr(0, tokens_[pos_].end) + "'");
  }

  Config parse_element() {
    if (at_end()) missing("a value");
    Config value;
    switch (peek()) {
      case Tok::kBracketOpen:
        value = parse_list();
        break;
      case Tok::kBraceOpen:
        value = parse_dict();
        break;
      case Tok::kQuoted:
        value = Config::string(unquote(tokens_[pos_++].text), kCommandLine);
        break;
      default:
        if (peek() == Tok::kId && pos_ + 1 < tokens_.size() &&
            tokens_[pos_ + 1].kind == Tok::kPopen)
          grammar_error(text_, "'" + tokens_[pos_].text +
                                   "(...)' is a sweep function: use it as the whole value, "
                                   "with -m");
        value = parse_primitive(/*dict_key=*/false);
    }
    return value;
  }

  // Tokens of a primitive; one leading and one trailing whitespace token are dropped.
  std::vector<Token> primitive_tokens(bool dict_key) {
    std::vector<Token> parts;
    while (!at_end() && is_primitive_part(peek(), dict_key)) parts.push_back(tokens_[pos_++]);
    if (!parts.empty() && parts.front().kind == Tok::kWs) parts.erase(parts.begin());
    if (!parts.empty() && parts.back().kind == Tok::kWs) parts.pop_back();
    return parts;
  }

  Config parse_primitive(bool dict_key) {
    const size_t start = pos_;
    std::vector<Token> parts = primitive_tokens(dict_key);
    if (parts.empty()) {
      if (pos_ > start) grammar_error(text_, "Trying to parse a primitive that is all whitespaces");
      missing("a value");
    }
    if (parts.size() == 1) {
      const Config value = typed(parts[0], text_);
      if (!value.is_null() || parts[0].kind == Tok::kNull) return value;
    }
    std::string out;
    for (const auto& part : parts) out += unescaped_text(part);
    if (out == "???") return Config::missing(kCommandLine);
    return Config::string(out, kCommandLine);
  }

  Config parse_list() {
    ++pos_;  // '['
    std::vector<Config> items;
    if (!at_end() && peek() == Tok::kBracketClose) {
      ++pos_;
      return Config::list({}, kCommandLine);
    }
    while (true) {
      if (at_end() || peek() == Tok::kComma || peek() == Tok::kBracketClose) missing("a list item");
      items.push_back(parse_element());
      if (at_end()) missing("']'");
      if (peek() == Tok::kBracketClose) {
        ++pos_;
        break;
      }
      if (peek() != Tok::kComma) missing("',' or ']'");
      ++pos_;
    }
    return Config::list(std::move(items), kCommandLine);
  }

  Config parse_dict() {
    ++pos_;  // '{'
    std::vector<Config::Item> items;
    if (!at_end() && peek() == Tok::kBraceClose) {
      ++pos_;
      return Config::dict({}, kCommandLine);
    }
    while (true) {
      std::vector<Token> parts = primitive_tokens(/*dict_key=*/true);
      if (parts.empty()) missing("a dict key");
      std::string key;
      for (const auto& part : parts) key += unescaped_text(part);
      if (at_end() || peek() != Tok::kColon) missing("':'");
      ++pos_;
      if (at_end() || peek() == Tok::kComma || peek() == Tok::kBraceClose) missing("a dict value");
      Config value = parse_element();
      bool replaced = false;  // a repeated key keeps its place and takes the last value
      for (auto& item : items)
        if (item.first == key) {
          item.second = value;
          replaced = true;
        }
      if (!replaced) items.emplace_back(key, value);
      if (at_end()) missing("'}'");
      if (peek() == Tok::kBraceClose) {
        ++pos_;
        break;
      }
      if (peek() != Tok::kComma) missing("',' or '}'");
      ++pos_;
    }
    return Config::dict(std::move(items), kCommandLine);
  }

  const std::string& text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// Top-level element texts of a value (a sweep has more than one).
std::vector<std::string> element_texts(const std::string& text) {
  std::vector<std::string> texts;
  ValueParser(text).parse_elements(&texts);
  return texts;
}

bool is_function_call(const std::string& text, const std::string& name) {
  std::string t = trim(text);
  return t.rfind(name + "(", 0) == 0 && !t.empty() && t.back() == ')';
}

std::string function_arguments(const std::string& text, const std::string& name) {
  const std::string t = trim(text);
  return t.substr(name.size() + 1, t.size() - name.size() - 2);
}

std::string format_number(double value) {
  Config c = Config::floating(value);
  return c.scalar_text();
}

// Hydra's FloatRange steps in Python's decimal.Decimal: each bound is the exact value of its
// double, and each sum is rounded to 28 significant digits (half even), so a float range
// reproduces Hydra's values to the bit, binary noise (0.30000000000000004) and all.
class PythonDecimal {
 public:
  explicit PythonDecimal(double value) {
    char buffer[1200];
    std::snprintf(buffer, sizeof(buffer), "%.800e", value);  // glibc prints the exact value
    std::string text = buffer;
    negative_ = text[0] == '-';
    if (negative_) text = text.substr(1);
    const size_t e = text.find('e');
    std::string mantissa = text.substr(0, e);
    mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
    exponent_ = std::stoi(text.substr(e + 1)) - static_cast<int>(mantissa.size() - 1);
    digits_ = mantissa;
    normalise();
  }
  PythonDecimal plus_rounded(const PythonDecimal& other) const {
    const int exponent = std::min(exponent_, other.exponent_);
    const std::string a = digits_ + std::string(exponent_ - exponent, '0');
    const std::string b = other.digits_ + std::string(other.exponent_ - exponent, '0');
    PythonDecimal out;
    out.exponent_ = exponent;
    if (negative_ == other.negative_) {
      out.negative_ = negative_;
      out.digits_ = add(a, b);
    } else if (compare_magnitude(a, b) >= 0) {
      out.negative_ = negative_;
      out.digits_ = subtract(a, b);
    } else {
      out.negative_ = other.negative_;
      out.digits_ = subtract(b, a);
    }
    out.normalise();
    out.round_to(28);
    return out;
  }
  // -1, 0, 1 as this <, =, > other (exact).
  int compare(const PythonDecimal& other) const {
    if (is_zero() && other.is_zero()) return 0;
    if (negative_ != other.negative_) return negative_ ? -1 : 1;
    const int exponent = std::min(exponent_, other.exponent_);
    const int c = compare_magnitude(digits_ + std::string(exponent_ - exponent, '0'),
                                    other.digits_ + std::string(other.exponent_ - exponent, '0'));
    return negative_ ? -c : c;
  }
  bool is_negative() const { return negative_ && !is_zero(); }
  bool is_zero() const { return digits_ == "0"; }
  double to_double() const {  // correctly rounded, as Python's float(Decimal)
    return std::strtod(((negative_ ? "-" : "") + digits_ + "e" + std::to_string(exponent_)).c_str(),
                       nullptr);
  }

 private:
  PythonDecimal() = default;
  void normalise() {  // no leading zeros in the coefficient
    const size_t first = digits_.find_first_not_of('0');
    digits_ = first == std::string::npos ? "0" : digits_.substr(first);
  }
  void round_to(size_t precision) {
    if (digits_.size() <= precision) return;
    const size_t dropped = digits_.size() - precision;
    std::string kept = digits_.substr(0, precision);
    const std::string rest = digits_.substr(precision);
    const int first = rest[0] - '0';
    const bool beyond_half = rest.find_first_not_of('0', 1) != std::string::npos;
    const bool round_up = first > 5 || (first == 5 && (beyond_half || (kept.back() - '0') % 2));
    if (round_up) kept = add(kept, "1");
    exponent_ += static_cast<int>(dropped);
    digits_ = kept;
    normalise();                       // add() leaves a leading carry digit
    if (digits_.size() > precision) {  // 999..9 + 1
      digits_.pop_back();
      ++exponent_;
    }
  }
  static int compare_magnitude(std::string a, std::string b) {
    const size_t width = std::max(a.size(), b.size());
    a.insert(0, width - a.size(), '0');
    b.insert(0, width - b.size(), '0');
    return a < b ? -1 : a > b ? 1 : 0;
  }
  static std::string add(std::string a, std::string b) {
    const size_t width = std::max(a.size(), b.size());
    a.insert(0, width - a.size(), '0');
    b.insert(0, width - b.size(), '0');
    std::string out(width + 1, '0');
    int carry = 0;
    for (size_t k = width; k-- > 0;) {
      const int sum = (a[k] - '0') + (b[k] - '0') + carry;
      out[k + 1] = static_cast<char>('0' + sum % 10);
      carry = sum / 10;
    }
    out[0] = static_cast<char>('0' + carry);
    return out;
  }
  static std::string subtract(std::string a, std::string b) {  // a >= b
    const size_t width = std::max(a.size(), b.size());
    a.insert(0, width - a.size(), '0');
    b.insert(0, width - b.size(), '0');
    std::string out(width, '0');
    int borrow = 0;
    for (size_t k = width; k-- > 0;) {
      int difference = (a[k] - '0') - (b[k] - '0') - borrow;
      borrow = difference < 0;
      if (borrow) difference += 10;
      out[k] = static_cast<char>('0' + difference);
    }
    return out;
  }
  bool negative_ = false;
  std::string digits_ = "0";
  int exponent_ = 0;
};

// Hydra's range(): Python's range() when all arguments are ints, else its FloatRange. Values are
// rendered as Python's str() renders them (0.25, 1e-05); an empty range has no values.
std::vector<std::string> expand_range(const std::string& text) {
  const std::string t = trim(text);
  std::vector<std::string> args = element_texts(function_arguments(t, "range"));
  MOTLAB_CHECK(args.size() >= 1 && args.size() <= 3, "sweep '", t,
               "': range takes 1 to 3 arguments (start, stop[, step])");
  std::vector<Config> numbers;
  bool all_int = true;
  for (const auto& arg : args) {
    Config value = ValueParser(arg).parse_elements(nullptr).front();
    MOTLAB_CHECK(value.kind() == Config::Kind::kInt || value.kind() == Config::Kind::kFloat,
                 "sweep '", t, "': range argument '", arg, "' is not a number");
    MOTLAB_CHECK(std::isfinite(value.as_double()), "sweep '", t, "': range argument '", arg,
                 "' must be finite");
    all_int = all_int && value.kind() == Config::Kind::kInt;
    numbers.push_back(value);
  }
  const Config zero = Config::integer(0), one = Config::integer(1);
  const Config& start = numbers.size() == 1 ? zero : numbers[0];
  const Config& stop = numbers.size() == 1 ? numbers[0] : numbers[1];
  const Config& step = numbers.size() == 3 ? numbers[2] : one;
  std::vector<std::string> out;
  constexpr int64_t kMaxValues = 100000;
  if (all_int) {
    const int64_t first = start.as_int(), last = stop.as_int(), stride = step.as_int();
    MOTLAB_CHECK(stride != 0, "sweep '", t, "': range step must not be zero");
    for (__int128 value = first; stride > 0 ? value < last : value > last; value += stride) {
      MOTLAB_CHECK(static_cast<int64_t>(out.size()) < kMaxValues, "sweep '", t,
                   "': range has more than ", kMaxValues, " values");
      out.push_back(std::to_string(static_cast<int64_t>(value)));
    }
    return out;
  }
  PythonDecimal value(start.as_double());
  const PythonDecimal end(stop.as_double()), stride(step.as_double());
  MOTLAB_CHECK(!stride.is_zero(), "sweep '", t, "': range step must not be zero");
  while (stride.is_negative() ? value.compare(end) > 0 : value.compare(end) < 0) {
    MOTLAB_CHECK(static_cast<int64_t>(out.size()) < kMaxValues, "sweep '", t,
                 "': range has more than ", kMaxValues, " values");
    out.push_back(format_number(value.to_double()));
    value = value.plus_rounded(stride);
  }
  return out;
}

// Hydra's key grammar: packageOrGroup ('@' package)?, no whitespace.
void check_key(const std::string& raw, const std::string& key, bool has_package,
               const std::string& package) {
  static const std::string id = "[A-Za-z_][A-Za-z0-9_\\-]*";
  static const std::string special = "[A-Za-z_$][A-Za-z0-9_$\\-]*";
  static const std::string segment = "(?:" + special + "|" + std::string(kIntU) + ")";
  static const std::regex package_rule("(?:" + special + "|" + segment + "(?:\\." + segment +
                                       ")+)");
  static const std::regex group_rule(id + "(?:/" + id + ")+");
  const bool key_ok = std::regex_match(key, package_rule) || std::regex_match(key, group_rule);
  MOTLAB_CHECK(key_ok, "override '", raw, "': invalid key '", key,
               "' (a dotted path like model.lr or a config group like db or server/db, no "
               "spaces)");
  MOTLAB_CHECK(!has_package || package.empty() || std::regex_match(package, package_rule),
               "override '", raw, "': invalid package '", package, "' after '@'");
}

}  // namespace

Config parse_override_value(const std::string& text) {
  std::vector<Config> elements = ValueParser(text).parse_elements(nullptr);
  MOTLAB_CHECK(elements.size() == 1, "override value '", text, "' is a sweep of ", elements.size(),
               " values (quote it to use it as a string)");
  return elements.front();
}

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
    // '=' swallows the whitespace after it, as Hydra's lexer does.
    o.value_text = text.substr(eq + 1);
    o.value_text =
        o.value_text.substr(std::min(o.value_text.size(), o.value_text.find_first_not_of(" \t")));
  }
  MOTLAB_CHECK(o.has_value || o.kind == Override::Kind::kDelete, "override '", raw,
               "': expected key=value (or ~key to delete)");
  size_t at = key.find('@');
  if (at != std::string::npos) {
    o.has_package = true;
    o.package = key.substr(at + 1);
    key = key.substr(0, at);
    MOTLAB_CHECK(o.package.find('@') == std::string::npos, "override '", raw,
                 "': more than one '@' in the key");
  }
  o.key = key;
  MOTLAB_CHECK(!o.key.empty(), "override '", raw, "': empty key");
  check_key(raw, o.key, o.has_package, o.package);
  return o;
}

bool Override::is_sweep() const {
  if (!has_value) return false;
  if (is_function_call(value_text, "range") || is_function_call(value_text, "choice")) return true;
  try {
    return element_texts(value_text).size() > 1;
  } catch (const Error& e) {
    MOTLAB_FAIL("override '", text, "': ", e.what());
  }
}

std::vector<std::string> Override::sweep_values() const {
  if (!has_value) return {};
  if (is_function_call(value_text, "range")) return expand_range(value_text);
  const std::string text = is_function_call(value_text, "choice")
                               ? function_arguments(value_text, "choice")
                               : value_text;
  try {
    return element_texts(text);  // each is parsed, so a bad candidate fails now, not in its job
  } catch (const Error& e) {
    MOTLAB_FAIL("override '", this->text, "': ", e.what());
  }
}

Config Override::value() const {
  MOTLAB_CHECK(has_value, "override '", text, "' has no value");
  if (!is_sweep()) {
    try {
      return parse_override_value(value_text);
    } catch (const Error& e) {
      MOTLAB_FAIL("override '", text, "': ", e.what());
    }
  }
  MOTLAB_FAIL("Ambiguous value for argument '", text,
              "'\n1. To use it as a list, use key=[value1,value2]\n2. To use it as string, quote "
              "the value: key='value1,value2'\n3. To sweep over it, add --multirun (-m) to your "
              "command line");
}

std::string Override::key_text() const { return key + (has_package ? "@" + package : ""); }

std::string Override::with_value(const std::string& value) const {
  std::string prefix = kind == Kind::kForce    ? "++"
                       : kind == Kind::kAppend ? "+"
                       : kind == Kind::kDelete ? "~"
                                               : "";
  return prefix + key_text() + "=" + value;
}

}  // namespace motlab
