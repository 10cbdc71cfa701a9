// The report commands end to end, without training: `motlab compare` on four hand-made run
// directories and on a real toy sweep (`motlab run -m task=toy +sweep=seeds`), and `motlab table`
// rendering the paper's Table 1 layout from hand-made runs next to the paper's rows.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "framework/io/atomic_file.h"
#include "tests/report/xml_check.h"
#include "tests/support/paths.h"

namespace {
using nlohmann::json;

void write_run(const std::string& dir, const std::string& method,
               const std::vector<std::string>& overrides, const json& metrics) {
  motlab::make_dirs(dir);
  json out = metrics;
  out["status"] = "ok";
  out["seed"] = 1;
  motlab::write_file_atomic(dir + "/metrics.json", out.dump(2));
  std::string yaml;
  for (const auto& o : overrides) yaml += "- " + o + "\n";
  motlab::write_file_atomic(dir + "/overrides.yaml", yaml);
  motlab::write_file_atomic(dir + "/choices.yaml", "method: " + method + "\ntask: train\n");
}

// Every key retrieval_table reads for the given protocols; values offset by `base`.
json protocol_metrics(double base, const std::vector<std::string>& protocols) {
  json m;
  for (const auto& protocol : protocols)
    for (const char* direction : {"t2m", "m2t"}) {
      const std::string p = protocol + "/" + direction + "/";
      m[p + "R01"] = base;
      m[p + "R02"] = base + 2;
      m[p + "R03"] = base + 3;
      m[p + "R05"] = base + 5;
      m[p + "R10"] = base + 10;
      m[p + "MedR"] = 50 - base;
    }
  return m;
}

std::string run_motlab(const std::string& args, int* code) {
  std::string output;
  *code = motlab::test::run_command(motlab::test::motlab_executable() + " " + args, &output);
  return output;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST(ReportCli, CompareFourRunsWritesTablesAndPlots) {
  const std::string dir = motlab::test::temp_dir("report_cli_compare");
  // Two temperatures x two seeds.
  int k = 0;
  for (const char* temperature : {"0.05", "0.1"})
    for (int seed : {1, 2}) {
      const double r = (std::string(temperature) == "0.1" ? 20 : 10) + seed;
      write_run(dir + "/runs/" + std::to_string(k++), "sllm",
                {"method=sllm", std::string("loss.temperature=") + temperature,
                 "seed=" + std::to_string(seed)},
                protocol_metrics(r, {"all"}));
    }
  const std::string out = dir + "/out";
  int code = 0;
  const std::string output = run_motlab("compare " + dir + "/runs --out " + out, &code);
  ASSERT_EQ(code, 0) << output;
  EXPECT_NE(output.find("4 runs in 2 groups by [loss.temperature]"), std::string::npos) << output;
  const std::string md = motlab::read_file(out + "/compare.md");
  EXPECT_NE(md.find("| loss.temperature=0.05 (n=2) | 11.50 ± 0.71 | 13.50 ± 0.71 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| loss.temperature=0.1 (n=2) | **21.50 ± 0.71** |"), std::string::npos) << md;
  for (const char* format : {"compare.csv", "compare.tex", "runs.csv"})
    EXPECT_TRUE(motlab::file_exists(out + "/" + format)) << format;
  const std::string curves = motlab::read_file(out + "/recall_all_t2m.svg");
  EXPECT_EQ(motlab::test::xml_problem(curves), "");
  EXPECT_EQ(count(curves, "class=\"series\""), 2u);
  EXPECT_EQ(count(curves, "class=\"point\""), 10u);  // 2 groups x R@1, 2, 3, 5, 10
  const std::string sweep = motlab::read_file(out + "/all_t2m_R10_vs_loss.temperature.svg");
  EXPECT_EQ(motlab::test::xml_problem(sweep), "");
  EXPECT_EQ(count(sweep, "class=\"point\""), 2u);
  // --png converts each plot with rsvg-convert (where installed: tools/setup.sh installs it).
  if (motlab::test::run_command("command -v rsvg-convert") == 0) {
    const std::string png = run_motlab("compare " + dir + "/runs --png --out " + out, &code);
    ASSERT_EQ(code, 0) << png;
    EXPECT_EQ(motlab::read_file(out + "/recall_all_t2m.png").substr(1, 3), "PNG");
  }
  // A bad flag or format is an error that says what is wrong.
  const std::string bad = run_motlab("compare " + dir + "/runs --formats md,pdf", &code);
  EXPECT_NE(code, 0);
  EXPECT_NE(bad.find("unknown format 'pdf'"), std::string::npos) << bad;
}

TEST(ReportCli, CompareOnARealToySweep) {
  const std::string dir = motlab::test::temp_dir("report_cli_sweep");
  int code = 0;
  std::string log;
  ASSERT_EQ(motlab::test::run_command(
                "MOTLAB_RESULTS_DIR=" + dir + " " + motlab::test::motlab_executable() +
                    " run -m task=toy +sweep=seeds task.a=1,2 launcher.jobs=2",
                &log),
            0)
      << log;
  std::string sweep_dir;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir + "/multirun/seeds"))
    if (entry.path().filename() == "multirun.yaml") sweep_dir = entry.path().parent_path();
  ASSERT_FALSE(sweep_dir.empty());
  const std::string compared = run_motlab("compare " + sweep_dir, &code);
  ASSERT_EQ(code, 0) << compared;
  // 6 jobs (a in {1, 2} x 3 seeds) -> 2 groups by task.a; the toy's value is a * 10 + len(b).
  EXPECT_NE(compared.find("6 runs in 2 groups by [task.a]"), std::string::npos) << compared;
  const std::string md = motlab::read_file(sweep_dir + "/compare/compare.md");
  EXPECT_NE(md.find("| task.a=1 (n=3) | 11.00 ± 0.00 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| task.a=2 (n=3) | 21.00 ± 0.00 |"), std::string::npos) << md;
  EXPECT_EQ(
      motlab::test::xml_problem(motlab::read_file(sweep_dir + "/compare/value_vs_task.a.svg")), "");
}

