// `motlab compare`'s pieces on hand-made run directories: reading runs and sweeps, swept-key
// detection (seed ignored), grouping order, mean and sample std, the pivoted table, and the SVG
// plots (well-formed, expected series and points).
#include "framework/report/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "tests/report/xml_check.h"
#include "tests/support/paths.h"

namespace {
using namespace motlab::report;
using nlohmann::json;

// A finished run directory as `motlab run` leaves it.
void write_run(const std::string& dir, const std::vector<std::string>& overrides,
               const json& metrics, const std::string& status = "ok") {
  motlab::make_dirs(dir);
  json out = metrics;
  out["status"] = status;
  out["seed"] = 1234;
  out["wall_time_s"] = 0.5;
  out["task"] = "train";
  motlab::write_file_atomic(dir + "/metrics.json", out.dump(2));
  std::string yaml;
  for (const auto& o : overrides) yaml += "- " + o + "\n";
  motlab::write_file_atomic(dir + "/overrides.yaml", yaml.empty() ? "[]\n" : yaml);
  motlab::write_file_atomic(dir + "/choices.yaml", "method: sllm\ntask: train\n");
}

json retrieval(double r1, double r10, double medr) {
  json m;
  m["all/t2m/R01"] = r1;
  m["all/t2m/R05"] = (r1 + r10) / 2;
  m["all/t2m/R10"] = r10;
  m["all/t2m/MedR"] = medr;
  m["all/t2m/len"] = 100;
  m["all/m2t/R01"] = r1 + 1;
  m["all/m2t/R10"] = r10 + 1;
  m["long20/t2m/R01"] = nullptr;  // an empty subset
  return m;
}

// Four runs: lora rank 8 and 16 (text order would put 16 first) x seeds 1 and 2.
std::string four_runs() {
  const std::string dir = motlab::test::temp_dir("compare_four");
  write_run(dir + "/a", {"method=sllm", "text_encoder.lora.r=16", "seed=1"}, retrieval(10, 40, 12));
  write_run(dir + "/b", {"method=sllm", "text_encoder.lora.r=16", "seed=2"}, retrieval(14, 44, 10));
  write_run(dir + "/c", {"method=sllm", "text_encoder.lora.r=8", "seed=1"}, retrieval(6, 30, 20));
  write_run(dir + "/d", {"method=sllm", "text_encoder.lora.r=8", "seed=2"}, retrieval(6, 32, 18));
  return dir;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST(Compare, GroupsBySweptKeysWithSeedsPooledInNumericOrder) {
  const std::string dir = four_runs();
  std::vector<std::string> warnings;
  const auto runs = collect_runs({dir}, &warnings);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_TRUE(warnings.empty());
  const auto by = swept_keys(runs);
  EXPECT_EQ(by, (std::vector<std::string>{"text_encoder.lora.r"}));
  EXPECT_EQ(swept_keys(runs, {}), (std::vector<std::string>{"seed", "text_encoder.lora.r"}));
  const auto groups = group_runs(runs, by);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].label(by), "text_encoder.lora.r=8");
  EXPECT_EQ(groups[1].label(by), "text_encoder.lora.r=16");
  EXPECT_EQ(groups[0].runs.size(), 2u);
  auto r1 = group_stats(groups[1], "all/t2m/R01");
  ASSERT_TRUE(r1 && r1->std);
  EXPECT_DOUBLE_EQ(r1->mean, 12.0);
  EXPECT_DOUBLE_EQ(*r1->std, std::sqrt(8.0));  // sample std of {10, 14}
  EXPECT_EQ(r1->count, 2);
  auto medr = group_stats(groups[0], "all/t2m/MedR");
  EXPECT_DOUBLE_EQ(medr->mean, 19.0);
  EXPECT_DOUBLE_EQ(*medr->std, std::sqrt(2.0));
  EXPECT_FALSE(group_stats(groups[0], "long20/t2m/R01"));  // null in every run
  EXPECT_FALSE(group_stats(groups[0], "no/such/key"));
}

TEST(Compare, StatsOfOneValueHaveNoStd) {
  auto one = stats_of({3.5});
  ASSERT_TRUE(one);
  EXPECT_EQ(one->mean, 3.5);
  EXPECT_FALSE(one->std);
  EXPECT_FALSE(stats_of({}));
}

