// Data-parallel training (framework/dist) on c10d Gloo with 2 local ranks on CPU (slow label):
//  - method=tmr and method=sllm at size=tiny: the loss of each of 10 optimizer steps, the final
//    parameters and the validation metrics of 2 ranks x 16 equal one process x 32 (same global
//    batch) within 1e-5; only rank 0 writes the run directory;
//  - ranks started as torchrun starts them (RANK, WORLD_SIZE, MASTER_ADDR... in the environment):
//    a rank killed with SIGKILL stops the other with an error naming it, within seconds;
//  - a distributed run whose launcher was killed resumes (resume=true) to the metrics of the
//    uninterrupted distributed run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "framework/dist/dist.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/run_summary.h"

namespace {

using motlab::test::motlab_executable;
using motlab::test::run_command;

nlohmann::json metrics_of(const std::string& run_dir) {
  return motlab::test::run_summary_flat(run_dir);
}

// A small pretrained model folder made by motlab's own pretraining task (once per process).
std::string pretrained(const std::string& task, const std::string& options) {
  static std::map<std::string, std::string> made;
  if (made.count(task)) return made[task];
  const std::string dir = motlab::test::temp_dir(task);
  std::string output;
  const int rc =
      run_command(motlab_executable() + " run task=" + task +
                      " data=synth_ko device=cpu threads=1 " + options + " run.dir=" + dir,
                  &output);
  EXPECT_EQ(rc, 0) << output;
  return made[task] = dir + "/model";
}

std::vector<std::map<std::string, double>> csv_rows(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, double>> rows;
  auto split = [](const std::string& text) {
    std::vector<std::string> out;
    std::stringstream stream(text);
    for (std::string cell; std::getline(stream, cell, ',');) out.push_back(cell);
    return out;
  };
  if (std::getline(in, line)) header = split(line);
  while (std::getline(in, line)) {
    const auto cells = split(line);
    std::map<std::string, double> row;
    for (size_t k = 0; k < cells.size() && k < header.size(); ++k)
      if (!cells[k].empty()) row[header[k]] = std::stod(cells[k]);
    rows.push_back(row);
  }
  return rows;
}

// name -> tensor of every trained parameter in a checkpoint.
std::map<std::string, torch::Tensor> parameters_of(const std::string& checkpoint) {
  torch::serialize::InputArchive archive;
  archive.load_from(checkpoint);
  std::map<std::string, torch::Tensor> out;
  for (const char* module : {"text_encoder", "motion_encoder", "loss"}) {
    torch::serialize::InputArchive sub;
    archive.read(std::string("module/") + module, sub);
    for (const auto& key : sub.keys()) {
      if (key.rfind("p/", 0) != 0) continue;
      torch::Tensor value;
      sub.read(key, value);
      out[std::string(module) + "." + key.substr(2)] = value;
    }
  }
  return out;
}

// One process x 32 against 2 ranks x 16 (motlab's own launcher), 10 optimizer steps.
void expect_two_ranks_equal_one_process(const std::string& method_options) {
  const std::string root = motlab::test::temp_dir("ddp_equivalence");
  const std::string common = motlab_executable() + " run " + method_options +
                             " size=tiny device=cpu threads=1 seed=11 trainer.epochs=10"
                             " trainer.max_batches_per_epoch=1 trainer.batch_size=32"
                             " trainer.warmup_steps=2 results_dir=" +
                             root + "/results";
  std::string output;
  ASSERT_EQ(run_command(common + " run.dir=" + root + "/one", &output), 0) << output;
  ASSERT_EQ(run_command(common + " trainer.nproc_per_node=2 run.dir=" + root + "/two", &output), 0)
      << output;
  const auto one = csv_rows(root + "/one/metrics.csv"), two = csv_rows(root + "/two/metrics.csv");
  ASSERT_EQ(one.size(), 10u);
  ASSERT_EQ(two.size(), 10u);
  double worst_loss = 0;
  for (size_t step = 0; step < one.size(); ++step) {
    const double a = one[step].at("train/loss"), b = two[step].at("train/loss");
    EXPECT_NEAR(a, b, 1e-5) << "step " << step + 1;
    worst_loss = std::max(worst_loss, std::abs(a - b));
    // Validation ranks a near-chance model's nearly tied similarities, so parameters that differ
    // by reduction-order rounding (checked below) may swap a few candidates: a recall may move by
    // two queries (200 / len points), a median rank by two; sizes must agree exactly. A wrong
    // shard or gather moves them by far more.
    for (const auto& [key, value] : one[step]) {
      if (key.rfind("val/", 0) != 0) continue;
      const double other = two[step].at(key);
      const auto ends_with = [&](const std::string& suffix) {
        return key.size() >= suffix.size() &&
               key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
      };
      const double two_queries = 200.0 / one[step].at("val/t2m/len");
      double tolerance = two_queries + 1e-9;
      if (ends_with("/len")) tolerance = 0;
      if (ends_with("/MedR")) tolerance = 2.0;
      if (ends_with("rsum")) tolerance = 6 * two_queries + 1e-9;
      EXPECT_NEAR(value, other, tolerance) << key << " at step " << step + 1;
    }
  }
  const auto a = parameters_of(root + "/one/checkpoints/last.pt");
  const auto b = parameters_of(root + "/two/checkpoints/last.pt");
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 4u);
  double worst_parameter = 0, worst_key_bias = 0;
  for (const auto& [name, value] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    torch::Tensor diff = (value - b.at(name)).abs();
    const std::string suffix = "in_proj_bias";
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      // The key third of an attention's packed bias adds q.b_k to every logit of a query's row:
      // softmax ignores it, so its gradient is zero in exact arithmetic and rounding noise in
      // practice, which AdamW's normalised step turns into arbitrary +-lr moves in *both* runs.
      // It is reported, not compared; the query and value thirds are.
      const int64_t width = value.size(0) / 3;
      worst_key_bias = std::max(worst_key_bias, diff.narrow(0, width, width).max().item<double>());
      diff = torch::cat({diff.narrow(0, 0, width), diff.narrow(0, 2 * width, width)});
    }
    const double largest = diff.max().item<double>();
    EXPECT_LE(largest, 1e-5) << name;
    worst_parameter = std::max(worst_parameter, largest);
  }
  std::printf(
      "%s: 10 steps, max |loss diff| %.3g, max |parameter diff| %.3g over %zu tensors "
      "(attention key biases, whose gradient is rounding noise: %.3g)\n",
      method_options.c_str(), worst_loss, worst_parameter, a.size(), worst_key_bias);
  const auto m1 = metrics_of(root + "/one"), m2 = metrics_of(root + "/two");
  EXPECT_EQ(m2.value("status", ""), "ok");
  EXPECT_EQ(m2.value("dist_world_size", 0.0), 2.0);
  EXPECT_EQ(m2.value("dist_backend", ""), "gloo");
  EXPECT_GE(m2.value("train/communication_ms_per_step", -1.0), 0.0);
  // Rank 0 alone wrote the run directory: one log, one metrics.json, nothing per rank.
  for (const auto& entry : std::filesystem::directory_iterator(root + "/two"))
    EXPECT_EQ(entry.path().filename().string().find("rank"), std::string::npos) << entry.path();
}

