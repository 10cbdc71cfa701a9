// UTF-8 and Unicode helpers shared by the tokenizers (utf8proc underneath).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace motlab::text::unicode {

// Byte offset of the first invalid UTF-8 sequence, or -1 when `text` is valid UTF-8.
int64_t invalid_utf8_offset(const std::string& text);
// Replaces every invalid UTF-8 sequence by U+FFFD (like Python's errors="replace").
std::string sanitize_utf8(const std::string& text);
// Normal forms of valid UTF-8 text.
std::string nfc(const std::string& text);
std::string nfkc(const std::string& text);
std::string nfd(const std::string& text);
std::string nfkd(const std::string& text);
// UTF-8 to code points (each invalid byte becomes U+FFFD) and back.
std::vector<char32_t> decode(const std::string& text);
std::string encode(char32_t code_point);
std::string encode(const std::vector<char32_t>& code_points);
// Python's str.isspace(), unicodedata.combining(c) != 0 and str.isdigit() for one code point.
bool is_python_space(char32_t c);
bool is_combining(char32_t c);
bool is_python_digit(char32_t c);
// Python's " ".join(text.split()): collapses whitespace runs, trims both ends.
std::string collapse_whitespace(const std::string& text);

}  // namespace motlab::text::unicode
