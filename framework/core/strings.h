// Small string helpers shared by the config parser, the data readers and the CLI.
#pragma once
#include <string>
#include <vector>

namespace motlab {

// `text` without leading and trailing characters from `blanks`.
std::string trim(const std::string& text, const char* blanks = " \t");

// The non-empty pieces of `text` between `separator`s: ("a,,b", ',') -> {"a", "b"}.
std::vector<std::string> split_nonempty(const std::string& text, char separator);

}  // namespace motlab