TEST(ReportCli, TableOneFromRunDirsWithThePapersRows) {
  const std::string dir = motlab::test::temp_dir("report_cli_table");
  const std::vector<std::string> protocols{"all", "threshold", "dissimilar", "small_batches"};
  write_run(dir + "/tmr", "tmr", {"method=tmr"}, protocol_metrics(10, protocols));
  write_run(dir + "/sllm", "sllm", {"method=sllm"}, protocol_metrics(12, protocols));
  write_run(dir + "/fused", "sllm_fused", {"method=sllm_fused"}, protocol_metrics(14, protocols));
  int code = 0;
  // Plain dirs are named by their `method` choice; name=dir works too.
  const std::string output = run_motlab("table table1 " + dir + "/tmr sllm=" + dir + "/sllm " +
                                            dir + "/fused --out " + dir + "/out --formats md,tex",
                                        &code);
  ASSERT_EQ(code, 0) << output;
  const std::string md = motlab::read_file(dir + "/out/tables/table1.md");
  EXPECT_NE(output.find(md), std::string::npos) << "the Markdown is also printed";
  EXPECT_EQ(count(md, "| TMR | 10.00 |"), 4u) << md;  // one row per protocol block
  EXPECT_EQ(count(md, "| Ours (sLLM + fused) | **14.00** |"), 4u) << md;
  EXPECT_NE(md.find("*4.49*"), std::string::npos) << "paper row (a) TMR t2m R@1\n" << md;
  EXPECT_TRUE(motlab::file_exists(dir + "/out/tables/table1.tex"));
  EXPECT_FALSE(motlab::file_exists(dir + "/out/tables/table1.csv"));

  // A run without a metric the spec needs: an error naming the run dir and the key.
  json partial = protocol_metrics(10, {"all", "threshold", "dissimilar"});
  write_run(dir + "/partial", "tmr", {"method=tmr"}, partial);
  const std::string missing =
      run_motlab("table table1 tmr=" + dir + "/partial sllm=" + dir + "/sllm sllm_fused=" + dir +
                     "/fused --out " + dir + "/o2",
                 &code);
  EXPECT_NE(code, 0);
  EXPECT_NE(missing.find(dir + "/partial/metrics.json has no 'small_batches/t2m/R01'"),
            std::string::npos)
      << missing;
  // Two plain dirs with the same method cannot both be named by it.
  const std::string twice =
      run_motlab("table table1 " + dir + "/tmr " + dir + "/partial --out " + dir + "/o3", &code);
  EXPECT_NE(code, 0);
  EXPECT_NE(twice.find("two runs are named 'tmr'"), std::string::npos) << twice;
  const std::string unknown = run_motlab("table table9 " + dir + "/tmr", &code);
  EXPECT_NE(code, 0);
  EXPECT_NE(unknown.find("available: "), std::string::npos) << unknown;
}
