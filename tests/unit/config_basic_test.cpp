#include <gtest/gtest.h>
#include <strings.h>

#include <cstdlib>

#include "framework/config/config.h"
#include "framework/core/error.h"
#include "framework/core/process_setup.h"
#include "framework/core/strings.h"

using motlab::Config;

TEST(ConfigBasic, ScalarTyping) {
  Config c = Config::from_yaml_string(
      "a: 1\nb: 1e-4\nc: '1'\nd: null\ne: true\nf: 1_000\ng: ???\nh: [1, x]\ni: {j: 2.5}\n",
      "t.yaml");
  EXPECT_EQ(c["a"].kind(), Config::Kind::kInt);
  EXPECT_EQ(c["b"].kind(), Config::Kind::kFloat);
  EXPECT_DOUBLE_EQ(c["b"].as_double(), 1e-4);
  EXPECT_EQ(c["c"].kind(), Config::Kind::kString);
  EXPECT_TRUE(c["d"].is_null());
  EXPECT_TRUE(c["e"].as_bool());
  EXPECT_EQ(c["f"].as_int(), 1000);
  EXPECT_TRUE(c["g"].is_missing());
  EXPECT_EQ(c["h"].size(), 2u);
  EXPECT_DOUBLE_EQ(c.get<double>("i.j"), 2.5);
  EXPECT_EQ(c["i.j"].where().str(), "t.yaml:9");
}

TEST(ConfigBasic, ErrorsNameKeyAndFile) {
  Config c = Config::from_yaml_string("model:\n  dim: abc\n", "m.yaml");
  try {
    c.get<int>("model.dim");
    FAIL();
  } catch (const motlab::Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("model.dim"), std::string::npos) << what;
    EXPECT_NE(what.find("m.yaml:2"), std::string::npos) << what;
  }
  EXPECT_THROW(c["model.nope"], motlab::Error);
}

TEST(ConfigBasic, EditsAreImmutable) {
  Config a = Config::from_yaml_string("x: {y: 1}\n");
  Config b = a.with("x.z", Config::integer(2));
  EXPECT_FALSE(a.has("x.z"));
  EXPECT_EQ(b.get<int>("x.z"), 2);
  Config c = b.without("x.y");
  EXPECT_TRUE(b.has("x.y"));
  EXPECT_FALSE(c.has("x.y"));
  EXPECT_EQ(Config::from_yaml_string(b.to_yaml()), b);
}

TEST(ConfigBasic, OptionsRejectUnknownKeys) {
  Config c = Config::from_yaml_string("_target_: x\nlr: 0.1\ntypo: 3\n");
  motlab::Options options(c, "loss 'x'");
  EXPECT_DOUBLE_EQ(options.get<double>("lr", 1.0), 0.1);
  EXPECT_EQ(options.get<int>("absent", 7), 7);
  EXPECT_THROW(options.finish(), motlab::Error);
}

TEST(Strings, TrimAndSplitNonEmpty) {
  EXPECT_EQ(motlab::trim("  a b\t"), "a b");
  EXPECT_EQ(motlab::trim(" \t "), "");
  EXPECT_EQ(motlab::trim("x\r\n"), "x\r\n");  // default blanks: space and tab only
  EXPECT_EQ(motlab::trim("x\r\n", " \t\r\n"), "x");
  EXPECT_EQ(motlab::split_nonempty("a,,b,", ','), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(motlab::split_nonempty("", ','), std::vector<std::string>{});
  EXPECT_EQ(motlab::split_nonempty("ko", ','), std::vector<std::string>{"ko"});
}

// The test binaries start through set_up_process like motlab: OpenBLAS runs the kernel
// set named in OPENBLAS_CORETYPE, and is never left on its generic fallback on an AVX2 CPU.
TEST(BlasKernels, OpenBlasUsesTheChosenKernels) {
  const std::string core = motlab::openblas_core_name();
  if (core.empty()) GTEST_SKIP() << "BLAS is not OpenBLAS";
  if (const char* chosen = std::getenv("OPENBLAS_CORETYPE")) {
    EXPECT_EQ(strcasecmp(core.c_str(), chosen), 0) << core << " vs " << chosen;
  } else {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      EXPECT_NE(strcasecmp(core.c_str(), "prescott"), 0);
    }
  }
}
