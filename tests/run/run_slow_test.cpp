// End-to-end checks of `motlab run`: run directories, sweeps, failures, resuming a sweep.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/config/config.h"
#include "tests/support/paths.h"

namespace fs = std::filesystem;
using motlab::test::run_command;

namespace {
std::string motlab_cmd(const std::string& results, const std::string& args) {
  return "MOTLAB_RESULTS_DIR=" + results + " " + motlab::test::motlab_executable() + " " + args;
}
nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}
bool has_temp_files(const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(Run, SingleJobWritesASelfDescribingDirectory) {
  const std::string results = motlab::test::temp_dir("run_single");
  const std::string dir = results + "/job";
  std::string out;
  ASSERT_EQ(
      run_command(motlab_cmd(results, "run task=toy device=cpu task.a=3 task.b=abc run.dir=" + dir),
                  &out),
      0)
      << out;
  for (const char* file : {"config.yaml", "config_resolved.yaml", "overrides.yaml", "choices.yaml",
                           "metrics.json", "metrics.csv", "log.txt"})
    EXPECT_TRUE(fs::exists(fs::path(dir) / file)) << file;
  nlohmann::json metrics = read_json(fs::path(dir) / "metrics.json");
  // Bookkeeping at the top, the task's facts under "info", its measurements under "metrics".
  EXPECT_EQ(metrics["status"], "ok");
  EXPECT_EQ(metrics["metrics"]["value"], 33.0);
  EXPECT_EQ(metrics["info"]["b"], "abc");
  EXPECT_FALSE(metrics.contains("value"));
  EXPECT_EQ(metrics["seed"], 1234);
  EXPECT_EQ(metrics["device"], "cpu");
  for (const char* key : {"git_sha", "torch_version", "motlab_version", "wall_time_s"})
    EXPECT_TRUE(metrics.contains(key)) << key;
  motlab::Config choices = motlab::Config::from_yaml_file(dir + "/choices.yaml");
  EXPECT_EQ(choices.get<std::string>("task"), "toy");
  motlab::Config resolved = motlab::Config::from_yaml_file(dir + "/config_resolved.yaml");
  EXPECT_EQ(resolved.get<int>("task.a"), 3);
  EXPECT_FALSE(has_temp_files(dir));
}

TEST(Run, DefaultDirectoryLayout) {
  const std::string results = motlab::test::temp_dir("run_layout");
  std::string out;
  ASSERT_EQ(run_command(motlab_cmd(results, "run task=toy"), &out), 0) << out;
  // results/runs/<experiment>/<date>/<time>/
  int found = 0;
  for (const auto& date : fs::directory_iterator(fs::path(results) / "runs" / "toy"))
    for (const auto& time : fs::directory_iterator(date.path()))
      found += fs::exists(time.path() / "metrics.json");
  EXPECT_EQ(found, 1);
}

TEST(Run, SweepOrderFailuresAndResume) {
  const std::string results = motlab::test::temp_dir("run_sweep");
  const std::string sweep = results + "/sweep";
  std::string out;
  int rc = run_command(motlab_cmd(results,
                                  "run -m task=toy task.a=1,2 task.b=x,y task.fail_on=2 "
                                  "launcher.jobs=2 sweep.dir=" +
                                      sweep),
                       &out);
  EXPECT_NE(rc, 0) << "a failed job makes the sweep exit non-zero\n" << out;
  motlab::Config multirun = motlab::Config::from_yaml_file(sweep + "/multirun.yaml");
  ASSERT_EQ(multirun["jobs"].size(), 4u);
  const char* expected[4][2] = {{"1", "x"}, {"1", "y"}, {"2", "x"}, {"2", "y"}};
  for (size_t k = 0; k < 4; ++k) {
    motlab::Config job = multirun["jobs"].at(k);
    std::vector<std::string> overrides = job.get<std::vector<std::string>>("overrides");
    EXPECT_EQ(overrides[1], std::string("task.a=") + expected[k][0]);
    EXPECT_EQ(overrides[2], std::string("task.b=") + expected[k][1]);
    EXPECT_EQ(job.get<std::string>("status"), k < 2 ? "ok" : "failed");
    nlohmann::json metrics = read_json(fs::path(sweep) / std::to_string(k) / "metrics.json");
    EXPECT_EQ(metrics["status"], k < 2 ? "ok" : "failed");
    if (k >= 2) {
      EXPECT_NE(metrics["error"].get<std::string>().find("told to fail"), std::string::npos);
    }
  }
  EXPECT_FALSE(has_temp_files(sweep));
  // A re-run with different job overrides (task.fail_on=null added) would replace finished jobs:
  // refused before anything is written, unless run.overwrite=true asks for it.
  auto stamp = fs::last_write_time(fs::path(sweep) / "0" / "metrics.json");
  auto multirun_stamp = fs::last_write_time(fs::path(sweep) / "multirun.yaml");
  const std::string changed =
      "run -m task=toy task.a=1,2 task.b=x,y task.fail_on=2 launcher.jobs=2 sweep.dir=" + sweep +
      " task.fail_on=null";
  rc = run_command(motlab_cmd(results, changed), &out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find(sweep + "/0: job 0 finished with other settings"), std::string::npos) << out;
  EXPECT_NE(out.find("run.overwrite=true"), std::string::npos) << out;
  EXPECT_EQ(fs::last_write_time(fs::path(sweep) / "0" / "metrics.json"), stamp);
  EXPECT_EQ(fs::last_write_time(fs::path(sweep) / "multirun.yaml"), multirun_stamp);
  rc = run_command(motlab_cmd(results, changed + " run.overwrite=true"), &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(fs::last_write_time(fs::path(sweep) / "0" / "metrics.json"), stamp);
}

TEST(Run, ResumeSkipsFinishedJobsAndRetriesFailedOnes) {
  const std::string results = motlab::test::temp_dir("run_resume");
  const std::string sweep = results + "/sweep";
  // Jobs with a=2 fail on every attempt; the a=1 jobs succeed the first time.
  const std::string args =
      "run -m task=toy task.a=1,2 task.b=x,y launcher.jobs=2 sweep.dir=" + sweep;
  std::string out;
  EXPECT_NE(run_command(motlab_cmd(results, args + " task.fail_on=2"), &out), 0) << out;
  auto stamp0 = fs::last_write_time(fs::path(sweep) / "0" / "metrics.json");
  // Same jobs again: ok jobs are skipped (their files untouched), failed ones run again.
  EXPECT_NE(run_command(motlab_cmd(results, args + " task.fail_on=2"), &out), 0) << out;
  EXPECT_NE(out.find("job 0 already done, skipped"), std::string::npos) << out;
  EXPECT_NE(out.find("job 1 already done, skipped"), std::string::npos) << out;
  EXPECT_NE(out.find("job 2 started"), std::string::npos) << out;
  EXPECT_EQ(fs::last_write_time(fs::path(sweep) / "0" / "metrics.json"), stamp0);
}

TEST(Run, ConfigErrorsListTheOptions) {
  const std::string results = motlab::test::temp_dir("run_errors");
  std::string out;
  EXPECT_NE(run_command(motlab_cmd(results, "run --cfg job task=nope"), &out), 0);
  EXPECT_NE(out.find("Available options in 'task': "), std::string::npos) << out;
  EXPECT_NE(run_command(motlab_cmd(results, "run task=toy task.a=1,2"), &out), 0);
  EXPECT_NE(out.find("--multirun"), std::string::npos) << out;
  EXPECT_EQ(run_command(motlab_cmd(results, "run --cfg job task=toy task.a=5"), &out), 0) << out;
  EXPECT_NE(out.find("a: 5"), std::string::npos) << out;
  EXPECT_EQ(run_command(motlab_cmd(results, "run --info defaults task=toy"), &out), 0) << out;
  EXPECT_NE(out.find("task/toy"), std::string::npos) << out;
}

TEST(Run, ListShowsEveryFamily) {
  std::string out;
  ASSERT_EQ(run_command(motlab::test::motlab_executable() + " list", &out), 0) << out;
  for (const char* family : {"task", "text_encoder", "motion_encoder", "loss", "text_similarity"})
    EXPECT_NE(out.find(std::string(family) + "  (configs/"), std::string::npos) << family;
}