TEST(DataParallel, TmrTwoRanksEqualOneProcessOnTheGlobalBatch) {
  const std::string distilbert =
      pretrained("pretrain_distilbert",
                 "task.steps=5 task.vocab_size=300 task.dim=32 task.hidden_dim=64 task.n_layers=2");
  expect_two_ranks_equal_one_process("method=tmr text_encoder.model_dir=" + distilbert +
                                     " text_encoder.dropout=0 motion_encoder.dropout=0"
                                     " loss.dropout=0");
}

TEST(DataParallel, SllmTwoRanksEqualOneProcessOnTheGlobalBatch) {
  const std::string qwen2 = pretrained("pretrain_qwen2",
                                       "task.steps=5 task.vocab_size=300 task.hidden_size=32 "
                                       "task.intermediate_size=64 task.num_hidden_layers=2");
  expect_two_ranks_equal_one_process("method=sllm text_encoder.model_dir=" + qwen2 +
                                     " text_encoder.lora.dropout=0 motion_encoder.dropout=0");
}

std::string long_run(const std::string& dir) {
  return motlab_executable() +
         " run method=sllm text_encoder=ngram_bow size=tiny device=cpu threads=1 seed=9"
         " trainer.epochs=40 trainer.dist_timeout_s=60 run.dir=" +
         dir;
}

