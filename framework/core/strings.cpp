#include "framework/core/strings.h"

#include <algorithm>
#include <cstdio>

namespace motlab {

std::string trim(const std::string& text, const char* blanks) {
  const size_t begin = text.find_first_not_of(blanks);
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(blanks) - begin + 1);
}

std::vector<std::string> split_nonempty(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(separator, begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) out.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

std::string closest_match(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::string::npos;
  for (const auto& candidate : candidates) {
    const size_t n = key.size(), m = candidate.size();
    std::vector<size_t> row(m + 1);
    for (size_t j = 0; j <= m; ++j) row[j] = j;
    for (size_t i = 1; i <= n; ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= m; ++j) {
        size_t up = row[j];
        row[j] = std::min(
            {row[j] + 1, row[j - 1] + 1, diagonal + (key[i - 1] == candidate[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row[m] < best_distance) {
      best_distance = row[m];
      best = candidate;
    }
  }
  // Only suggest when at most about a third of the characters differ.
  if (best_distance == std::string::npos || best_distance * 3 > std::max<size_t>(key.size(), 3))
    return "";
  return best;
}

std::string join_names(const std::vector<std::string>& names, const std::string& empty) {
  if (names.empty()) return empty;
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

uint64_t fnv1a(const std::string& text, uint64_t basis) {
  uint64_t hash = basis;
  for (unsigned char c : text) hash = fnv1a_step(hash, c);
  return hash;
}

std::string fnv1a_hex(const std::string& text) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(fnv1a(text)));
  return out;
}

}  // namespace motlab
