// Where motlab's own files are: the folder of libmotlab (a build tree's, or <prefix>/lib after
// `cmake --install`) and motlab's home, the folder holding its built-in configs/ and
// results/reference/ (the source tree for a build tree, <prefix>/share/motlab when installed).
#pragma once
#include <string>

namespace motlab {

std::string library_dir();
std::string motlab_home();

}  // namespace motlab
