// Every named sweep in configs/sweep/ composes with `+sweep=<name>`, expands (with the existing
// expand_sweep, as `motlab run -m` does) into the expected number of jobs, and every job's
// overrides apply to the config of a method that has those keys (composition rejects unknown keys).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "framework/config/compose.h"
#include "framework/config/overrides.h"
#include "framework/run/runner.h"
#include "tests/support/paths.h"

namespace {

// As `motlab run` composes: option files completed with the components' declared options.
motlab::Composed compose_with_declarations(const std::string& config_dir,
                                           const std::vector<std::string>& overrides) {
  motlab::RunRequest request;
  request.config_dir = config_dir;
  request.overrides = overrides;
  return motlab::compose_for_run(request);
}

struct Expected {
  std::vector<std::string> base;  // a config the swept keys exist in
  size_t jobs;
  std::string swept_key;  // one key the jobs must set
};

const std::map<std::string, Expected>& expectations() {
  static const std::map<std::string, Expected> table{
      {"seeds", {{"method=sllm"}, 3, "seed"}},
      {"temperature", {{"method=sllm"}, 4, "loss.temperature"}},
      {"filter_threshold", {{"method=sllm"}, 2, "loss.threshold"}},
      {"lora_rank", {{"method=sllm"}, 4, "text_encoder.lora.r"}},
      {"cnn_frames", {{"method=sllm", "motion_encoder=cnn"}, 4, "motion_encoder.frames"}},
      {"temperature_x_seeds", {{"method=sllm"}, 9, "loss.temperature"}},
      {"temperature_x_threshold", {{"method=sllm"}, 4, "loss.threshold"}},
  };
  return table;
}

}  // namespace

TEST(SweepConfigs, EachNamedSweepExpandsIntoValidJobs) {
  const std::string config_dir = motlab::test::source_dir() + "/configs";
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(config_dir + "/sweep")) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string name = entry.path().stem().string();
    found.insert(name);
    SCOPED_TRACE(name);
    auto it = expectations().find(name);
    ASSERT_NE(it, expectations().end()) << "add configs/sweep/" << name << ".yaml to this test";
    const Expected& expected = it->second;
    std::vector<std::string> overrides = expected.base;
    overrides.push_back("+sweep=" + name);
    motlab::Composed composed = compose_with_declarations(config_dir, overrides);
    // Unresolved: the sweep block holds literals (and a method may leave a model path '???').
    const motlab::Config& resolved = composed.config;
    EXPECT_EQ(resolved.get<std::string>("sweep.name"), name);
    motlab::Config params;
    ASSERT_TRUE(resolved.find("sweep.params", &params) && params.is_dict());
    const auto jobs = motlab::expand_sweep(overrides, params, /*multirun=*/true);
    EXPECT_EQ(jobs.size(), expected.jobs);
    std::set<std::string> distinct;
    for (const auto& job : jobs) {
      std::string value;
      for (const auto& text : job)
        if (motlab::parse_override(text).key == expected.swept_key) value = text;
      EXPECT_FALSE(value.empty()) << "a job does not set " << expected.swept_key;
      distinct.insert(value);
      // The job's config composes: its keys exist, its values have the right types.
      motlab::Composed job_config = compose_with_declarations(config_dir, job);
      motlab::Config value_node;
      EXPECT_TRUE(job_config.config.find(expected.swept_key, &value_node)) << value;
    }
    EXPECT_GE(distinct.size(), 2u);
  }
  EXPECT_EQ(found.size(), expectations().size()) << "a sweep listed here has no file";
}

TEST(SweepConfigs, TheCommandLineStillOverridesANamedSweep) {
  const std::string config_dir = motlab::test::source_dir() + "/configs";
  std::vector<std::string> overrides{"method=sllm", "+sweep=temperature", "loss.temperature=0.1,1"};
  motlab::Composed composed =
      compose_with_declarations(config_dir, {"method=sllm", "+sweep=temperature"});
  motlab::Config params;
  ASSERT_TRUE(composed.config.find("sweep.params", &params));
  EXPECT_EQ(motlab::expand_sweep(overrides, params, true).size(), 2u);
}
