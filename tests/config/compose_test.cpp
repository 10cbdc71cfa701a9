// Conformance tests for motlab's Hydra subset, on the fixture tree tests/data/config_fixtures/app.
// Each table row composes with some overrides and checks values (as JSON) or error texts.
#include <gtest/gtest.h>

#include <cstdlib>

#include "framework/config/compose.h"
#include "framework/config/overrides.h"
#include "framework/core/error.h"
#include "tests/support/errors.h"
#include "tests/support/paths.h"

using motlab::Config;

namespace {

std::string fixture_dir() { return motlab::test::source_dir() + "/tests/data/config_fixtures/app"; }

motlab::Composed compose_with(const std::vector<std::string>& overrides,
                              const std::string& primary = "config") {
  motlab::ComposeRequest request;
  request.config_dir = fixture_dir();
  request.primary = primary;
  request.overrides = overrides;
  return motlab::compose(request);
}

Config resolved_with(const std::vector<std::string>& overrides) {
  motlab::Composed composed = compose_with(overrides);
  motlab::RuntimeInfo runtime;
  runtime.choices = composed.choices;
  runtime.output_dir = "/runs/7";
  runtime.job_num = 7;
  return motlab::resolve(composed.config, runtime);
}

using motlab::test::error_of;

struct ValueCase {
  const char* name;
  std::vector<std::string> overrides;
  std::vector<std::pair<std::string, std::string>> expect;  // key -> JSON of the value
  std::vector<std::string> absent;                          // keys that must not exist
};

class ComposeValues : public ::testing::TestWithParam<ValueCase> {};

TEST_P(ComposeValues, Matches) {
  const ValueCase& c = GetParam();
  motlab::Composed composed = compose_with(c.overrides);
  for (const auto& [key, json] : c.expect) {
    Config value;
    ASSERT_TRUE(composed.config.find(key, &value)) << c.name << ": missing " << key << "\n"
                                                   << composed.config.to_yaml();
    EXPECT_EQ(value.to_json(), json) << c.name << ": key " << key;
  }
  for (const auto& key : c.absent)
    EXPECT_FALSE(composed.config.has(key)) << c.name << ": unexpected " << key;
}

const ValueCase kValueCases[] = {
    {"group default", {}, {{"db.driver", "\"mysql\""}, {"db.port", "3306"}}, {}},
    {"nested group lands under its group path",
     {},
     {{"server.port", "80"}, {"server.site.title", "\"blog\""}},
     {}},
    {"primary _self_ is auto-appended last", {}, {{"shared", "\"from_primary\""}}, {}},
    {"float 1e-4 in YAML is a float", {}, {{"lr", "0.0001"}}, {}},
    {"int with underscores in YAML", {}, {{"steps", "1000"}}, {}},
    {"group override", {"db=sqlite"}, {{"db.driver", "\"sqlite\""}, {"db.port", "null"}}, {}},
    {"group override removes the old option's keys", {"db=postgres"}, {}, {"db.port"}},
    {"nested group override", {"server/site=shop"}, {{"server.site.title", "\"shop\""}}, {}},
    {"override of a group with nested defaults",
     {"server=nginx"},
     {{"server.port", "8080"}},
     {"server.site"}},
    {"experiment override in defaults list",
     {"+experiment=fast"},
     {{"db.driver", "\"sqlite\""}, {"lr", "0.01"}, {"paths.root", "\"/fast\""}},
     {}},
    {"command line beats a config's override",
     {"+experiment=fast", "db=postgres"},
     {{"db.driver", "\"postgres\""}},
     {}},
    {"delete a group", {"~db"}, {}, {"db"}},
    {"delete a group with matching option", {"~db=mysql"}, {}, {"db"}},
    {"append a group with a package header", {"+pkg=ab"}, {{"a.b.v", "1"}}, {}},
    {"append a _global_ config", {"+pkg=global_one"}, {{"top", "1"}}, {}},
    {"group@package",
     {"+db@backup=sqlite"},
     {{"backup.driver", "\"sqlite\""}, {"db.driver", "\"mysql\""}},
     {}},
    {"lists replace", {}, {{"tags", "[\"a\",\"b\"]"}}, {}},
    {"set value", {"lr=0.5"}, {{"lr", "0.5"}}, {}},
    {"set value changes type", {"lr=fast"}, {{"lr", "\"fast\""}}, {}},
    {"append new key", {"+extra_key=3"}, {{"extra_key", "3"}}, {}},
    {"append to a null value", {"db=sqlite", "+db.port=5"}, {{"db.port", "5"}}, {}},
    {"force add", {"++newer=1"}, {{"newer", "1"}}, {}},
    {"force override", {"++lr=2"}, {{"lr", "2"}}, {}},
    {"delete key", {"~name"}, {}, {"name"}},
    {"delete key with matching value", {"~steps=1000"}, {}, {"steps"}},
    {"dict value merges (+ adds keys in struct mode)",
     {"+paths={extra: 1}"},
     {{"paths.extra", "1"}, {"paths.root", "\"/data\""}},
     {}},
    {"value overrides apply in order", {"lr=1", "lr=2"}, {{"lr", "2"}}, {}},
    {"grammar: null", {"name=null"}, {{"name", "null"}}, {}},
    {"grammar: bools are case-insensitive", {"name=TRUE"}, {{"name", "true"}}, {}},
    {"grammar: int with underscore", {"name=1_000_000"}, {{"name", "1000000"}}, {}},
    {"grammar: float exponent", {"name=1e-4"}, {{"name", "0.0001"}}, {}},
    {"grammar: inf", {"name=inf"}, {{"name", "null"}}, {}},  // JSON has no inf
    {"grammar: single-quoted string stays a string", {"name='1'"}, {{"name", "\"1\""}}, {}},
    {"grammar: double-quoted with comma", {"name=\"a,b\""}, {{"name", "\"a,b\""}}, {}},
    {"grammar: inner whitespace", {"name=hello world"}, {{"name", "\"hello world\""}}, {}},
    {"grammar: nested lists", {"tags=[1,[2,3],'x']"}, {{"tags", "[1,[2,3],\"x\"]"}}, {}},
    {"grammar: empty list", {"tags=[]"}, {{"tags", "[]"}}, {}},
    {"grammar: dict", {"+d={a: 1, b: [x, 2.5]}"}, {{"d", "{\"a\":1,\"b\":[\"x\",2.5]}"}}, {}},
    {"grammar: interpolation value", {"name=${lr}"}, {{"name", "\"${lr}\""}}, {}},
    {"grammar: empty value", {"name="}, {{"name", "\"\""}}, {}},
};

INSTANTIATE_TEST_SUITE_P(Conformance, ComposeValues, ::testing::ValuesIn(kValueCases));

struct ErrorCase {
  const char* name;
  std::vector<std::string> overrides;
  std::vector<std::string> must_contain;
  const char* primary = "config";
};

class ComposeErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ComposeErrors, NamesTheProblem) {
  const ErrorCase& c = GetParam();
  std::string error = error_of([&] { compose_with(c.overrides, c.primary); });
  for (const auto& part : c.must_contain)
    EXPECT_NE(error.find(part), std::string::npos) << c.name << ": '" << part << "' not in\n"
                                                   << error;
}

