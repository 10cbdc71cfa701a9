// Plugins and the config search path: a plugin's components join the built-in registries and its
// config folder joins the search path; a plugin stamped with other versions, a key registered
// twice, a file that is no plugin and a broken file are refused with errors naming the file; a
// later config folder adds options but a clash names both files; sweeps and pipelines hand their
// plugins and config folders to every child job; a `plugins:` list in a config loads them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/version.h"
#include "framework/io/atomic_file.h"
#include "framework/model/interfaces.h"
#include "framework/registry/plugins.h"
#include "tests/support/errors.h"
#include "tests/support/paths.h"
#include "tests/support/run_summary.h"

namespace fs = std::filesystem;
using motlab::test::run_command;

namespace {

using motlab::test::error_of;

std::string cli(const std::string& args, int* rc = nullptr) {
  std::string out;
  const int code = run_command(motlab::test::motlab_executable() + " " + args, &out);
  if (rc) *rc = code;
  return out;
}

std::string probe_configs() { return motlab::test::source_dir() + "/tests/plugins/probe_configs"; }

}  // namespace

TEST(Plugins, LoadedPluginRegistersItsComponentsAndConfigFolder) {
  const std::string file = fs::canonical(motlab::test::probe_plugin("good")).string();
  const motlab::LoadedPlugin& plugin = motlab::load_plugin(file, "test");
  EXPECT_EQ(plugin.file, file);
  EXPECT_EQ(plugin.name, "motlab_probe_plugin");
  EXPECT_EQ(plugin.config_dir, fs::canonical(probe_configs()).string());
  ASSERT_TRUE(motlab::loss_family().contains("plugin_probe"));
  EXPECT_EQ(motlab::loss_family().origin_of("plugin_probe"), file);
  EXPECT_EQ(motlab::loss_family().origin_of("infonce"), "built-in");
  const auto folders = motlab::extra_config_folders();
  EXPECT_NE(std::find(folders.begin(), folders.end(), plugin.config_dir), folders.end());
  // Built from its option file like any built-in loss; its declared default fills the rest.
  auto loss = motlab::loss_family().build(
      motlab::Config::from_yaml_file(probe_configs() + "/loss/plugin_probe.yaml"),
      motlab::BuildContext{});
  motlab::LossInputs in;
  in.text.mean = torch::ones({2, 3});
  in.motion.mean = torch::zeros({2, 3});
  EXPECT_DOUBLE_EQ(loss->compute(in).total.item<double>(), 3.0);  // scale 3.0 from the file
  // Loading it again (another spelling of the same file) changes nothing.
  EXPECT_EQ(&motlab::load_plugin(motlab::test::probe_plugin("good"), "again"), &plugin);
  EXPECT_EQ(motlab::loaded_plugins().size(), 1u);
}

TEST(Plugins, AMismatchedPluginIsRefusedNamingBothVersions) {
  const std::string file = motlab::test::probe_plugin("old");
  const std::string what = error_of([&] { motlab::load_plugin(file, "--plugin"); });
  EXPECT_NE(what.find("motlab 0.0.9 and LibTorch 0.0.1"), std::string::npos) << what;
  EXPECT_NE(what.find(std::string("this motlab is ") + MOTLAB_VERSION_STRING + " with LibTorch " +
                      TORCH_VERSION),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("rebuild the plugin"), std::string::npos) << what;
  EXPECT_FALSE(motlab::loss_family().contains("plugin_old"));  // none of its code ran
  // The same from the command line: a clear error and a non-zero exit, no crash.
  int rc = 0;
  const std::string out = cli("--plugin " + file + " list loss", &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("was built against motlab 0.0.9 and LibTorch 0.0.1"), std::string::npos)
      << out;
}

TEST(Plugins, AKeyRegisteredTwiceNamesBothOrigins) {
  const std::string file = fs::canonical(motlab::test::probe_plugin("clash")).string();
  const std::string what = error_of([&] { motlab::load_plugin(file, "test"); });
  EXPECT_NE(what.find("loss 'infonce' is registered twice: by built-in and by " + file),
            std::string::npos)
      << what;
}

