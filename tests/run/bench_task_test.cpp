// Task `bench_text_encoder`: one row of timings per batch size in metrics.json / metrics.csv,
// throughput consistent with the median latency, and bad batch sizes rejected naming the key.
// Task `bench_train_step`: the trainer's step timed on a fixed batch; the loss falls over the
// steps, the TMR-size parameter count, bad options named.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"
#include "tests/support/run_summary.h"

namespace {
using motlab::test::run_command;

TEST(BenchTextEncoder, RecordsLatencyAndThroughputPerBatchSize) {
  const std::string out = motlab::test::temp_dir("bench_text_encoder");
  const std::string base = motlab::test::motlab_executable() +
                           " run task=bench_text_encoder text_encoder=ngram_bow device=cpu"
                           " task.warmup=1 task.repeats=3 ";
  std::string log;
  ASSERT_EQ(run_command(base + "task.batch_sizes=[1,4] run.dir=" + out, &log), 0) << log;
  const auto m = motlab::test::run_summary_flat(out);
  for (const int batch : {1, 4}) {
    const std::string suffix = "/batch" + std::to_string(batch);
    const double median = m["median_ms" + suffix];
    EXPECT_GT(median, 0.0);
    EXPECT_GT(m["mean_ms" + suffix].get<double>(), 0.0);
    EXPECT_NEAR(m["queries_per_s" + suffix].get<double>(), 1000.0 * batch / median, 1e-6);
  }
  EXPECT_NE(motlab::read_file(out + "/metrics.csv").find("queries_per_s"), std::string::npos);

  const std::string bad = motlab::test::temp_dir("bench_text_encoder_bad");
  EXPECT_NE(run_command(base + "task.batch_sizes=[0] run.dir=" + bad, &log), 0);
  EXPECT_NE(log.find("task.batch_sizes"), std::string::npos) << log;
}

TEST(BenchTrainStep, TimesTheTrainersStepAndTheLossFalls) {
  const std::string out = motlab::test::temp_dir("bench_train_step");
  const std::string base = motlab::test::motlab_executable() +
                           " run task=bench_train_step data=synth_ko text_encoder=char_actor"
                           " motion_encoder=tmr loss=infonce trainer=tiny size=tiny device=cpu"
                           " task.frames=40 task.warmup=2 ";
  std::string log;
  ASSERT_EQ(run_command(base + "task.repeats=6 run.dir=" + out, &log), 0) << log;
  const auto m = motlab::test::run_summary_flat(out);
  const double p10 = m["p10_ms"], median = m["median_ms"], p90 = m["p90_ms"];
  EXPECT_GT(p10, 0.0);
  EXPECT_LE(p10, median);
  EXPECT_LE(median, p90);
  // 8 AdamW steps on one batch at lr 1e-3 (trainer=tiny): the loss on it falls.
  EXPECT_LT(m["last_loss"].get<double>(), m["first_loss"].get<double>());
  EXPECT_GT(m["trainable_parameters"].get<double>(), 0.0);

  const std::string bad = motlab::test::temp_dir("bench_train_step_bad");
  EXPECT_NE(run_command(base + "task.batch_size=1 run.dir=" + bad, &log), 0);
  EXPECT_NE(log.find("task.batch_size"), std::string::npos) << log;
  EXPECT_NE(run_command(base + "task.frames=0 run.dir=" + bad, &log), 0);
  EXPECT_NE(log.find("task.frames"), std::string::npos) << log;
}

}  // namespace