const ErrorCase kErrorCases[] = {
    {"unknown option lists the available ones",
     {"text_encoder=nope"},
     {"Could not find 'text_encoder/nope'",
      "Available options in 'text_encoder': distilkobert, qwen2_lora", "config.yaml:5"}},
    {"an optional entry still rejects a command-line typo",
     {"extra=nope"},
     {"Could not find 'extra/nope'"}},
    {"closest option is suggested", {"text_encoder=qwen2_lor"}, {"Did you mean 'qwen2_lora'?"}},
    {"override of a group not in the defaults list",
     {"pkg=ab"},
     {"Could not override 'pkg'. No match in the defaults list.", "+pkg=ab"}},
    {"override entry without an earlier group default",
     {"+experiment=dangling"},
     {"dangling", "No earlier Group Default for 'nothing'"}},
    {"override entries must come last", {"+experiment=misordered"}, {"misordered.yaml", "end"}},
    {"unknown defaults keyword",
     {"+experiment=badkeyword"},
     {"badkeyword.yaml:2", "unknown keyword 'overide'"}},
    {"same group twice", {"+experiment=twice"}, {"Multiple values for db", "override db"}},
    {"unknown package keyword", {"+pkg=badkw"}, {"badkw.yaml", "unknown package keyword '_foo_'"}},
    {"YAML syntax error names the file", {"+pkg=broken"}, {"broken.yaml:", "YAML syntax error"}},
    {"delete with non-matching option", {"~db=sqlite"}, {"Could not delete 'db=sqlite'", "mysql"}},
    {"a group choice must be a string", {"db=null"}, {"must be a string, got null", "~db"}},
    {"a dict value adds no key without +",
     {"paths={extra: 1}"},
     {"Could not override 'paths'", "+paths={extra: 1}", "paths.extra"}},
    {"struct mode: unknown key needs +",
     {"nme=x"},
     {"Could not override 'nme'", "To append to your config use +nme=x", "Did you mean 'name'?"}},
    {"append to an existing key",
     {"+lr=1"},
     {"Could not append to config. An item is already at 'lr'", "++lr=1"}},
    {"delete a missing key", {"~nokey"}, {"Could not delete from config. 'nokey' does not exist."}},
    {"delete with a different value", {"~steps=3"}, {"The value of 'steps' is 1000 and not 3"}},
    {"comma list without multirun",
     {"lr=1,2"},
     {"Ambiguous value for argument 'lr=1,2'", "--multirun"}},
    {"bad value syntax", {"tags=[1,2"}, {"tags=[1,2"}},
    {"missing primary config", {}, {"Cannot find primary config 'nope'"}, "nope"},
};

