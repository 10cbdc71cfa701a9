// `motlab eval --text-emb --motion-emb` reproduces the metrics computed in-process.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/config/config.h"
#include "framework/data/npy.h"
#include "framework/eval/protocol.h"
#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"

TEST(EvalCli, SavedEmbeddingsReproduceInProcessMetrics) {
  const std::string dir = motlab::test::temp_dir("eval_cli");
  torch::manual_seed(3);
  const int64_t n = 80;
  torch::Tensor motion = torch::randn({n, 16});
  torch::Tensor text = motion + 0.8 * torch::randn({n, 16});  // noisy pairs: metrics in between
  motlab::npy::save(dir + "/text.npy", text);
  motlab::npy::save(dir + "/motion.npy", motion);
  motlab::eval::EvalInputs in;
  in.text = text;
  in.motion = motion;
  std::string captions, ids;
  for (int64_t k = 0; k < n; ++k) {
    in.ids.push_back("id" + std::to_string(1000 + k));
    in.captions.push_back(std::string(k % 4 == 0 ? "a b c d e f g h i j k l m n o" : "a b c"));
    ids += in.ids.back() + "\n";
    captions += in.captions.back() + "\n";
  }
  motlab::write_file_atomic(dir + "/ids.txt", ids);
  motlab::write_file_atomic(dir + "/captions.txt", captions);
  std::vector<motlab::Config::Item> entries;
  for (const char* name : {"all", "small_batches", "long15", "long20"})
    entries.emplace_back(
        name, motlab::Config::from_yaml_file(motlab::test::source_dir() + "/configs/protocol/" +
                                             name + ".yaml"));
  const std::map<std::string, double> expected =
      motlab::eval::run_protocols(motlab::Config::dict(entries), in, motlab::BuildContext{});
  std::string out;
  ASSERT_EQ(motlab::test::run_command(motlab::test::motlab_executable() + " eval --text-emb " +
                                          dir + "/text.npy --motion-emb " + dir +
                                          "/motion.npy --ids " + dir + "/ids.txt --captions " +
                                          dir + "/captions.txt --out " + dir + "/out",
                                      &out),
            0)
      << out;
  std::ifstream file(dir + "/out/metrics.json");
  const nlohmann::json saved = nlohmann::json::parse(file)["metrics"];
  EXPECT_DOUBLE_EQ(expected.at("long15/t2m/len"), 20);
  for (const auto& [key, value] : expected) {
    if (std::isnan(value)) {
      EXPECT_TRUE(saved[key].is_null()) << key;
    } else {
      EXPECT_DOUBLE_EQ(saved[key].get<double>(), value) << key;
    }
  }
  EXPECT_GT(expected.at("all/t2m/R10"), 100.0 * 10 / n);  // better than chance, not perfect
  EXPECT_LT(expected.at("all/t2m/R01"), 100.0);
  EXPECT_NE(motlab::test::run_command(motlab::test::motlab_executable() + " eval --text-emb " +
                                          dir + "/text.npy --motion-emb " + dir + "/ids.txt",
                                      &out),
            0);
  EXPECT_NE(out.find("ids.txt"), std::string::npos) << out;
}
