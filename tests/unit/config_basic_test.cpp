#include <gtest/gtest.h>

#include <strings.h>
#include <cmath>

#include <cstdlib>

#include "framework/config/config.h"
#include "framework/config/options.h"
#include "framework/config/settings.h"
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

motlab::OptionSchema example_schema() {
  return motlab::OptionSchema()
      .option<double>("lr", 1.0, "learning rate")
      .option<int64_t>("steps", 7, "steps")
      .required<std::string>("model_dir", "a folder")
      .group("lora", motlab::OptionSchema().option<int64_t>("r", 8, "rank"), "adapter")
      .optional_group("synth", motlab::OptionSchema().option<int64_t>("n", 2, "n"), "maybe")
      .list("rows", motlab::OptionSchema().required<std::string>("label", "row"), "rows");
}

TEST(ConfigBasic, OptionsRejectUnknownKeysWithTheClosestMatch) {
  const motlab::OptionSchema schema = example_schema();
  Config c = Config::from_yaml_string("_target_: x\nlr: 0.1\nsteeps: 3\n", "x.yaml");
  try {
    motlab::Options options(c, schema, "loss 'x'");
    FAIL() << "an unknown key was accepted";
  } catch (const motlab::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown option 'steeps'"), std::string::npos) << what;
    EXPECT_NE(what.find("x.yaml:3"), std::string::npos) << what;
    EXPECT_NE(what.find("Did you mean 'steps'?"), std::string::npos) << what;
  }
}

TEST(ConfigBasic, OptionsFillDefaultsAndCheckTypes) {
  const motlab::OptionSchema schema = example_schema();
  motlab::Options options(Config::from_yaml_string("lr: 0.1\nmodel_dir: m\nlora: {r: 4}\n"), schema,
                          "loss 'x'");
  EXPECT_DOUBLE_EQ(options.get<double>("lr"), 0.1);
  EXPECT_EQ(options.get<int64_t>("steps"), 7);
  EXPECT_EQ(options.get<int64_t>("lora.r"), 4);
  EXPECT_TRUE(options.is_null("synth"));
  EXPECT_TRUE(options.items("rows").empty());
  // A component reading an option it does not declare, or as another type: a bug, named.
  EXPECT_THROW(options.get<int64_t>("absent"), motlab::Error);
  EXPECT_THROW(options.get<std::string>("lr"), motlab::Error);
  // Wrong kinds in the config are errors naming the key.
  EXPECT_THROW(motlab::Options(Config::from_yaml_string("steps: 1.5\nmodel_dir: m"), schema, "x"),
               motlab::Error);
  EXPECT_THROW(motlab::Options(Config::from_yaml_string("rows: [1]\nmodel_dir: m"), schema, "x"),
               motlab::Error);
  // A required option that is missing is named when read.
  motlab::Options without(Config::from_yaml_string("lr: 2"), schema, "loss 'x'");
  EXPECT_THROW(without.get<std::string>("model_dir"), motlab::Error);
}

TEST(ConfigBasic, SchemaCompletesNodesAndFindsRepeatedDefaults) {
  const motlab::OptionSchema schema = example_schema();
  const Config node = Config::from_yaml_string("_target_: x\nsteps: 7\nlora: {r: 8}\nlr: 2\n");
  const Config complete = schema.complete(node);
  EXPECT_EQ(complete.keys(), (std::vector<std::string>{"_target_", "lr", "steps", "model_dir",
                                                       "lora", "synth", "rows"}));
  EXPECT_TRUE(complete["model_dir"].is_missing());
  EXPECT_EQ(complete.get<int64_t>("lora.r"), 8);
  EXPECT_TRUE(complete["synth"].is_null());  // an optional group stays off
  EXPECT_EQ(schema.complete(Config::from_yaml_string("synth: {}")).get<int64_t>("synth.n"), 2);
  EXPECT_EQ(schema.repeated_defaults(node), (std::vector<std::string>{"steps", "lora.r"}));
  EXPECT_EQ(schema.undeclared_keys(Config::from_yaml_string("lora: {q: 1}\nzz: 2")),
            (std::vector<std::string>{"lora.q", "zz"}));
}