INSTANTIATE_TEST_SUITE_P(Conformance, ComposeErrors, ::testing::ValuesIn(kErrorCases));

TEST(Compose, ChoicesAndDefaultsOrder) {
  motlab::Composed composed = compose_with({"+experiment=fast"});
  EXPECT_EQ(composed.choices.at("db"), "sqlite");
  EXPECT_EQ(composed.choices.at("server"), "apache");
  EXPECT_EQ(composed.choices.at("server/site"), "blog");
  EXPECT_EQ(composed.choices.at("experiment"), "fast");
  std::vector<std::string> order;
  for (const auto& d : composed.defaults) order.push_back(d.config_path + "@" + d.package);
  // Depth-first, nested defaults before their parent's _self_; a command-line +group comes after
  // the primary config (so an appended experiment overrides the primary's values).
  std::vector<std::string> expected{"db/sqlite@db",
                                    "server/site/blog@server.site",
                                    "server/apache@server",
                                    "text_encoder/distilkobert@text_encoder",
                                    "config@",
                                    "experiment/fast@"};
  EXPECT_EQ(order, expected);
  std::string table = motlab::render_defaults(composed.defaults);
  EXPECT_NE(table.find("Config path"), std::string::npos);
  EXPECT_NE(table.find("server/site/blog"), std::string::npos);
}

TEST(Compose, SelfFirstLetsDefaultsWin) {
  motlab::Composed composed = compose_with({}, "self_first");
  EXPECT_EQ(composed.config.get<std::string>("shared"), "from_primary");  // db is under db.*
  EXPECT_EQ(composed.config.get<std::string>("db.shared"), "from_db");
  EXPECT_EQ(composed.defaults.front().config_path, "self_first");
}

TEST(Compose, MandatoryValues) {
  motlab::Composed composed = compose_with({});
  EXPECT_TRUE(composed.config["mandatory"].is_missing());
  std::string error = error_of([&] { resolved_with({}); });
  EXPECT_NE(error.find("Missing mandatory value"), std::string::npos) << error;
  EXPECT_NE(error.find("mandatory"), std::string::npos) << error;
  EXPECT_NE(error.find("config.yaml:11"), std::string::npos) << error;
  Config resolved = resolved_with({"mandatory=3"});
  EXPECT_EQ(resolved.get<int>("mandatory"), 3);
}

