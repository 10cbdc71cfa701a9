// Small string helpers shared by the config parser, the data readers and the CLI.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace motlab {

// `text` without leading and trailing characters from `blanks`.
std::string trim(const std::string& text, const char* blanks = " \t");

// The non-empty pieces of `text` between `separator`s: ("a,,b", ',') -> {"a", "b"}.
std::vector<std::string> split_nonempty(const std::string& text, char separator);

// The Levenshtein-closest candidate, "" when nothing is reasonably close (more than about a
// third of the characters differ): the "Did you mean" of every error about an unknown name.
std::string closest_match(const std::string& key, const std::vector<std::string>& candidates);

// "a, b, c" (or `empty` when there are none).
std::string join_names(const std::vector<std::string>& names, const std::string& empty = "");

// FNV-1a (64 bit): a hash that is the same on every machine and run, for cache keys, seed streams
// and hashed n-gram features. fnv1a_step mixes in one value (a byte, or a whole code point).
constexpr uint64_t kFnv1aBasis = 1469598103934665603ull;
constexpr uint64_t fnv1a_step(uint64_t hash, uint64_t value) {
  return (hash ^ value) * 1099511628211ull;
}
uint64_t fnv1a(const std::string& text, uint64_t basis = kFnv1aBasis);
std::string fnv1a_hex(const std::string& text);  // fnv1a(text) as 16 lower-case hex digits

}  // namespace motlab