TEST(Plugins, FilesThatAreNoPluginsAreRefusedWithTheirName) {
  const std::string dir = motlab::test::temp_dir("not_plugins");
  const std::string text = dir + "/libtext.so";
  motlab::write_file_atomic(text, "not an ELF file\n");
  EXPECT_NE(error_of([&] { motlab::load_plugin(text, "t"); }).find("is not a shared library"),
            std::string::npos);
  // A real shared library without a stamp (motlab's own sentencepiece shim).
  const std::string shim = motlab::test::binary_dir() + "/libmotlab_sentencepiece.so";
  const std::string unstamped = error_of([&] { motlab::load_plugin(shim, "t"); });
  EXPECT_NE(unstamped.find("is not a motlab plugin"), std::string::npos) << unstamped;
  EXPECT_NE(unstamped.find("motlab_add_plugin"), std::string::npos) << unstamped;
  // A plugin cut short: every offset read from the file is checked against its size.
  const std::string cut = dir + "/libcut.so";
  {
    std::ifstream in(motlab::test::probe_plugin("good"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    motlab::write_file_atomic(cut, bytes.substr(0, 200));
  }
  const std::string truncated = error_of([&] { motlab::load_plugin(cut, "t"); });
  EXPECT_NE(truncated.find(cut), std::string::npos) << truncated;
  EXPECT_NE(truncated.find("truncated or corrupt"), std::string::npos) << truncated;
  EXPECT_NE(error_of([&] {
              motlab::load_plugin(dir + "/libnothing.so", "--plugin");
            }).find("does not exist"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              motlab::load_plugin("no_such_plugin", "--plugin");
            }).find("no plugin 'no_such_plugin'"),
            std::string::npos);
}

TEST(Plugins, CliListsPluginKeysWithTheirOriginOptionsAndCensus) {
  const std::string file = fs::canonical(motlab::test::probe_plugin("good")).string();
  int rc = 0;
  std::string out = cli("--plugin " + file + " list loss plugin_probe", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("from: " + file), std::string::npos) << out;
  EXPECT_NE(out.find("plugin_probe.yaml"), std::string::npos) << out;
  EXPECT_NE(out.find("scale"), std::string::npos) << out;
  EXPECT_NE(out.find("factor of the squared distance"), std::string::npos) << out;
  out = cli("--plugin " + file + " list loss", &rc);
  EXPECT_NE(out.find("[plugin " + file + "]"), std::string::npos) << out;
  // The census covers the plugin's key and its option file.
  out = cli("--plugin " + file + " list --check", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(fs::canonical(probe_configs()).string()), std::string::npos) << out;
  EXPECT_NE(out.find(": 0 problem(s)"), std::string::npos) << out;
  // MOTLAB_PLUGIN_PATH: a folder's stamped libraries load, other libraries there are skipped.
  const std::string folder = motlab::test::temp_dir("plugin_path");
  fs::copy_file(file, folder + "/libmotlab_probe_plugin.so");
  fs::copy_file(motlab::test::binary_dir() + "/libmotlab_sentencepiece.so",
                folder + "/libmotlab_sentencepiece.so");
  out = cli("list loss plugin_probe", &rc);
  EXPECT_NE(rc, 0) << out;
  run_command("MOTLAB_PLUGIN_PATH=" + folder + " " + motlab::test::motlab_executable() +
                  " list loss plugin_probe",
              &out);
  EXPECT_NE(out.find("from: " + folder + "/libmotlab_probe_plugin.so"), std::string::npos) << out;
}

TEST(ConfigSearchPath, ALaterFolderAddsOptionsAndAClashNamesBothFiles) {
  const std::string builtin = motlab::test::source_dir() + "/configs";
  const std::string extra = motlab::test::temp_dir("config_path");
  fs::create_directories(extra + "/text_encoder");
  motlab::write_file_atomic(extra + "/text_encoder/wide_bow.yaml",
                            "_target_: ngram_bow\nhidden_dim: 1024\n");
  int rc = 0;
  std::string out = cli("--config-path " + extra + " run text_encoder=wide_bow --cfg job", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("hidden_dim: 1024"), std::string::npos) << out;
  EXPECT_NE(out.find("buckets: 4096"), std::string::npos) << out;  // the declared default
  // The same with MOTLAB_CONFIG_PATH.
  run_command("MOTLAB_CONFIG_PATH=" + extra + " " + motlab::test::motlab_executable() +
                  " run text_encoder=wide_bow --cfg job",
              &out);
  EXPECT_NE(out.find("hidden_dim: 1024"), std::string::npos) << out;
  // A clash: an option the built-in folder has already.
  motlab::write_file_atomic(extra + "/text_encoder/ngram_bow.yaml", "_target_: ngram_bow\n");
  out = cli("--config-path " + extra + " run text_encoder=wide_bow --cfg job", &rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("config option 'text_encoder/ngram_bow' is defined twice: " + builtin +
                     "/text_encoder/ngram_bow.yaml and " + extra + "/text_encoder/ngram_bow.yaml"),
            std::string::npos)
      << out;
  out = cli("--config-path " + extra + "/missing list", &rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("config folder '" + extra + "/missing' does not exist"), std::string::npos)
      << out;
}

TEST(ConfigSearchPath, ExperimentFoldersAreOptionsOfTheExperimentGroup) {
  const std::string source = motlab::test::source_dir();
  const motlab::ConfigSearchPath builtin({source + "/configs"});
  EXPECT_EQ(builtin.experiments_dir(), source + "/experiments");
  EXPECT_TRUE(builtin.is_group("experiment"));
  const auto names = builtin.options_of("experiment");
  for (const char* name : {"ablation_kv_pruning", "demo", "paper_tables", "paper_tables_hf"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  EXPECT_EQ(builtin.find("experiment/demo.yaml"), source + "/experiments/demo/config.yaml");
  EXPECT_EQ(builtin.find("experiment/demo/config.yaml"), "");
  EXPECT_EQ(builtin.find("experiment/nosuch.yaml"), "");
  // Every experiment folder says what it asks: a README beside its config.
  for (const auto& name : names)
    EXPECT_TRUE(fs::is_regular_file(source + "/experiments/" + name + "/README.md")) << name;
  // A user's own primary folder (without the built-in configs) does not see them.
  const std::string own = motlab::test::temp_dir("own_configs");
  const motlab::ConfigSearchPath alone({own});
  EXPECT_EQ(alone.experiments_dir(), "");
  EXPECT_TRUE(alone.options_of("experiment").empty());
  EXPECT_EQ(alone.find("experiment/demo.yaml"), "");
  // The same experiment in a later folder is a clash naming both files.
  fs::create_directories(own + "/experiment");
  motlab::write_file_atomic(own + "/experiment/demo.yaml", "# @package _global_\n");
  try {
    motlab::ConfigSearchPath({source + "/configs", own});
    ADD_FAILURE() << "no clash reported";
  } catch (const motlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "config option 'experiment/demo' is defined twice: " + source +
                  "/experiments/demo/config.yaml and " + own + "/experiment/demo.yaml"),
              std::string::npos)
        << e.what();
  }
}

TEST(ConfigSearchPath, AConfigsPluginsListLoadsThemBeforeComposition) {
  const std::string folder = motlab::test::temp_dir("plugins_list");
  fs::create_directories(folder + "/experiment");
  const std::string relative =
      fs::relative(fs::canonical(motlab::test::probe_plugin("good")), folder + "/experiment")
          .string();
  // The experiment selects the plugin's loss option, which exists only once the plugin loaded.
  motlab::write_file_atomic(folder + "/experiment/with_probe.yaml",
                            "# @package _global_\ndefaults:\n  - override /loss: plugin_probe\n"
                            "plugins: [" +
                                relative + "]\n");
  int rc = 0;
  const std::string out =
      cli("--config-path " + folder + " run method=sllm experiment=with_probe --cfg job", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("_target_: plugin_probe"), std::string::npos) << out;
  EXPECT_NE(out.find("scale: 3"), std::string::npos) << out;
}

TEST(ConfigSearchPath, PipelineAndSweepJobsGetThePluginsAndConfigFolders) {
  // A user folder with a task option and a pipeline whose stages need it and the plugin's loss.
  const std::string folder = motlab::test::temp_dir("child_sources");
  fs::create_directories(folder + "/task");
  fs::create_directories(folder + "/experiment");
  motlab::write_file_atomic(folder + "/task/toy_seven.yaml", "_target_: toy\na: 7\n");
  motlab::write_file_atomic(folder + "/experiment/stages_need_sources.yaml",
                            "# @package _global_\ndefaults:\n  - override /task: pipeline\n"
                            "task:\n  stages:\n    only: [task=toy_seven, loss=plugin_probe]\n");
  const std::string plugin = fs::canonical(motlab::test::probe_plugin("good")).string();
  const std::string run_dir = motlab::test::temp_dir("child_sources_run");
  int rc = 0;
  std::string out = cli("--plugin " + plugin + " --config-path " + folder +
                            " run experiment=stages_need_sources run.dir=" + run_dir,
                        &rc);
  ASSERT_EQ(rc, 0) << out << motlab::read_file(run_dir + "/stages/only/console.txt");
  const auto stage = motlab::test::run_summary_flat(run_dir + "/stages/only");
  EXPECT_EQ(stage["value"], 71);
  // A sweep: each job composes toy_seven (the folder) with the plugin's loss.
  const std::string sweep_dir = motlab::test::temp_dir("child_sources_sweep");
  out = cli("--plugin " + plugin + " --config-path " + folder +
                " run -m task=toy_seven loss=plugin_probe task.b=x,yy sweep.dir=" + sweep_dir,
            &rc);
  ASSERT_EQ(rc, 0) << out;
  for (const char* job : {"0", "1"}) {
    const auto metrics =
        nlohmann::json::parse(motlab::read_file(sweep_dir + "/" + job + "/metrics.json"));
    EXPECT_EQ(metrics["status"], "ok") << job;
  }
}