TEST(Interpolation, PathsConcatenationAndTypes) {
  Config c = resolved_with({"mandatory=1"});
  EXPECT_EQ(c.get<std::string>("paths.models"), "/data/models");  // absolute + text
  EXPECT_EQ(c.get<std::string>("paths.rel"), "/data/rel");        // ${.root}: sibling
  EXPECT_EQ(c.get<std::string>("paths.up"), "app");               // ${..name}: parent's
  EXPECT_EQ(c["typed"].kind(), Config::Kind::kInt);               // full value keeps type
  EXPECT_EQ(c.get<int>("typed"), 1000);
  EXPECT_EQ(c.get<std::string>("db.user"), "app");  // across packages
}

TEST(Interpolation, ResolversNestingAndSubtrees) {
  ::unsetenv("MOTLAB_TEST_UNSET_VAR");
  Config c = resolved_with({"mandatory=1", "+pkg=interp"});
  EXPECT_EQ(c.get<std::string>("nested"), "app");  // ${${keyname}}
  EXPECT_EQ(c.get<std::string>("home"), "fallback");
  EXPECT_EQ(c.get<std::string>("stamp").size(), 4u);
  EXPECT_EQ(c.get<std::string>("choice_of_db"), "mysql");
  EXPECT_EQ(c.get<int>("job"), 7);
  EXPECT_EQ(c.get<std::string>("out"), "/runs/7/x");
  EXPECT_TRUE(c["whole"].is_dict());  // a subtree, itself resolved
  EXPECT_EQ(c.get<std::string>("whole.models"), "/data/models");
  ::setenv("MOTLAB_TEST_UNSET_VAR", "set", 1);
  EXPECT_EQ(resolved_with({"mandatory=1", "+pkg=interp"}).get<std::string>("home"), "set");
  ::unsetenv("MOTLAB_TEST_UNSET_VAR");
}

TEST(Interpolation, Errors) {
  std::string cycle = error_of([] { resolved_with({"mandatory=1", "+pkg=cycle"}); });
  EXPECT_NE(cycle.find("interpolation cycle"), std::string::npos) << cycle;
  EXPECT_NE(cycle.find("cyc_a"), std::string::npos) << cycle;
  std::string resolver = error_of([] { resolved_with({"mandatory=1", "+pkg=unknown_resolver"}); });
  EXPECT_NE(resolver.find("unknown resolver 'nope'"), std::string::npos) << resolver;
  std::string missing = error_of([] { resolved_with({"mandatory=1", "name=${not_there}"}); });
  EXPECT_NE(missing.find("Interpolation key 'not_there' not found"), std::string::npos) << missing;
  EXPECT_NE(missing.find("key 'name'"), std::string::npos) << missing;
  std::string env = error_of([] {
    resolved_with({"mandatory=1", "name=${oc.env:MOTLAB_NO_SUCH_VAR}"});
  });
  EXPECT_NE(env.find("MOTLAB_NO_SUCH_VAR"), std::string::npos) << env;
}

TEST(Interpolation, EscapedDollarIsLiteral) {
  Config c = motlab::resolve(Config::from_yaml_string("a: 1\nb: '\\${a}'\n"), {});
  EXPECT_EQ(c.get<std::string>("b"), "${a}");
}

// ---- multirun ---------------------------------------------------------------------------------

std::vector<std::string> flatten(const std::vector<std::vector<std::string>>& jobs) {
  std::vector<std::string> out;
  for (const auto& job : jobs) {
    std::string line;
    for (const auto& o : job) line += (line.empty() ? "" : " ") + o;
    out.push_back(line);
  }
  return out;
}

TEST(Sweep, CartesianProductLastKeyFastest) {
  auto jobs = motlab::expand_sweep({"a=1,2", "b=x,y"}, Config(), true);
  EXPECT_EQ(flatten(jobs), (std::vector<std::string>{"a=1 b=x", "a=1 b=y", "a=2 b=x", "a=2 b=y"}));
}

TEST(Sweep, FixedOverridesKeepTheirPlace) {
  auto jobs = motlab::expand_sweep({"c=0", "a=1,2"}, Config(), true);
  EXPECT_EQ(flatten(jobs), (std::vector<std::string>{"c=0 a=1", "c=0 a=2"}));
}

