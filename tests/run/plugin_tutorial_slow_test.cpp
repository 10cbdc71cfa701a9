// docs/plugins.md, run as written: the commands between its tutorial markers build the example
// plugin (examples/plugins) against this build tree, load it, list its options, run the census,
// sweep it against ngram_bow and compare the two; then the same plugin is built against an
// installed prefix (`cmake --install`), installed itself and loaded from MOTLAB_PLUGIN_PATH. The
// checkout is not touched (git status before and after).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/run_summary.h"

namespace fs = std::filesystem;
using motlab::test::run_command;

namespace {

std::string tutorial_script() {
  const std::string doc = motlab::read_file(motlab::test::source_dir() + "/docs/plugins.md");
  const size_t begin = doc.find("<!-- tutorial:begin -->");
  const size_t end = doc.find("<!-- tutorial:end -->");
  EXPECT_NE(begin, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  std::string block = doc.substr(begin, end - begin);
  std::string script;
  bool inside = false;
  size_t at = 0;
  while (at < block.size()) {
    size_t eol = block.find('\n', at);
    if (eol == std::string::npos) eol = block.size();
    const std::string line = block.substr(at, eol - at);
    if (line.rfind("```", 0) == 0)
      inside = !inside;
    else if (inside)
      script += line + "\n";
    at = eol + 1;
  }
  return script;
}

std::string git_status() {
  std::string out;
  if (!fs::exists(motlab::test::source_dir() + "/.git")) return "<no git>";
  run_command("git -C " + motlab::test::source_dir() + " status --porcelain", &out);
  return out;
}

}  // namespace

TEST(PluginTutorial, RunsAsWrittenAgainstTheBuildTreeAndAnInstalledPrefix) {
  const std::string before = git_status();
  const std::string work = motlab::test::temp_dir("plugin_tutorial");
  const std::string script = work + "/tutorial.sh";
  motlab::write_file_atomic(script, tutorial_script());
  const std::string env = "cd " + work + " && MOTLAB_PREFIX=" + motlab::test::binary_dir() +
                          " MOTLAB=" + motlab::test::motlab_executable() +
                          " MOTLAB_EXAMPLES=" + motlab::test::source_dir() +
                          "/examples/plugins MOTLAB_DATA_DIR=" + motlab::test::binary_dir() +
                          "/data_cache ";
  std::string out;
  ASSERT_EQ(run_command(env + "bash -euo pipefail " + script, &out), 0) << out;
  const std::string plugin = fs::canonical(work + "/my_plugins/build/libmy_plugins.so").string();
  // list: the options with their declared types, defaults and help, and where they come from.
  EXPECT_NE(out.find("from: " + plugin), std::string::npos) << out;
  EXPECT_NE(out.find("hidden_dim  int     256      GRU width per direction"), std::string::npos)
      << out;
  EXPECT_NE(out.find("my_plugins/configs/text_encoder/my_gru.yaml"), std::string::npos) << out;
  // The census covers the plugin's keys and option files.
  EXPECT_NE(out.find(": 0 problem(s)"), std::string::npos) << out;
  // The sweep: two finished jobs with the plugin's protocol in their metrics.
  std::set<std::string> encoders;
  for (const char* job : {"0", "1"}) {
    const std::string dir = work + "/sweeps/gru_vs_bow/" + job;
    const auto metrics = motlab::test::run_summary_flat(dir);
    EXPECT_EQ(metrics["status"], "ok") << job;
    EXPECT_TRUE(metrics.contains("by_length/f40_80/t2m/R10")) << job;
    EXPECT_TRUE(metrics.contains("all/t2m/R10")) << job;
    encoders.insert(motlab::read_file(dir + "/choices.yaml").find("my_gru") != std::string::npos
                        ? "my_gru"
                        : "other");
  }
  EXPECT_EQ(encoders.size(), 2u);
  const std::string table = motlab::read_file(work + "/sweeps/gru_vs_bow/compare/compare.md");
  EXPECT_NE(table.find("my_gru"), std::string::npos) << table;
  EXPECT_NE(table.find("ngram_bow"), std::string::npos) << table;
  EXPECT_NE(table.find("by_length f40_80 t2m R@10"), std::string::npos) << table;

  // Against an installed motlab: install, build the plugin against the prefix, install the
  // plugin, load it from MOTLAB_PLUGIN_PATH; its configs come from the installed share folder.
  const std::string prefix = work + "/prefix";
  ASSERT_EQ(run_command("cmake --install " + motlab::test::binary_dir() + " --prefix " + prefix +
                            " > " + work + "/install.log",
                        &out),
            0)
      << out;
  ASSERT_EQ(
      run_command("cd " + work + " && cmake -S my_plugins -B installed_build -DCMAKE_PREFIX_PATH=" +
                      prefix + " -DCMAKE_INSTALL_PREFIX=" + prefix +
                      " > configure.log && cmake --build installed_build > build.log && "
                      "cmake --install installed_build > plugin_install.log",
                  &out),
      0)
      << out;
  ASSERT_EQ(
      run_command("cd " + work + " && rm -rf my_plugins/configs && MOTLAB_PLUGIN_PATH=" + prefix +
                      "/lib/motlab-plugins " + prefix + "/bin/motlab list text_encoder my_gru",
                  &out),
      0)
      << out;
  EXPECT_NE(
      out.find("from: " + fs::canonical(prefix).string() + "/lib/motlab-plugins/libmy_plugins.so"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("share/motlab-plugins/my_plugins/configs/text_encoder/my_gru.yaml"),
            std::string::npos)
      << out;
  // The installed motlab has its own built-in configs: it composes without the checkout.
  ASSERT_EQ(run_command("cd " + work + " && MOTLAB_PLUGIN_PATH=" + prefix + "/lib/motlab-plugins " +
                            prefix + "/bin/motlab run method=sllm text_encoder=my_gru --cfg job",
                        &out),
            0)
      << out;
  EXPECT_NE(out.find("_target_: my_gru"), std::string::npos) << out;
  EXPECT_EQ(git_status(), before) << "the tutorial changed the checkout";
}
