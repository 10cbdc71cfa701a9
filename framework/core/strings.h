// Small string helpers shared by the config parser, the data readers and the CLI.
#pragma once
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

}  // namespace motlab