pid_t spawn_rank(const std::string& command, int rank, int port, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("RANK", std::to_string(rank).c_str(), 1);
    setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
    setenv("WORLD_SIZE", "2", 1);
    setenv("MASTER_ADDR", "127.0.0.1", 1);
    setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
    const std::string line = "exec " + command + " > " + log + " 2>&1";
    execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int csv_row_count(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n - 1;
}

// Waits for `pid` up to `seconds`; its exit status, or -1 when it is still running.
int wait_for(pid_t pid, double seconds, int* status) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (waitpid(pid, status, WNOHANG) == pid) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

TEST(DataParallel, TorchrunStyleRanksAndAKilledRankIsNamedByTheOther) {
  for (const int victim : {1, 0}) {
    const std::string dir = motlab::test::temp_dir("ddp_killed_rank");
    const int port = motlab::dist::free_local_port();
    const pid_t rank0 = spawn_rank(long_run(dir), 0, port, dir + ".rank0.txt");
    const pid_t rank1 = spawn_rank(long_run(dir), 1, port, dir + ".rank1.txt");
    for (int k = 0; k < 6000 && csv_row_count(dir + "/metrics.csv") < 1; ++k)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_GE(csv_row_count(dir + "/metrics.csv"), 1) << motlab::read_file(dir + ".rank0.txt");
    const pid_t killed = victim == 0 ? rank0 : rank1, survivor = victim == 0 ? rank1 : rank0;
    ASSERT_EQ(kill(killed, SIGKILL), 0);
    int status = 0;
    waitpid(killed, &status, 0);
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(wait_for(survivor, 60, &status), 0) << "the surviving rank hangs";
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    const std::string survivor_log =
        motlab::read_file(dir + ".rank" + std::to_string(1 - victim) + ".txt");
    const std::string named = "rank " + std::to_string(victim) + " stopped";
    EXPECT_NE(survivor_log.find(named), std::string::npos) << survivor_log;
    if (victim == 1) {
      // Rank 0 records the failure in the run directory.
      const auto m = metrics_of(dir);
      EXPECT_EQ(m.value("status", ""), "failed");
      EXPECT_NE(m.value("error", "").find(named), std::string::npos) << m.dump(2);
      EXPECT_EQ(m.value("dist_launcher", ""), "torchrun");
    }
    std::printf("rank %d killed: the other stopped %.1f s later\n", victim, seconds);
  }
}

TEST(DataParallel, KilledDistributedRunResumesToTheUninterruptedMetrics) {
  auto command = [](const std::string& dir, const std::string& extra) {
    return motlab_executable() +
           " run method=sllm text_encoder=ngram_bow size=tiny device=cpu threads=1 seed=9"
           " trainer.epochs=4 trainer.max_batches_per_epoch=25 trainer.nproc_per_node=2 "
           "run.dir=" +
           dir + " " + extra;
  };
  const std::string reference = motlab::test::temp_dir("ddp_resume_reference");
  std::string output;
  ASSERT_EQ(run_command(command(reference, ""), &output), 0) << output;

  const std::string killed = motlab::test::temp_dir("ddp_resume_killed");
  const pid_t launcher = fork();
  ASSERT_GE(launcher, 0);
  if (launcher == 0) {
    const std::string line = "exec " + command(killed, "") + " > /dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int k = 0; k < 6000 && csv_row_count(killed + "/metrics.csv") < 1; ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_EQ(kill(launcher, SIGKILL), 0);  // its ranks die with it (PR_SET_PDEATHSIG)
  int status = 0;
  waitpid(launcher, &status, 0);
  ASSERT_LT(csv_row_count(killed + "/metrics.csv"), 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  ASSERT_EQ(run_command(command(killed, "resume=true"), &output), 0) << output;
  const auto a = metrics_of(reference), b = metrics_of(killed);
  int compared = 0;
  for (auto it = a.begin(); it != a.end(); ++it) {
    const std::string& key = it.key();
    if (key.find("ms_per_step") != std::string::npos || key == "wall_time_s" ||
        key == "started_at" || key == "git_sha")
      continue;  // timings and run facts
    EXPECT_EQ(b[key], it.value()) << key;
    ++compared;
  }
  EXPECT_GT(compared, 40);
}

}  // namespace
