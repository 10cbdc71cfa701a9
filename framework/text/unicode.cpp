#include "framework/text/unicode.h"

#include <utf8proc.h>

#include <cstdlib>

#include "framework/core/error.h"

namespace motlab::text::unicode {
namespace {

std::string normalize(const std::string& text, utf8proc_option_t options) {
  bool ascii = true;
  for (unsigned char c : text)
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii) return text;
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &out,
                   static_cast<utf8proc_option_t>(options | UTF8PROC_STABLE));
  MOTLAB_CHECK(n >= 0, "Unicode normalisation failed: ", utf8proc_errmsg(n));
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

}  // namespace

int64_t invalid_utf8_offset(const std::string& text) {
  const auto* begin = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto* p = begin;
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n < 0) return p - begin;
    p += n;
    left -= n;
  }
  return -1;
}

// Valid text (the common case, on every tokenizer call) is returned without re-encoding;
// utf8proc accepts only shortest forms, so re-encoding the decoded text keeps every valid byte.
std::string sanitize_utf8(const std::string& text) {
  return invalid_utf8_offset(text) < 0 ? text : encode(decode(text));
}

std::string nfc(const std::string& text) { return normalize(text, UTF8PROC_COMPOSE); }
std::string nfkc(const std::string& text) {
  return normalize(text, static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
}
std::string nfd(const std::string& text) { return normalize(text, UTF8PROC_DECOMPOSE); }
std::string nfkd(const std::string& text) {
  return normalize(text, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT));
}

std::vector<char32_t> decode(const std::string& text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n < 0) {
      out.push_back(0xFFFD);
      n = 1;
    } else {
      out.push_back(static_cast<char32_t>(cp));
    }
    p += n;
    left -= n;
  }
  return out;
}

std::string encode(char32_t code_point) {
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t n =
      utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
  return std::string(reinterpret_cast<char*>(buffer), static_cast<size_t>(n));
}

std::string encode(const std::vector<char32_t>& code_points) {
  std::string out;
  for (char32_t c : code_points) out += encode(c);
  return out;
}

bool is_python_space(char32_t c) {
  // str.isspace(): bidirectional class WS, B or S, or category Zs.
  if (c == 0x1C || c == 0x1D || c == 0x1E || c == 0x1F) return true;
  if ((c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85) return true;
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(c));
  return p->category == UTF8PROC_CATEGORY_ZS || p->category == UTF8PROC_CATEGORY_ZL ||
         p->category == UTF8PROC_CATEGORY_ZP;
}

bool is_combining(char32_t c) {
  return utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->combining_class != 0;
}

bool is_python_digit(char32_t c) {
  // Numeric_Type Decimal (category Nd) or Digit (superscripts, subscripts, circled digits...).
  if (utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->category == UTF8PROC_CATEGORY_ND)
    return true;
  return c == 0xB2 || c == 0xB3 || c == 0xB9 || c == 0x2070 || (c >= 0x2074 && c <= 0x2079) ||
         (c >= 0x2080 && c <= 0x2089) || (c >= 0x2460 && c <= 0x2468) ||
         (c >= 0x2474 && c <= 0x247C) || (c >= 0x2488 && c <= 0x2490) || c == 0x24EA ||
         (c >= 0x24F5 && c <= 0x24FD) || c == 0x24FF || (c >= 0x2776 && c <= 0x277E) ||
         (c >= 0x2780 && c <= 0x2788) || (c >= 0x278A && c <= 0x2792) ||
         (c >= 0x1369 && c <= 0x1371) || c == 0x19DA;
}

std::string collapse_whitespace(const std::string& text) {
  std::string out;
  std::string word;
  for (char32_t c : decode(text)) {
    if (is_python_space(c)) {
      if (!word.empty()) {
        if (!out.empty()) out += ' ';
        out += word;
        word.clear();
      }
    } else {
      word += encode(c);
    }
  }
  if (!word.empty()) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

}  // namespace motlab::text::unicode
