// launcher=slurm on a real one-node SLURM cluster on this host (tools/slurm_cluster.sh starts
// munged, slurmctld and slurmd; needs root, as CI has) (slow label):
//  - a 2x2 sweep is one job array with array_parallelism=2, every job ok;
//  - a job cancelled with scancel is recorded CANCELLED; re-running the sweep with sweep.dir
//    submits only that job again (--no-wait + motlab sweep status on the way);
//  - a job over its timeout_min is recorded TIMEOUT;
//  - a job with tasks_per_node=2 trains data-parallel: 2 ranks under srun.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "framework/config/config.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/run_summary.h"

namespace {

using motlab::test::motlab_executable;
using motlab::test::run_command;

class Slurm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    std::string output;
    started_ =
        run_command(motlab::test::source_dir() + "/tools/slurm_cluster.sh start", &output) == 0;
    if (!started_) std::fprintf(stderr, "%s\n", output.c_str());
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "starting a SLURM cluster needs root";
    ASSERT_TRUE(started_) << "tools/slurm_cluster.sh start failed";
  }
  static bool started_;
};
bool Slurm::started_ = false;

std::map<int, std::string> statuses(const std::string& sweep_dir) {
  const motlab::Config saved = motlab::Config::from_yaml_file(sweep_dir + "/multirun.yaml");
  std::map<int, std::string> out;
  const motlab::Config jobs = saved["jobs"];
  for (size_t k = 0; k < jobs.size(); ++k)
    out[jobs.at(k).get<int>("num")] = jobs.at(k).get<std::string>("status");
  return out;
}

std::string toy_sweep(const std::string& dir, const std::string& extra) {
  return motlab_executable() +
         " run -m task=toy launcher=slurm launcher.poll_s=0.5 sweep.dir=" + dir + " " + extra;
}

TEST_F(Slurm, SweepIsOneJobArrayWithArrayParallelism) {
  const std::string dir = motlab::test::temp_dir("slurm_sweep");
  std::string output;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(run_command(toy_sweep(dir,
                                  "task.a=1,2 task.b=x,yy task.sleep_s=2 "
                                  "launcher.array_parallelism=2"),
                        &output),
            0)
      << output;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(statuses(dir),
            (std::map<int, std::string>{{0, "ok"}, {1, "ok"}, {2, "ok"}, {3, "ok"}}));
  const std::string script = motlab::read_file(dir + "/slurm/submit_0.sbatch");
  EXPECT_NE(script.find("#SBATCH --array=0,1,2,3%2\n"), std::string::npos) << script;
  EXPECT_GE(seconds, 4.0) << "4 jobs of 2 s, 2 at a time";
  for (int k = 0; k < 4; ++k) {
    const auto m = motlab::test::run_summary_flat(dir + "/" + std::to_string(k));
    EXPECT_EQ(m.value("status", ""), "ok");
  }
  // One array: every task of it has the same array id.
  const motlab::Config jobs = motlab::Config::from_yaml_file(dir + "/multirun.yaml")["jobs"];
  const std::string id0 = jobs.at(0).get<std::string>("scheduler_id");
  for (size_t k = 0; k < jobs.size(); ++k)
    EXPECT_EQ(jobs.at(k).get<std::string>("scheduler_id"),
              id0.substr(0, id0.find('_')) + "_" + std::to_string(k));
}

TEST_F(Slurm, CancelledJobIsRecordedAndTheResumeSubmitsOnlyIt) {
  const std::string dir = motlab::test::temp_dir("slurm_cancel");
  const std::string sweep = toy_sweep(dir, "task.a=1,2 task.sleep_s=6");
  std::string output;
  ASSERT_EQ(run_command(sweep + " --no-wait", &output), 0) << output;
  const motlab::Config jobs = motlab::Config::from_yaml_file(dir + "/multirun.yaml")["jobs"];
  const std::string victim = jobs.at(1).get<std::string>("scheduler_id");
  // Cancel job 1 once it runs.
  bool running = false;
  for (int k = 0; k < 600 && !running; ++k) {
    std::string queue;
    run_command("squeue -h -r -o '%i %T'", &queue);
    running = queue.find(victim + " RUNNING") != std::string::npos;
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(running) << victim << " never ran";
  ASSERT_EQ(run_command("scancel " + victim, &output), 0) << output;
  int rc = 3;
  for (int k = 0; k < 120 && rc == 3; ++k) {
    rc = run_command(motlab_executable() + " sweep status " + dir, &output);
    if (rc == 3) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_EQ(rc, 1) << output;
  EXPECT_NE(output.find("CANCELLED"), std::string::npos) << output;
  EXPECT_EQ(statuses(dir), (std::map<int, std::string>{{0, "ok"}, {1, "CANCELLED"}}));

  ASSERT_EQ(run_command(sweep, &output), 0) << output;
  EXPECT_EQ(statuses(dir), (std::map<int, std::string>{{0, "skipped"}, {1, "ok"}}));
  const std::string second = motlab::read_file(dir + "/slurm/submit_1.sbatch");
  EXPECT_NE(second.find("#SBATCH --array=1%"), std::string::npos) << second;
  EXPECT_TRUE(motlab::file_exists(dir + "/slurm/submit_0.sbatch"));  // the first one is kept
}

TEST_F(Slurm, JobOverItsTimeLimitIsRecordedTimeout) {
  const std::string dir = motlab::test::temp_dir("slurm_timeout");
  std::string output;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(
      run_command(toy_sweep(dir, "task.a=1 task.sleep_s=600 launcher.timeout_min=1"), &output), 1)
      << output;
  std::printf("timed out after %.0f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  EXPECT_EQ(statuses(dir), (std::map<int, std::string>{{0, "TIMEOUT"}}));
  const auto m = motlab::test::run_summary_flat(dir + "/0");
  EXPECT_EQ(m.value("status", ""), "failed");
}

TEST_F(Slurm, TwoTaskJobTrainsDataParallelUnderSrun) {
  const std::string dir = motlab::test::temp_dir("slurm_ddp");
  std::string output;
  ASSERT_EQ(run_command(motlab_executable() +
                            " run -m method=sllm text_encoder=ngram_bow size=tiny device=cpu "
                            "threads=1 trainer.epochs=1 trainer.max_batches_per_epoch=5 "
                            "launcher=slurm launcher.tasks_per_node=2 launcher.poll_s=0.5 "
                            "sweep.dir=" +
                            dir,
                        &output),
            0)
      << output;
  const auto m = motlab::test::run_summary_flat(dir + "/0");
  EXPECT_EQ(m.value("status", ""), "ok");
  EXPECT_EQ(m.value("dist_world_size", 0.0), 2.0);
  EXPECT_EQ(m.value("dist_launcher", ""), "srun");
  EXPECT_NE(motlab::read_file(dir + "/slurm/submit_0.sbatch").find("srun --kill-on-bad-exit=1"),
            std::string::npos);
}

}  // namespace