TEST(Sweep, RangesForIntsAndFloats) {
  EXPECT_EQ(flatten(motlab::expand_sweep({"a=range(3)"}, Config(), true)),
            (std::vector<std::string>{"a=0", "a=1", "a=2"}));
  EXPECT_EQ(flatten(motlab::expand_sweep({"a=range(1,10,4)"}, Config(), true)),
            (std::vector<std::string>{"a=1", "a=5", "a=9"}));
  EXPECT_EQ(flatten(motlab::expand_sweep({"a=range(0,10,3.3)"}, Config(), true)),
            (std::vector<std::string>{"a=0.0", "a=3.3", "a=6.6", "a=9.9"}));
  EXPECT_EQ(flatten(motlab::expand_sweep({"a=range(5,0,-2)"}, Config(), true)),
            (std::vector<std::string>{"a=5", "a=3", "a=1"}));
  EXPECT_EQ(flatten(motlab::expand_sweep({"a=choice(x,'y,z')"}, Config(), true)),
            (std::vector<std::string>{"a=x", "a='y,z'"}));
}

TEST(Sweep, ListsAndQuotedCommasAreNotSweeps) {
  EXPECT_EQ(flatten(motlab::expand_sweep({"a=[1,2]", "b='x,y'"}, Config(), false)),
            (std::vector<std::string>{"a=[1,2] b='x,y'"}));
}

TEST(Sweep, CommaListWithoutMultirunIsAnError) {
  std::string error = error_of([] { motlab::expand_sweep({"a=1,2"}, Config(), false); });
  EXPECT_NE(error.find("--multirun"), std::string::npos) << error;
}

TEST(Sweep, ConfigParamsComeFirstAndCommandLineWins) {
  Config params = Config::from_yaml_string("lr: '0.1,0.2'\nseed: [1, 2]\n");
  EXPECT_EQ(flatten(motlab::expand_sweep({"b=x,y"}, params, true)),
            (std::vector<std::string>{"lr=0.1 seed=1 b=x", "lr=0.1 seed=1 b=y", "lr=0.1 seed=2 b=x",
                                      "lr=0.1 seed=2 b=y", "lr=0.2 seed=1 b=x", "lr=0.2 seed=1 b=y",
                                      "lr=0.2 seed=2 b=x", "lr=0.2 seed=2 b=y"}));
  EXPECT_EQ(flatten(motlab::expand_sweep({"lr=0.5"}, params, true)),
            (std::vector<std::string>{"lr=0.5 seed=1", "lr=0.5 seed=2"}));
}

TEST(Sweep, GroupSweepsCompose) {
  auto jobs = motlab::expand_sweep({"db=mysql,sqlite"}, Config(), true);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(compose_with(jobs[1]).config.get<std::string>("db.driver"), "sqlite");
}

TEST(OverrideGrammar, ParsesPrefixesAndPackages) {
  motlab::Override o = motlab::parse_override("++db@backup=sqlite");
  EXPECT_EQ(o.kind, motlab::Override::Kind::kForce);
  EXPECT_EQ(o.key, "db");
  EXPECT_EQ(o.package, "backup");
  EXPECT_EQ(o.value().as_string(), "sqlite");
  EXPECT_EQ(motlab::parse_override("~a.b").kind, motlab::Override::Kind::kDelete);
  EXPECT_THROW(motlab::parse_override("novalue"), motlab::Error);
  EXPECT_THROW(motlab::parse_override("bad key=1"), motlab::Error);
}

}  // namespace

TEST(Interpolation, KeysMayContainDots) {
  // Sweep params are written as {model.lr: "1,2"}: a key with a dot inside a mapping.
  Config c = motlab::resolve(
      Config::from_yaml_string("x: 3\nparams:\n  model.lr: '1,2'\n  other: ${x}\n"), {});
  EXPECT_EQ(c["params"].items()[0].first, "model.lr");
  EXPECT_EQ(c["params"].items()[0].second.as_string(), "1,2");
  EXPECT_EQ(c.get<int>("params.other"), 3);
}