TEST(Compare, DefaultMetricsAreProtocolAInTableOrder) {
  const auto runs = collect_runs({four_runs()}, nullptr);
  EXPECT_EQ(select_metrics(runs, {}),
            (std::vector<std::string>{"all/t2m/R01", "all/t2m/R05", "all/t2m/R10", "all/t2m/MedR",
                                      "all/m2t/R01", "all/m2t/R10"}));
  EXPECT_EQ(select_metrics(runs, {"*/R10", "all/t2m/len"}),
            (std::vector<std::string>{"all/t2m/R10", "all/t2m/len", "all/m2t/R10"}));
  EXPECT_THROW(select_metrics(runs, {"nope/*"}), motlab::Error);
}

TEST(Compare, TableIsMeanPlusMinusStdPerGroup) {
  const auto runs = collect_runs({four_runs()}, nullptr);
  const std::vector<std::string> by{"text_encoder.lora.r"};
  const auto groups = group_runs(runs, by);
  const Table table = comparison_table(groups, by, {"all/t2m/R01", "all/t2m/MedR"});
  EXPECT_EQ(to_markdown(table),
            "**Runs grouped by text_encoder.lora.r**\n\n"
            "| | all t2m R@1 | all t2m MedR |\n|---|---:|---:|\n"
            "| text_encoder.lora.r=8 (n=2) | 6.00 ± 0.00 | 19.00 ± 1.41 |\n"
            "| text_encoder.lora.r=16 (n=2) | **12.00 ± 2.83** | **11.00 ± 1.41** |\n"
            "\nCells: mean ± sample std (n - 1) over the runs of a group (n in the label).\n");
  // A metric with no known direction is never marked best.
  const Table plain = comparison_table(groups, by, {"all/t2m/len"});
  EXPECT_EQ(plain.best_row(0, 0), -1);
}

TEST(Compare, PlotsAreWellFormedWithOneSeriesPerGroup) {
  const auto runs = collect_runs({four_runs()}, nullptr);
  const std::vector<std::string> by{"text_encoder.lora.r"};
  const auto groups = group_runs(runs, by);
  const auto metrics = select_metrics(runs, {});
  const auto plots = comparison_plots(groups, by, metrics, {"all/t2m/R10"});
  std::vector<std::string> files;
  for (const auto& p : plots) files.push_back(p.file);
  EXPECT_EQ(files, (std::vector<std::string>{"recall_all_t2m.svg", "recall_all_m2t.svg",
                                             "all_t2m_R10_vs_text_encoder.lora.r.svg"}));
  // R@k curve: one series per group, points at k = 1, 5, 10; error bars from the seeds.
  const std::string recall = to_svg(plots[0].plot);
  EXPECT_EQ(motlab::test::xml_problem(recall), "");
  EXPECT_EQ(count(recall, "class=\"series\""), 2u);
  EXPECT_EQ(count(recall, "<polyline"), 2u);
  EXPECT_EQ(count(recall, "class=\"point\""), 6u);
  EXPECT_EQ(plots[0].plot.x_ticks, (std::vector<double>{1, 5, 10}));
  EXPECT_NEAR(plots[0].plot.series[1].y[2], 42.0, 1e-12);
  EXPECT_NEAR(plots[0].plot.series[1].error[2], std::sqrt(8.0), 1e-12);
  // R@10 against the rank: one series, x = 8 and 16 on a numeric axis.
  const auto& sweep = plots[2].plot;
  ASSERT_EQ(sweep.series.size(), 1u);
  EXPECT_EQ(sweep.series[0].x, (std::vector<double>{8, 16}));
  EXPECT_EQ(sweep.series[0].y, (std::vector<double>{31, 42}));
  EXPECT_TRUE(sweep.x_tick_labels.empty());
  EXPECT_EQ(motlab::test::xml_problem(to_svg(sweep)), "");
}

TEST(Compare, CategoricalSweptValuesGetLabelledTicks) {
  const std::string dir = motlab::test::temp_dir("compare_categorical");
  write_run(dir + "/0", {"loss.threshold=null", "method=tmr"}, retrieval(5, 30, 20));
  write_run(dir + "/1", {"loss.threshold=0.95", "method=tmr"}, retrieval(7, 35, 15));
  write_run(dir + "/2", {"loss.threshold=null", "method=sllm"}, retrieval(6, 31, 19));
  write_run(dir + "/3", {"loss.threshold=0.95", "method=sllm"}, retrieval(8, 37, 14));
  const auto runs = collect_runs({dir}, nullptr);
  const auto by = swept_keys(runs);
  ASSERT_EQ(by, (std::vector<std::string>{"loss.threshold", "method"}));
  const auto groups = group_runs(runs, by);
  const auto plots = comparison_plots(groups, by, {"all/t2m/R10"}, {"all/t2m/R10"});
  ASSERT_EQ(plots.size(), 2u);
  EXPECT_EQ(plots[0].plot.x_tick_labels, (std::vector<std::string>{"0.95", "null"}));
  EXPECT_EQ(plots[0].plot.series.size(), 2u);  // one per method
  EXPECT_EQ(plots[0].plot.series[0].label, "method=sllm");
  EXPECT_EQ(plots[1].plot.x_tick_labels, (std::vector<std::string>{"sllm", "tmr"}));
  const std::string svg = to_svg(plots[0].plot);
  EXPECT_EQ(motlab::test::xml_problem(svg), "");
  EXPECT_NE(svg.find(">null</text>"), std::string::npos);
}

