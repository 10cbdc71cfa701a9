#include "framework/core/install_paths.h"

#include <dlfcn.h>

#include <filesystem>

namespace motlab {
namespace fs = std::filesystem;

std::string library_dir() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&library_dir), &info) == 0 || !info.dli_fname) return "";
  std::error_code ec;
  const fs::path file = fs::canonical(info.dli_fname, ec);
  return ec ? "" : file.parent_path().string();
}

std::string motlab_home() {
  const std::string lib = library_dir();
  if (!lib.empty()) {
    const fs::path installed = fs::path(lib) / ".." / "share" / "motlab";
    if (fs::is_directory(installed / "configs")) return fs::canonical(installed).string();
  }
  return MOTLAB_SOURCE_DIR;
}

}  // namespace motlab
