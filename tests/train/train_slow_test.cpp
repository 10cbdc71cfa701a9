// End to end on the built-in default data (slow label):
//  - experiment=paper_tables (the main job): every stage finishes; TMR, Ours (sLLM) and Ours
//    (fused) each reach text-to-motion R@10 (all test pairs) of at least 3x chance (stage times
//    are printed for the log); `motlab eval <run dir>`
//    recomputes a run's metrics exactly from its saved embeddings; both tables are written;
//    `motlab search` of test captions finds their motions at protocol (a)'s ranks and `motlab
//    score` equals the saved similarity (tmr and sllm stages);
//  - a training run killed with SIGKILL mid-training and resumed with resume=true ends with
//    exactly the uninterrupted run's metrics.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/run_summary.h"
#include "tests/support/search_checks.h"

namespace {

nlohmann::json metrics_of(const std::string& run_dir) {
  return motlab::test::run_summary_flat(run_dir);
}

TEST(PaperTables, EveryMethodBeatsChanceThreefoldAndEvalReproducesTheRun) {
  const std::string dir = motlab::test::temp_dir("paper_tables");
  std::string output;
  const int rc = motlab::test::run_command(
      motlab::test::motlab_executable() + " run experiment=paper_tables run.dir=" + dir, &output);
  ASSERT_EQ(rc, 0) << output.substr(output.size() > 4000 ? output.size() - 4000 : 0);
  const auto pipeline = metrics_of(dir);
  std::printf("paper_tables: %.1f s\n", pipeline.value("wall_time_s", 0.0));
  for (const char* stage : {"tmr", "sllm", "sllm_fused", "cnn"}) {
    const auto m = metrics_of(dir + "/stages/" + stage);
    ASSERT_EQ(m.value("status", ""), "ok") << stage;
    const double r10 = m.value("all/t2m/R10", 0.0), chance = m.value("test/chance_R10", 100.0);
    const double seconds = m.value("wall_time_s", 1e9);
    std::printf("%-11s t2m R@10 %.2f (chance %.2f, %.1fx)  m2t R@10 %.2f  %.0f s\n", stage, r10,
                chance, r10 / chance, m.value("all/m2t/R10", 0.0), seconds);
    // Wall times are printed, not asserted (speed is measured by tools/bench_train.sh).
    if (std::string(stage) != "cnn") {
      EXPECT_GE(r10, 3 * chance) << stage;
    }
  }
  for (const char* table : {"table1.md", "table1.csv", "table1.tex", "table2.md"})
    EXPECT_TRUE(motlab::file_exists(dir + "/tables/" + table)) << table;
  EXPECT_NE(motlab::read_file(dir + "/tables/table1.md").find("paper (HumanML3D-ko): Ours"),
            std::string::npos);
  std::string eval_output;
  EXPECT_EQ(motlab::test::run_command(
                motlab::test::motlab_executable() + " eval " + dir + "/stages/sllm", &eval_output),
            0)
      << eval_output;
  EXPECT_NE(eval_output.find(" 0 differ"), std::string::npos) << eval_output;
  // Motion search over the trained runs ranks each test caption's own motion where protocol (a)
  // ranks it, and `motlab score` is the run's similarity of a caption and a motion.
  for (const char* stage : {"tmr", "sllm"}) {
    const std::string run = dir + "/stages/" + stage;
    EXPECT_GE(motlab::test::expect_search_ranks_match_protocol_a(run, 100), 95) << stage;
    motlab::test::expect_score_matches_similarity(run, 3);
  }
  std::string search_output;
  EXPECT_EQ(motlab::test::run_command("(" + motlab::test::motlab_executable() + " search " + dir +
                                          "/stages/sllm '사람이 앞으로 걷다가 뒤로 돈다' -k 10 "
                                          "--splits test 2>/dev/null)",
                                      &search_output),
            0)
      << search_output;
  std::printf("%s", search_output.c_str());
  EXPECT_NE(search_output.find("\n  10  "), std::string::npos) << search_output;
}

// A quick training configuration (weight-free text encoder, few batches) for the resume check.
std::string resume_command(const std::string& run_dir, const std::string& extra) {
  return motlab::test::motlab_executable() +
         " run method=sllm text_encoder=ngram_bow size=tiny device=cpu threads=1 seed=9"
         " trainer.epochs=4 trainer.max_batches_per_epoch=25 run.dir=" +
         run_dir + " " + extra;
}

TEST(TrainResume, KilledRunResumesToTheUninterruptedMetrics) {
  const std::string reference = motlab::test::temp_dir("resume_reference");
  ASSERT_EQ(motlab::test::run_command(resume_command(reference, "")), 0);

  const std::string killed = motlab::test::temp_dir("resume_killed");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string line = "exec " + resume_command(killed, "") + " > /dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it during the second epoch: after epoch 1's row reached metrics.csv.
  const std::string csv = killed + "/metrics.csv";
  auto rows = [&] {
    std::ifstream in(csv);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n - 1;
  };
  for (int k = 0; k < 6000 && rows() < 1; ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
  ASSERT_LT(rows(), 4);

  ASSERT_EQ(motlab::test::run_command(resume_command(killed, "resume=true")), 0);
  auto a = metrics_of(reference), b = metrics_of(killed);
  int compared = 0;
  for (auto it = a.begin(); it != a.end(); ++it) {
    const std::string& key = it.key();
    if (key.find("ms_per_step") != std::string::npos || key == "wall_time_s" ||
        key == "started_at" || key == "finished_at" || key == "git_sha" || key == "run_dir")
      continue;  // timings and run facts
    EXPECT_EQ(b[key], it.value()) << key;
    ++compared;
  }
  EXPECT_GT(compared, 40);
}

}  // namespace
