// Where tests find things: the source tree, the build tree, the motlab executable and the
// shared reference data (../shared next to the checkout; tests that need it GTEST_SKIP when
// absent).
#pragma once
#include <string>

namespace motlab::test {
std::string source_dir();
std::string binary_dir();
std::string motlab_executable();
std::string shared_dir();  // "" when ../shared is absent
// The test plugins (tests/plugins/probe_plugin.cpp): "good" (loss plugin_probe + a config
// folder), "clash" (registers infonce again), "old" (stamped with other versions).
std::string probe_plugin(const std::string& variant);
// A fresh empty directory under the build tree, unique per call.
std::string temp_dir(const std::string& name);
// Runs a shell command, returns its exit code; stdout+stderr captured into *output if given.
int run_command(const std::string& command, std::string* output = nullptr);
}  // namespace motlab::test

#define MOTLAB_REQUIRE_SHARED()                                                   \
  do {                                                                            \
    if (::motlab::test::shared_dir().empty()) GTEST_SKIP() << "../shared absent"; \
  } while (0)
