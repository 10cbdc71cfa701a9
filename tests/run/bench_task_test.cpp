// Task `bench_text_encoder`: one row of timings per batch size in metrics.json / metrics.csv,
// throughput consistent with the median latency, and bad batch sizes rejected naming the key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"

namespace {
using motlab::test::run_command;

TEST(BenchTextEncoder, RecordsLatencyAndThroughputPerBatchSize) {
  const std::string out = motlab::test::temp_dir("bench_text_encoder");
  const std::string base = motlab::test::motlab_executable() +
                           " run task=bench_text_encoder text_encoder=ngram_bow device=cpu"
                           " task.warmup=1 task.repeats=3 ";
  std::string log;
  ASSERT_EQ(run_command(base + "task.batch_sizes=[1,4] run.dir=" + out, &log), 0) << log;
  const auto m = nlohmann::json::parse(motlab::read_file(out + "/metrics.json"));
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

}  // namespace
