// Files are written to a temporary sibling and renamed into place, so a killed run never leaves
// a truncated file behind.
#pragma once
#include <string>
#include <vector>

namespace motlab {

void write_file_atomic(const std::string& path, const std::string& content);
// Appends `line` + '\n' by rewriting atomically (small logs/CSVs only).
std::string read_file(const std::string& path);  // throws naming the path if unreadable
// The lines of a text file without their '\n', trailing empty lines dropped.
std::vector<std::string> read_lines(const std::string& path);
bool file_exists(const std::string& path);
void make_dirs(const std::string& path);  // mkdir -p

}  // namespace motlab
