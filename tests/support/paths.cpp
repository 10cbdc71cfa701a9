#include "tests/support/paths.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace motlab::test {

std::string source_dir() { return MOTLAB_SOURCE_DIR; }
std::string binary_dir() { return MOTLAB_BINARY_DIR; }
std::string motlab_executable() { return MOTLAB_EXECUTABLE; }
std::string probe_plugin(const std::string& variant) {
  if (variant == "clash") return MOTLAB_PROBE_PLUGIN_CLASH;
  if (variant == "old") return MOTLAB_PROBE_PLUGIN_OLD;
  return MOTLAB_PROBE_PLUGIN;
}

std::string shared_dir() {
  if (const char* env = std::getenv("MOTLAB_SHARED_DIR")) {
    if (std::filesystem::exists(env)) return env;
    return "";
  }
  std::filesystem::path candidate = std::filesystem::path(source_dir()).parent_path() / "shared";
  if (std::filesystem::exists(candidate / "README.md")) return candidate.string();
  return "";
}

std::string temp_dir(const std::string& name) {
  static std::atomic<int> counter{0};
  std::filesystem::path dir =
      std::filesystem::path(binary_dir()) / "test_tmp" /
      (name + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

int run_command(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  std::string text;
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) text.append(buffer, n);
  int status = ::pclose(pipe);
  if (output) *output = text;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -1;
}

}  // namespace motlab::test
