// Task `pipeline`: stages run as child `motlab run` processes in <run>/stages/<name>, a
// {stage:<name>} placeholder orders stages and passes a directory, a failed stage blocks its
// dependants and fails the pipeline, a re-run skips finished stages, and table/plot reports are
// written from the stages' metrics.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/run_summary.h"

namespace {
using motlab::test::run_command;

std::string experiment_dir() {
  // A config tree of our own: the real configs plus one pipeline experiment of toy stages.
  const std::string dir = motlab::test::temp_dir("pipeline_configs");
  run_command("cp -r " + motlab::test::source_dir() + "/configs/. " + dir);
  motlab::write_file_atomic(dir + "/experiment/toy_pipeline.yaml", R"(# @package _global_
defaults:
  - override /task: pipeline
task:
  jobs: 2
  stages:
    first: [task=toy, task.a=1, task.b=xyz]
    second: [task=toy, task.a=2]
    after: [task=toy, "task.b={stage:first}", "task.fail_on=${fail_at}"]
  tables:
    values:
      _target_: metrics_table
      file: values
      formats: md,csv
      rows: [{label: one, run: first}, {label: two, run: second}]
      columns: [{header: value, metric: value, decimals: 0}]
  plots:
    scatter:
      _target_: metric_scatter
      file: scatter
      x: value
      y: value
      series: [{label: all, runs: [first, second]}]
fail_at: 9
)");
  return dir;
}

nlohmann::json metrics(const std::string& dir) { return motlab::test::run_summary_flat(dir); }

TEST(Pipeline, RunsStagesInOrderWritesReportsAndSkipsFinishedStagesOnReRun) {
  const std::string configs = experiment_dir();
  const std::string out = motlab::test::temp_dir("pipeline_run");
  const std::string command = motlab::test::motlab_executable() + " run --config-dir " + configs +
                              " experiment=toy_pipeline run.dir=" + out;
  std::string log;
  ASSERT_EQ(run_command(command, &log), 0) << log;
  EXPECT_EQ(metrics(out + "/stages/first")["value"], 13);
  EXPECT_EQ(metrics(out + "/stages/second")["value"], 21);
  // `after` got the first stage's directory as its string b: value = 10 + len(dir).
  EXPECT_EQ(metrics(out + "/stages/after")["value"], 10 + (out + "/stages/first").size());
  EXPECT_NE(motlab::read_file(out + "/tables/values.md").find("| one | 13 |"), std::string::npos);
  EXPECT_TRUE(motlab::file_exists(out + "/plots/scatter.svg"));
  EXPECT_EQ(metrics(out)["stage_ok/after"], 1);

  // Re-run on the same directory: every stage is skipped (its metrics.json stays untouched).
  const std::string before = motlab::read_file(out + "/stages/first/metrics.json");
  ASSERT_EQ(run_command(command, &log), 0) << log;
  EXPECT_NE(log.find("stage first already done"), std::string::npos) << log;
  EXPECT_EQ(motlab::read_file(out + "/stages/first/metrics.json"), before);
}

TEST(Pipeline, AFailedStageFailsThePipelineAndNamesIt) {
  const std::string configs = experiment_dir();
  const std::string out = motlab::test::temp_dir("pipeline_fail");
  std::string log;
  EXPECT_NE(run_command(motlab::test::motlab_executable() + " run --config-dir " + configs +
                            " experiment=toy_pipeline fail_at=1 run.dir=" + out,
                        &log),
            0);
  const auto m = metrics(out);
  EXPECT_EQ(m["status"], "failed");
  EXPECT_NE(m["error"].get<std::string>().find("after"), std::string::npos) << m.dump(2);
  EXPECT_EQ(metrics(out + "/stages/first")["status"], "ok");
}

TEST(Pipeline, CommonOverridesGoToEveryStageAndWin) {
  const std::string configs = experiment_dir();
  motlab::write_file_atomic(configs + "/experiment/toy_common.yaml", R"(# @package _global_
defaults:
  - override /task: pipeline
task:
  common: [task.a=5]
  stages:
    first: [task=toy, task.a=1, task.b=xyz]
    second: [task=toy]
)");
  const std::string out = motlab::test::temp_dir("pipeline_common");
  std::string log;
  ASSERT_EQ(run_command(motlab::test::motlab_executable() + " run --config-dir " + configs +
                            " experiment=toy_common run.dir=" + out,
                        &log),
            0)
      << log;
  EXPECT_EQ(metrics(out + "/stages/first")["value"], 53);
  EXPECT_EQ(metrics(out + "/stages/second")["value"], 51);
}

}  // namespace