TEST(Compare, SweepDirsSkipUnfinishedJobsButNamedRunsMustBeFinished) {
  const std::string sweep = motlab::test::temp_dir("compare_sweep");
  write_run(sweep + "/0", {"loss.temperature=0.1"}, retrieval(5, 30, 20));
  write_run(sweep + "/1", {"loss.temperature=0.2"}, retrieval(5, 30, 20), "failed");
  motlab::write_file_atomic(sweep + "/multirun.yaml",
                            "jobs:\n  - {num: 0, dir: '0'}\n  - {num: 1, dir: '1'}\n"
                            "  - {num: 2, dir: '2'}\n");
  std::vector<std::string> warnings;
  const auto runs = collect_runs({sweep}, &warnings);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].overrides.at("loss.temperature"), "0.1");
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("status 'failed'"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("never ran"), std::string::npos) << warnings[1];
  try {
    collect_runs({sweep + "/1"}, nullptr);
    FAIL() << "a failed run named directly must be an error";
  } catch (const motlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("did not finish"), std::string::npos) << e.what();
  }
  EXPECT_THROW(collect_runs({motlab::test::temp_dir("compare_empty")}, nullptr), motlab::Error);
}

TEST(Compare, RunsCsvHasOneLinePerRun) {
  const auto runs = collect_runs({four_runs()}, nullptr);
  const std::vector<std::string> by{"text_encoder.lora.r"};
  const std::string csv = runs_csv(group_runs(runs, by), by, {"all/t2m/R01"});
  EXPECT_EQ(count(csv, "\n"), 5u);
  EXPECT_NE(csv.find("dir,group,text_encoder.lora.r,all/t2m/R01\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("/c,text_encoder.lora.r=8,8,6\n"), std::string::npos) << csv;
}

TEST(Compare, WildcardsAndLists) {
  EXPECT_TRUE(wildcard_match("*/t2m/R*", "long15/t2m/R10"));
  EXPECT_TRUE(wildcard_match("all/*", "all/m2t/MedR"));
  EXPECT_FALSE(wildcard_match("all/*/R01", "all/t2m/R10"));
  EXPECT_TRUE(wildcard_match("a*b*c", "axxbyybc"));
  EXPECT_EQ(split_list("a,,b,"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pretty_metric("R05"), "R@5");
  EXPECT_EQ(pretty_metric("MedR"), "MedR");
  EXPECT_EQ(metric_direction("MedR"), -1);
  EXPECT_EQ(metric_direction("val_loss"), -1);
  EXPECT_EQ(metric_direction("R10"), 1);
  EXPECT_EQ(metric_direction("value"), 0);
}

TEST(SvgPlot, XTickLabelsMustMatchTheTicks) {
  LinePlot plot;
  plot.series.push_back({"a", {0, 1}, {1, 2}, {}, false});
  plot.x_ticks = {0, 1};
  plot.x_tick_labels = {"off & on"};
  EXPECT_THROW(to_svg(plot), motlab::Error);
  plot.x_tick_labels = {"off", "<on>"};
  const std::string svg = to_svg(plot);
  EXPECT_EQ(motlab::test::xml_problem(svg), "");
  EXPECT_NE(svg.find(">&lt;on&gt;</text>"), std::string::npos);
}

TEST(XmlCheck, RejectsMalformedDocuments) {
  using motlab::test::xml_problem;
  EXPECT_EQ(xml_problem("<?xml version=\"1.0\"?>\n<svg a=\"1\"><g><line x=\"2\"/></g></svg>\n"),
            "");
  EXPECT_NE(xml_problem("<svg><g></svg></g>"), "");
  EXPECT_NE(xml_problem("<svg><g></svg>"), "");
  EXPECT_NE(xml_problem("<svg>a & b</svg>"), "");
  EXPECT_NE(xml_problem("<svg><text>1 < 2</text></svg>"), "");
  EXPECT_NE(xml_problem("<svg a=\"1></svg>"), "");
  EXPECT_NE(xml_problem("<svg/><svg/>"), "");
}