namespace {
struct ExampleSettings {
  int64_t steps = 7;
  std::optional<double> threshold = 0.95;  // on by default
  std::optional<int64_t> fail_on;          // off by default
  std::string mode = "fast";
};

motlab::SettingsSchema<ExampleSettings> example_settings() {
  using S = ExampleSettings;
  return motlab::SettingsSchema<S>()
      .option("steps", &S::steps, "steps", motlab::at_least(1))
      .nullable("threshold", &S::threshold, "filter", motlab::between(0, 1))
      .nullable("fail_on", &S::fail_on, "fail")
      .choice("mode", &S::mode, {"fast", "slow"}, "mode");
}
}  // namespace

// Each option is written once: the member initialiser is the default the config sees, for
// nullable options too (a threshold that is on unless the config says null).
TEST(ConfigBasic, SettingsDefaultsAreTheMembersInitialisers) {
  const motlab::OptionSchema schema = example_settings().options();
  const Config complete = schema.complete(Config::from_yaml_string("{}"));
  EXPECT_EQ(complete.get<int64_t>("steps"), 7);
  EXPECT_DOUBLE_EQ(complete.get<double>("threshold"), 0.95);
  EXPECT_TRUE(complete["fail_on"].is_null());
  const ExampleSettings read = example_settings().read(Config::from_yaml_string("{}"), "x");
  ASSERT_TRUE(read.threshold.has_value());
  EXPECT_DOUBLE_EQ(*read.threshold, 0.95);
  EXPECT_FALSE(read.fail_on.has_value());
  const ExampleSettings off =
      example_settings().read(Config::from_yaml_string("{threshold: null, fail_on: 3}"), "x");
  EXPECT_FALSE(off.threshold.has_value());
  EXPECT_EQ(off.fail_on, 3);
  EXPECT_THROW(example_settings().read(Config::from_yaml_string("{threshold: 2}"), "x"),
               motlab::Error);
  EXPECT_THROW(example_settings().read(Config::from_yaml_string("{steps: 0}"), "x"), motlab::Error);
  EXPECT_THROW(example_settings().read(Config::from_yaml_string("{mode: medium}"), "x"),
               motlab::Error);
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

// Found by fuzz/yaml_fuzz.cpp: configs are UTF-8 without control characters, and every config
// written out reads back to the same tree (a CR in a string, a NaN value).
TEST(ConfigBasic, YamlIsUtf8AndRoundTrips) {
  EXPECT_THROW(Config::from_yaml_string("a: \"x\xd1\x66\"\n", "bad.yaml"), motlab::Error);
  EXPECT_THROW(Config::from_yaml_string(std::string("\x01\x00\x00\x00_a: 1", 9), "nul.yaml"),
               motlab::Error);
  try {
    Config::from_yaml_string("a: 1\nb: \"x\x02\"\n", "ctl.yaml");
    FAIL() << "a control character was accepted";
  } catch (const motlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("ctl.yaml:2: control character 0x2"), std::string::npos)
        << e.what();
  }
  // yaml-cpp decodes the \N and \_ escapes to single bytes that are not UTF-8 (found by
  // fuzz/yaml_fuzz: the string could not be written back).
  for (const char* escape : {"\\N", "\\_"}) {
    try {
      Config::from_yaml_string(std::string("a: 1\nb:\n  c: \"x") + escape + "y\"\n", "esc.yaml");
      FAIL() << "escape " << escape << " was accepted";
    } catch (const motlab::Error& e) {
      EXPECT_NE(std::string(e.what()).find("esc.yaml:3: under 'b.c': a scalar is not valid UTF-8"),
                std::string::npos)
          << e.what();
    }
  }
  const Config cr = Config::dict({{"s", Config::string("a\rb\tc")}, {"n", Config::floating(NAN)}});
  EXPECT_EQ(Config::from_yaml_string(cr.to_yaml(), "again.yaml"), cr);
}
