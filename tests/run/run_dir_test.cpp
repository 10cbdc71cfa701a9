// RunDir: the one reader/writer of a run directory. metrics.json keeps bookkeeping, infos and
// metrics apart; old flat files still read; errors name the file and the key.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "framework/artifacts/run_dir.h"
#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "tests/support/errors.h"
#include "tests/support/paths.h"

namespace {
using motlab::RunDir;
using motlab::RunSummary;

using motlab::test::error_of;

TEST(RunDir, SummaryKeepsBookkeepingInfosAndMetricsApart) {
  const RunDir run(motlab::test::temp_dir("run_dir_summary") + "/");
  EXPECT_FALSE(run.has_summary());
  EXPECT_EQ(run.status(), "");
  RunSummary written;
  written.status = "ok";
  written.bookkeeping["seed"] = 7;
  written.bookkeeping["task"] = "train";
  written.info["kv_pruner"] = "think";
  written.metrics["all/t2m/R10"] = 12.5;
  written.metrics["long20/t2m/R01"] = std::nan("");  // an empty subset
  written.metrics["absent"] = std::nullopt;
  run.write_summary(written);

  const auto raw = nlohmann::json::parse(motlab::read_file(run.summary_file()));
  EXPECT_EQ(raw["status"], "ok");
  EXPECT_EQ(raw["seed"], 7);
  EXPECT_EQ(raw["info"]["kv_pruner"], "think");
  EXPECT_EQ(raw["metrics"]["all/t2m/R10"], 12.5);
  EXPECT_TRUE(raw["metrics"]["long20/t2m/R01"].is_null());
  EXPECT_FALSE(raw.contains("all/t2m/R10"));

  const RunSummary read = run.summary();
  EXPECT_EQ(run.status(), "ok");
  EXPECT_EQ(read.bookkeeping["task"], "train");
  EXPECT_EQ(read.info.at("kv_pruner"), "think");
  EXPECT_EQ(read.metric_keys(),
            (std::vector<std::string>{"absent", "all/t2m/R10", "long20/t2m/R01"}));
  EXPECT_EQ(*read.metric("all/t2m/R10"), 12.5);
  EXPECT_TRUE(read.has_metric("absent"));
  EXPECT_FALSE(read.metric("absent").has_value());
  EXPECT_FALSE(read.has_metric("seed"));
  EXPECT_EQ(read.require_metric("all/t2m/R10"), 12.5);
  EXPECT_EQ(error_of([&] { read.require_metric("nope", "table1"); }),
            "table1: " + run.summary_file() + " has no 'nope'");
  EXPECT_EQ(error_of([&] { read.require_metric("absent"); }),
            run.summary_file() + ": 'absent' has no value (null)");
}

TEST(RunDir, AFlatMetricsFileFromBeforeStillReads) {
  const RunDir run(motlab::test::temp_dir("run_dir_legacy"));
  motlab::write_file_atomic(run.summary_file(),
                            R"({"status": "ok", "task": "train", "seed": 3, "wall_time_s": 9.5,
                                "kv_pruner": "l1", "all/t2m/R10": 4.0, "long20/t2m/R01": null})");
  const RunSummary read = run.summary();
  EXPECT_EQ(read.status, "ok");
  EXPECT_EQ(read.metric_keys(), (std::vector<std::string>{"all/t2m/R10", "long20/t2m/R01"}));
  EXPECT_EQ(read.bookkeeping["seed"], 3);
  EXPECT_EQ(read.bookkeeping["wall_time_s"], 9.5);
  EXPECT_EQ(read.bookkeeping["kv_pruner"], "l1");
}

TEST(RunDir, DamagedFilesAreNamed) {
  const RunDir run(motlab::test::temp_dir("run_dir_damaged"));
  EXPECT_NE(error_of([&] { run.summary(); }).find("is not a run directory (no metrics.json)"),
            std::string::npos);
  motlab::write_file_atomic(run.summary_file(), "{\"status\": ");
  EXPECT_EQ(error_of([&] { run.summary(); }).rfind(run.summary_file() + ": not valid JSON", 0), 0u);
  EXPECT_EQ(run.status(), "");
  motlab::write_file_atomic(run.summary_file(), "[1, 2]");
  EXPECT_EQ(error_of([&] { run.summary(); }), run.summary_file() + ": expected a JSON object");
  motlab::write_file_atomic(run.summary_file(), R"({"status": "ok", "metrics": {"r": "high"}})");
  EXPECT_EQ(error_of([&] { run.summary(); }),
            run.summary_file() + ": metric 'r' must be a number or null, got \"high\"");
  EXPECT_NE(
      error_of([&] {
        run.resolved_config("motlab eval");
      }).find("motlab eval: '" + run.path() + "' is not a run directory (no config_resolved.yaml"),
      std::string::npos);
}

TEST(RunDir, TestEmbeddingsRoundTrip) {
  const RunDir run(motlab::test::temp_dir("run_dir_embeddings"));
  EXPECT_FALSE(run.has_test_embeddings());
  EXPECT_NE(error_of([&] {
              run.test_embeddings();
            }).find(run.embeddings_file("test_text.npy") + " is missing"),
            std::string::npos);
  motlab::TestEmbeddings saved;
  saved.text = torch::randn({3, 4});
  saved.motion = torch::randn({3, 4});
  saved.ids = {"a", "b", "c"};
  saved.captions = {"걷는다", "뛴다", "앉는다"};
  saved.frames = {40, 50, 60};
  saved.caption_similarity = torch::eye(3);
  run.save_test_embeddings(saved);
  ASSERT_TRUE(run.has_test_embeddings());
  const motlab::TestEmbeddings read = run.test_embeddings();
  EXPECT_TRUE(torch::equal(read.text, saved.text));
  EXPECT_TRUE(torch::equal(read.motion, saved.motion));
  EXPECT_EQ(read.ids, saved.ids);
  EXPECT_EQ(read.captions, saved.captions);
  EXPECT_EQ(read.frames, saved.frames);
  EXPECT_TRUE(torch::equal(read.caption_similarity, saved.caption_similarity));
}

}  // namespace
