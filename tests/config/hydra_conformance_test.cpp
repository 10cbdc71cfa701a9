// Hydra 1.3 conformance, our own cases for each class where motlab claims Hydra's behaviour: the
// override value grammar (escapes, quoting, whitespace, numbers, containers, keys), `~list.N`,
// `++group=...`, option files that hold a list, a dict given to a group key, and which
// `group@package` key overrides an entry that its parent placed under a package. Expected results
// were taken from running Hydra 1.3.2 (see the issue notes), written down here in our words.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "framework/config/compose.h"
#include "framework/config/overrides.h"
#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "tests/support/errors.h"
#include "tests/support/paths.h"

using motlab::Config;

namespace {

using motlab::test::error_of;

// ---- 1. the value grammar --------------------------------------------------------------------

struct ValueCase {
  const char* override_text;
  const char* json;  // the parsed value as JSON ("ERROR" = a parse error; "SWEEP" = a sweep)
};

std::string parsed(const std::string& override_text) {
  try {
    const motlab::Override o = motlab::parse_override(override_text);
    if (o.is_sweep()) return "SWEEP";
    const Config value = o.value();
    if (value.kind() == Config::Kind::kFloat && std::isnan(value.as_double())) return "nan";
    if (value.kind() == Config::Kind::kFloat && std::isinf(value.as_double()))
      return value.as_double() > 0 ? "inf" : "-inf";
    if (value.is_missing()) return "???";
    return value.to_json();
  } catch (const motlab::Error&) {
    return "ERROR";
  }
}

class OverrideGrammar : public ::testing::TestWithParam<ValueCase> {};

TEST_P(OverrideGrammar, ParsesAsHydraDoes) {
  EXPECT_EQ(parsed(GetParam().override_text), GetParam().json) << GetParam().override_text;
}

const ValueCase kGrammarCases[] = {
    // Escapes in unquoted values: only \\ \( \) \[ \] \{ \} \: \= \, \<space> \<tab>.
    {"k=a\\,b", "\"a,b\""},
    {"k=\\,", "\",\""},
    {"k=a\\ b", "\"a b\""},
    {"k=\\ ab", "\" ab\""},  // an escaped space is never trimmed
    {"k=ab\\ ", "\"ab \""},
    {"k=a \\ ", "\"a  \""},
    {"k=ab\\\t", "\"ab\\t\""},
    {"k=\\(x\\)", "\"(x)\""},
    {"k=[a\\]b]", "[\"a]b\"]"},
    {"k=\\{a\\:b\\}", "\"{a:b}\""},
    {"k=a\\=b", "\"a=b\""},
    {"k=a\\\\,b", "SWEEP"},          // \\ is one escape, then a comma
    {"k=a\\\\\\,b", "\"a\\\\,b\""},  // \\ then \,
    {"k=1\\,000", "\"1,000\""},
    {"k=\\ true", "\" true\""},  // an escape makes the value a string
    // A backslash that escapes nothing is kept.
    {"k=a\\b", "\"a\\\\b\""},
    {"k=c:\\foo\\bar", "\"c:\\\\foo\\\\bar\""},
    {"k=\\", "\"\\\\\""},
    {"k=\\1", "\"\\\\1\""},
    {"k=tru\\e", "\"tru\\\\e\""},
    {"k=\\${a}", "\"\\\\${a}\""},
    // Whitespace: unescaped whitespace at either end goes; nothing may follow a container.
    {"k=  a  b  ", "\"a  b\""},
    {"k=\ta\t", "\"a\""},
    {"k=1 ,  2,\t\t3", "SWEEP"},
    {"k=[1, a b ,  c]", "[1,\"a b\",\"c\"]"},
    {"k=[ ]", "[]"},
    {"k= [a]", "[\"a\"]"},
    {"k=[a] ", "ERROR"},
    {"k={a:1} ", "ERROR"},
    {"k=' a '  ", "ERROR"},
    {"k=  'a'", "\"a\""},
    {"a b=1", "ERROR"},
    {" a=1", "ERROR"},
    // Quoted strings: backslashes count only right before a quote of the same kind.
    {"k='a,b'", "\"a,b\""},
    {"k='foo \\'bar'", "\"foo 'bar\""},
    {"k='foo \\\"bar'", "\"foo \\\\\\\"bar\""},  // the other quote kind keeps its backslash
    {"k='foo\\\\bar'", "\"foo\\\\\\\\bar\""},    // not halved: not before a quote
    {"k='abc\\\\'", "\"abc\\\\\""},              // 2 before the closing quote become 1
    {"k='a\\\\\\'b'", "\"a\\\\'b\""},            // 3 before an inner quote: 1 and the quote
    {"k='100'", "\"100\""},
    {"k='abc\\'", "ERROR"},
    {"k=x'y'z", "ERROR"},
    {"k='a' 'b'", "ERROR"},
    // Numbers.
    {"k=1_000", "1000"},
    {"k=1__0", "\"1__0\""},
    {"k=_1", "\"_1\""},
    {"k=1_", "\"1_\""},
    {"k=0_1", "\"0_1\""},
    {"k=01", "\"01\""},
    {"k=01.5", "\"01.5\""},
    {"k=-0", "0"},
    {"k=+1", "1"},
    {"k=1.", "1.0"},
    {"k=.5", "0.5"},
    {"k=1e3", "1000.0"},
    {"k=3.1_4", "3.14"},
    {"k=1_0.5", "10.5"},
    {"k=1e1_0", "10000000000.0"},
    {"k=-1__0", "\"-1__0\""},
    {"k=1_.5", "\"1_.5\""},
    {"k=1._0", "\"1._0\""},
    {"k=1___0___", "\"1___0___\""},
    {"k=1__000", "\"1__000\""},
    {"k=yes", "\"yes\""},
    {"k=010", "\"010\""},
    {"k=0x10", "\"0x10\""},
    {"k=1e", "\"1e\""},
    {"k=inf", "inf"},
    {"k=-inf", "-inf"},
    {"k=-nan", "nan"},
    {"k=.inf", "\".inf\""},  // the YAML spelling is a string here
    {"k=99999999999999999999", "ERROR"},
    // Keywords and other characters.
    {"k=TrUe", "true"},
    {"k=NULL", "null"},
    {"k=yes", "\"yes\""},
    {"k=~", "ERROR"},
    {"k=???", "???"},
    {"k=${oc.env:HOME,/tmp}", "\"${oc.env:HOME,/tmp}\""},
    {"k=x${a}y", "\"x${a}y\""},
    {"k=a:b", "\"a:b\""},
    {"k=a=b", "ERROR"},
    {"k=a#b", "ERROR"},
    {"k=(a)", "ERROR"},
    // Dicts, lists and dict keys.
    {"k={a: 1 , b : 2}", "{\"a\":1,\"b\":2}"},
    {"k={a:b:c}", "{\"a\":\"b:c\"}"},
    {"k={a:1,a:2}", "{\"a\":2}"},  // the last value wins
    {"k={a\\,b: 1}", "{\"a,b\":1}"},
    {"k={a\\:b: 1}", "{\"a:b\":1}"},
    {"k={\\ a: 1}", "{\" a\":1}"},
    {"k={'a': 1}", "ERROR"},
    {"k={a:}", "ERROR"},
    {"k={a=b: 1}", "ERROR"},
    {"k=[,]", "ERROR"},
    {"k=[1,]", "ERROR"},
    {"k=a,", "ERROR"},
    {"k=a,,b", "ERROR"},
    {"k=[[]]", "[[]]"},
    // Keys.
    {"a.0=1", "1"},
    {"$a=1", "1"},
    {"a/b/c=1", "1"},
    {"0=1", "ERROR"},
    {"a..b=1", "ERROR"},
    {".a=1", "ERROR"},
    {"a@b@c=x", "ERROR"},
    {"k=", "\"\""},
};

INSTANTIATE_TEST_SUITE_P(Hydra, OverrideGrammar, ::testing::ValuesIn(kGrammarCases));

TEST(OverrideGrammar, AnEmptyPackageIsNotNoPackage) {
  EXPECT_FALSE(motlab::parse_override("db=x").has_package);
  EXPECT_TRUE(motlab::parse_override("db@=x").has_package);
  EXPECT_EQ(motlab::parse_override("db@=x").key_text(), "db@");
  EXPECT_EQ(motlab::parse_override("a/b@a.pkg=x").key_text(), "a/b@a.pkg");
}

TEST(OverrideGrammar, SweepElementsKeepTheirText) {
  EXPECT_EQ(motlab::parse_override("k='a,b', c\\ d ,[1,2]").sweep_values(),
            (std::vector<std::string>{"'a,b'", "c\\ d", "[1,2]"}));
  EXPECT_EQ(motlab::parse_override("k=choice(x, 'y z')").sweep_values(),
            (std::vector<std::string>{"x", "'y z'"}));
}

// ---- 2-5: composition ------------------------------------------------------------------------

// A config tree written for one case: {relative path -> content}.
std::string tree(const std::string& name, const std::map<std::string, std::string>& files) {
  const std::string dir = motlab::test::temp_dir("hydra_" + name);
  for (const auto& [path, content] : files) {
    std::filesystem::create_directories(std::filesystem::path(dir + "/" + path).parent_path());
    motlab::write_file_atomic(dir + "/" + path, content);
  }
  return dir;
}

motlab::Composed compose_in(const std::string& dir, const std::vector<std::string>& overrides) {
  motlab::ComposeRequest request;
  request.config_dir = dir;
  request.overrides = overrides;
  return motlab::compose(request);
}

std::string composed_json(const std::string& dir, const std::vector<std::string>& overrides) {
  try {
    return compose_in(dir, overrides).config.to_json();
  } catch (const motlab::Error& e) {
    return std::string("ERROR: ") + e.what();
  }
}

TEST(HydraDelete, AListItemByIndexAndPythonEquality) {
  const std::string dir =
      tree("delete", {{"config.yaml", "x: [1, 2, 3]\ny: {a: [10, 20], b: 1}\nz: 5\n"}});
  EXPECT_EQ(composed_json(dir, {"~x.0"}), "{\"x\":[2,3],\"y\":{\"a\":[10,20],\"b\":1},\"z\":5}");
  EXPECT_EQ(composed_json(dir, {"~x.1=2"}), "{\"x\":[1,3],\"y\":{\"a\":[10,20],\"b\":1},\"z\":5}");
  EXPECT_EQ(composed_json(dir, {"~y.a.0"}), "{\"x\":[1,2,3],\"y\":{\"a\":[20],\"b\":1},\"z\":5}");
  EXPECT_NE(composed_json(dir, {"~x.1=3"}).find("The value of 'x.1' is 2 and not 3."),
            std::string::npos);
  EXPECT_NE(composed_json(dir, {"~x.5"}).find("'x.5' does not exist"), std::string::npos);
  EXPECT_EQ(composed_json(dir, {"~z=5.0"}), "{\"x\":[1,2,3],\"y\":{\"a\":[10,20],\"b\":1}}");
  EXPECT_EQ(composed_json(dir, {"~y={b: 1, a: [10,20]}"}), "{\"x\":[1,2,3],\"z\":5}");
  EXPECT_NE(composed_json(dir, {"~z='5'"}).find("is 5 and not 5"), std::string::npos);
}

TEST(HydraGroups, ForceAddAndNonStringChoicesAreErrors) {
  const std::string dir =
      tree("groups", {{"config.yaml", "defaults:\n  - db: mysql\n  - _self_\nk: 1\n"},
                      {"db/mysql.yaml", "host: m\n"},
                      {"db/pg.yaml", "host: p\n"}});
  EXPECT_NE(composed_json(dir, {"++db=pg"})
                .find("force-add of config groups is not supported: '++db=pg'"),
            std::string::npos);
  EXPECT_NE(composed_json(dir, {"db=null"}).find("must be a string, got null"), std::string::npos);
  EXPECT_NE(composed_json(dir, {"db=1"}).find("quote an option named like a number: db='1'"),
            std::string::npos);
  EXPECT_EQ(composed_json(dir, {"++k=2"}), "{\"db\":{\"host\":\"m\"},\"k\":2}");
  // A deleted group leaves runtime.choices.
  motlab::Composed deleted = compose_in(dir, {"~db"});
  EXPECT_EQ(deleted.config.to_json(), "{\"k\":1}");
  EXPECT_EQ(deleted.choices.count("db"), 0u);
  EXPECT_NE(composed_json(dir, {"~db=pg"}).find("Could not delete 'db=pg'"), std::string::npos);
}

TEST(HydraListOptions, AListFileIsTheValueAtItsPackage) {
  const std::string dir = tree("lists", {{"config.yaml", "defaults:\n  - db: lst\n  - _self_\n"},
                                         {"db/lst.yaml", "[1, 2]\n"},
                                         {"db/lst2.yaml", "[3]\n"},
                                         {"db/a.yaml", "host: a\n"},
                                         {"db/glob.yaml", "# @package _global_\n[1]\n"},
                                         {"list_primary.yaml", "[1]\n"}});
  EXPECT_EQ(composed_json(dir, {}), "{\"db\":[1,2]}");
  EXPECT_EQ(composed_json(dir, {"db=a"}), "{\"db\":{\"host\":\"a\"}}");
  EXPECT_EQ(composed_json(dir, {"+db@db2=lst2"}), "{\"db\":[1,2],\"db2\":[3]}");
  EXPECT_EQ(composed_json(dir, {"db.0=5"}), "{\"db\":[5,2]}");
  EXPECT_NE(composed_json(dir, {"db=glob"}).find("needs a package"), std::string::npos);
  motlab::ComposeRequest primary;
  primary.config_dir = dir;
  primary.primary = "list_primary";
  EXPECT_NE(error_of([&] {
              motlab::compose(primary);
            }).find("the primary config must hold a mapping, got list"),
            std::string::npos);
}

TEST(HydraDictValues, ADictGivenToAGroupKeyMergesAsAValue) {
  const std::string dir =
      tree("dicts", {{"config.yaml", "defaults:\n  - db: mysql\n  - _self_\nk: 1\n"},
                     {"db/mysql.yaml", "host: m\nport: 3306\nopts: {a: 1}\nlst: [1, 2]\n"},
                     {"db/pg.yaml", "host: p\n"}});
  motlab::Composed merged = compose_in(dir, {"db={host: z}"});
  EXPECT_EQ(merged.config.get<std::string>("db.host"), "z");
  EXPECT_EQ(merged.config.get<int64_t>("db.port"), 3306);
  EXPECT_EQ(merged.choices.at("db"), "mysql");
  EXPECT_EQ(compose_in(dir, {"db={opts: {a: 5}}"}).config.get<int64_t>("db.opts.a"), 5);
  EXPECT_EQ(compose_in(dir, {"db={lst: [9]}"}).config["db.lst"].to_json(), "[9]");
  EXPECT_NE(composed_json(dir, {"db={newkey: 1}"})
                .find("Could not override 'db'.\nTo append to your config use +db={newkey: 1}"),
            std::string::npos);
  EXPECT_EQ(compose_in(dir, {"+db={newkey: 1}"}).config.get<int64_t>("db.newkey"), 1);
  // Dict overrides run after composition, wherever they stand.
  EXPECT_EQ(composed_json(dir, {"db={host: z}", "db=pg"}), "{\"db\":{\"host\":\"z\"},\"k\":1}");
  EXPECT_NE(composed_json(dir, {"db@pkg={a: 1}"})
                .find("looks like a config group override, but config group 'db' does not exist"),
            std::string::npos);
  EXPECT_NE(composed_json(dir, {"db={lst: {a: 1}}"}).find("cannot merge a dict into the list"),
            std::string::npos);
}

TEST(HydraPackages, AnEntryIsOverriddenByTheKeyOfItsFinalPackage) {
  const std::string dir =
      tree("packages", {{"config.yaml", "defaults:\n  - a: x\n  - _self_\n"},
                        {"a/x.yaml", "defaults:\n  - b@pkg: y\n  - /c: y\n  - _self_\n"},
                        {"a/b/y.yaml", "v: y\n"},
                        {"a/b/z.yaml", "v: z\n"},
                        {"c/y.yaml", "v: cy\n"},
                        {"c/z.yaml", "v: cz\n"},
                        {"foo.yaml", "defaults:\n  - a@foo: x\n  - _self_\n"}});
  motlab::Composed base = compose_in(dir, {});
  EXPECT_EQ(base.config.to_json(), "{\"a\":{\"pkg\":{\"v\":\"y\"},\"c\":{\"v\":\"cy\"}}}");
  EXPECT_EQ(base.choices.at("a/b@a.pkg"), "y");
  EXPECT_EQ(base.choices.at("c@a.c"), "y");
  EXPECT_EQ(composed_json(dir, {"a/b@a.pkg=z"}),
            "{\"a\":{\"pkg\":{\"v\":\"z\"},\"c\":{\"v\":\"cy\"}}}");
  EXPECT_EQ(composed_json(dir, {"c@a.c=z"}),
            "{\"a\":{\"pkg\":{\"v\":\"y\"},\"c\":{\"v\":\"cz\"}}}");
  const std::string wrong = composed_json(dir, {"a/b@pkg=z"});
  EXPECT_NE(wrong.find("Could not override 'a/b@pkg'.\nDid you mean to override a/b@a.pkg?"),
            std::string::npos)
      << wrong;
  EXPECT_NE(composed_json(dir, {"c=z"}).find("Did you mean to override c@a.c?"), std::string::npos);
  // The parent's own package counts: under a@foo, b@pkg is a/b@foo.pkg.
  motlab::ComposeRequest under_foo;
  under_foo.config_dir = dir;
  under_foo.primary = "foo";
  EXPECT_EQ(motlab::compose(under_foo).choices.count("a/b@foo.pkg"), 1u);
}

// ---- 6. YAML scalars in config files ---------------------------------------------------------
// Hydra reads config files with OmegaConf's YAML loader: PyYAML's YAML 1.1 resolvers (so `yes`,
// `on`, hex, binary, octal, base-60 and several underscores in a row are typed) plus OmegaConf's
// float form without a dot (1e3), and no timestamps. Expected values: OmegaConf 2.2.2 (Hydra
// 1.3.2's) loading `k: <text>`.

struct YamlCase {
  const char* text;
  const char* json;  // "ERROR" = a load error
};

std::string yaml_value(const std::string& text) {
  try {
    const Config value = Config::from_yaml_string("k: " + text + "\n")["k"];
    if (value.kind() == Config::Kind::kFloat) {
      const double d = value.as_double();
      if (std::isnan(d)) return "nan";
      if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    }
    return value.to_json();
  } catch (const motlab::Error&) {
    return "ERROR";
  }
}

class YamlScalars : public ::testing::TestWithParam<YamlCase> {};

TEST_P(YamlScalars, AreTypedAsHydraReadsConfigFiles) {
  EXPECT_EQ(yaml_value(GetParam().text), GetParam().json) << GetParam().text;
}

const YamlCase kYamlCases[] = {
    // Ints: several underscores in a row, and trailing ones, are YAML 1.1 ints.
    {"1__000", "1000"},
    {"1_000", "1000"},
    {"1_000_", "1000"},
    {"_1000", "\"_1000\""},
    {"+1__0", "10"},
    {"-1__0", "-10"},
    {"3_", "3"},
    {"0_0", "0"},
    {"0__0", "0"},
    {"0x1_0", "16"},
    {"0x_10", "16"},
    {"0x1F", "31"},
    {"-0x1F", "-31"},
    {"0x", "\"0x\""},
    {"0b1_0", "2"},
    {"0b_1", "1"},
    {"+0b11", "3"},
    {"-0b1", "-1"},
    {"0b_", "ERROR"},
    {"0o17", "\"0o17\""},
    {"0_1", "1"},
    {"00", "0"},
    {"010", "8"},
    {"08", "\"08\""},
    {"1:30", "90"},
    {"-1:30", "-90"},
    {"190:20:30", "685230"},
    {"1:5", "65"},
    {"1:05", "65"},
    {"1:60", "\"1:60\""},
    {"01:30", "\"01:30\""},
    {"1_0:3_0", "\"1_0:3_0\""},
    {"1:3_0", "\"1:3_0\""},
    {"-0", "0"},
    {"+0", "0"},
    {"9223372036854775807", "9223372036854775807"},
    {"-9223372036854775808", "-9223372036854775808"},
    {"9223372036854775808", "ERROR"},
    {"0xFFFFFFFFFFFFFFFFF", "ERROR"},
    // Floats.
    {"1__0.5", "10.5"},
    {"1_0.5", "10.5"},
    {"1.0_0", "1.0"},
    {"0.1_", "0.1"},
    {"1_.5", "1.5"},
    {".5_0", "0.5"},
    {"1_000.0_1", "1000.01"},
    {"1e3", "1000.0"},
    {"1E3", "1000.0"},
    {"1.e3", "1000.0"},
    {"1e+3", "1000.0"},
    {"12e03", "12000.0"},
    {"-1e-3", "-0.001"},
    {"1.5E-2", "0.015"},
    {".5", "0.5"},
    {".1e+1", "1.0"},
    {".1e1", "\".1e1\""},
    {"+.5", "\"+.5\""},
    {"-.5e3", "\"-.5e3\""},
    {"1.", "1.0"},
    {"3.", "3.0"},
    {"0.", "0.0"},
    {"1e1_0", "\"1e1_0\""},
    {"1_0e1_0", "\"1_0e1_0\""},
    {"1_000_000.5e+1_0", "\"1_000_000.5e+1_0\""},
    {"1:30.5", "90.5"},
    {"1:30.", "90.0"},
    {"12.5:1", "\"12.5:1\""},
    {"0.5:1", "\"0.5:1\""},
    {".inf", "inf"},
    {"-.inf", "-inf"},
    {".NaN", "nan"},
    {"inf", "\"inf\""},
    {"nan", "\"nan\""},
    // Booleans and null.
    {"yes", "true"},
    {"no", "false"},
    {"on", "true"},
    {"off", "false"},
    {"Yes", "true"},
    {"TRUE", "true"},
    {"True", "true"},
    {"False", "false"},
    {"y", "\"y\""},
    {"n", "\"n\""},
    {"~", "null"},
    {"null", "null"},
    {"Null", "null"},
    {"NULL", "null"},
    // Not numbers.
    {"1,000", "\"1,000\""},
    {"1 000", "\"1 000\""},
    {"2001-12-14", "\"2001-12-14\""},
};

INSTANTIATE_TEST_SUITE_P(Hydra, YamlScalars, ::testing::ValuesIn(kYamlCases));

TEST(YamlScalars, StringsThatWouldReadBackTypedAreQuotedWhenWritten) {
  for (const char* text : {"yes", "off", "0x1F", "010", "1:30", "1__000", "1_000_", ".5", "1e3"}) {
    const Config written = Config::dict({{"k", Config::string(text)}});
    const Config back = Config::from_yaml_string(written.to_yaml());
    EXPECT_EQ(back["k"].kind(), Config::Kind::kString) << text << "\n" << written.to_yaml();
    EXPECT_EQ(back.get<std::string>("k"), text);
  }
  // Python's repr of whole floats below 1e16 (Hydra renders sweep values with str()).
  EXPECT_EQ(Config::floating(1e15).scalar_text(), "1000000000000000.0");
  EXPECT_EQ(Config::floating(1e16).scalar_text(), "1e+16");
  EXPECT_EQ(Config::floating(1e-5).scalar_text(), "1e-05");
}

TEST(YamlScalars, OcSelectDefaultsFollowTheInterpolationGrammar) {
  // OmegaConf types ${oc.select:missing,<default>} with its grammar, not YAML's rules.
  const std::string dir = tree("select_default", {{"config.yaml",
                                                   "a: ${oc.select:zz,1__0}\n"
                                                   "b: ${oc.select:zz,1_0}\n"
                                                   "c: ${oc.select:zz,yes}\n"
                                                   "d: ${oc.select:zz,010}\n"
                                                   "e: ${oc.select:zz,1e3}\n"}});
  const Config resolved = motlab::resolve(compose_in(dir, {}).config, motlab::RuntimeInfo{});
  EXPECT_EQ(resolved.to_json(),
            "{\"a\":\"1__0\",\"b\":10,\"c\":\"yes\",\"d\":\"010\",\"e\":1000.0}");
}

// ---- 7. a group's choice and deletion --------------------------------------------------------
// Hydra keeps choices and deletions apart: order does not matter and a deletion wins (expected
// results: Hydra 1.3.2's compose on the same tree).

TEST(HydraGroupDeletion, ADeletionWinsWhateverItsPlace) {
  const std::string dir =
      tree("deletion", {{"config.yaml", "defaults:\n  - db: mysql\n  - _self_\nx: 1\n"},
                        {"db/mysql.yaml", "driver: mysql\nport: 3306\n"},
                        {"db/postgresql.yaml", "driver: postgresql\nport: 5432\n"}});
  const std::string only_x = "{\"x\":1}";
  const std::string dict_x = "{\"x\":1,\"db\":{\"driver\":\"x\"}}";
  EXPECT_EQ(composed_json(dir, {"~db", "+db={driver: x}"}), dict_x);
  EXPECT_EQ(composed_json(dir, {"+db={driver: x}", "~db"}), dict_x);
  EXPECT_EQ(composed_json(dir, {"~db", "++db={driver: x}"}), dict_x);
  EXPECT_EQ(composed_json(dir, {"~db", "+db.driver=x"}), dict_x);
  EXPECT_EQ(composed_json(dir, {"+db={driver: x}"}),
            "{\"db\":{\"driver\":\"x\",\"port\":3306},\"x\":1}");
  EXPECT_NE(composed_json(dir, {"~db", "db={driver: x}"}).find("Could not override 'db'"),
            std::string::npos);
  EXPECT_EQ(composed_json(dir, {"~db", "db=postgresql"}), only_x);
  EXPECT_EQ(composed_json(dir, {"db=postgresql", "~db"}), only_x);
  EXPECT_EQ(composed_json(dir, {"~db", "+db=postgresql"}), only_x);
  EXPECT_EQ(composed_json(dir, {"db=postgresql", "~db=postgresql"}), only_x);
  EXPECT_EQ(composed_json(dir, {"~db=postgresql", "db=postgresql"}), only_x);
  EXPECT_NE(composed_json(dir, {"~db=mysql", "db=postgresql"}).find("Could not delete 'db=mysql'"),
            std::string::npos);
  EXPECT_NE(composed_json(dir, {"db=postgresql", "~db=mysql"}).find("Could not delete 'db=mysql'"),
            std::string::npos);
  EXPECT_NE(composed_json(dir, {"+db=postgresql"})
                .find("Multiple values for db. To override a value use 'override db: postgresql'"),
            std::string::npos);
  EXPECT_EQ(composed_json(dir, {"+db@other=postgresql", "~db"}),
            "{\"x\":1,\"other\":{\"driver\":\"postgresql\",\"port\":5432}}");
  EXPECT_EQ(compose_in(dir, {"~db", "db=postgresql"}).choices.count("db"), 0u);
}

// ---- 8. multirun ----------------------------------------------------------------------------
// Hydra's BasicSweeper: the jobs of each sweep form, in order (expected: Hydra 1.3.2's
// BasicSweeper.split_arguments). Each job's override is compared by the value it sets.

std::vector<std::string> job_values(const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  for (const auto& job : motlab::expand_sweep(overrides, Config(), /*multirun=*/true)) {
    std::string line;
    for (const auto& text : job) {
      const motlab::Override o = motlab::parse_override(text);
      line += (line.empty() ? "" : " ") + o.key_text() + "=" +
              (o.has_value ? o.value().to_json() : std::string("<deleted>"));
    }
    out.push_back(line);
  }
  return out;
}

using Jobs = std::vector<std::string>;

TEST(HydraSweeps, EverySweepFormGivesHydrasJobs) {
  EXPECT_EQ(job_values({"a=1,2"}), (Jobs{"a=1", "a=2"}));
  EXPECT_EQ(job_values({"a=1, 2"}), (Jobs{"a=1", "a=2"}));
  EXPECT_EQ(job_values({"a=1 ,2"}), (Jobs{"a=1", "a=2"}));
  EXPECT_EQ(job_values({"a=range(1,4)"}), (Jobs{"a=1", "a=2", "a=3"}));
  EXPECT_EQ(job_values({"a=range(3)"}), (Jobs{"a=0", "a=1", "a=2"}));
  EXPECT_EQ(job_values({"a=range(5,1,-2)"}), (Jobs{"a=5", "a=3"}));
  EXPECT_EQ(job_values({"a=range(0,1,0.25)"}), (Jobs{"a=0.0", "a=0.25", "a=0.5", "a=0.75"}));
  EXPECT_EQ(job_values({"a=range(0.5,2)"}), (Jobs{"a=0.5", "a=1.5"}));
  EXPECT_EQ(job_values({"a=range(10.0,5.0,-2)"}), (Jobs{"a=10.0", "a=8.0", "a=6.0"}));
  EXPECT_EQ(job_values({"a=range(1,1)"}), Jobs{});
  EXPECT_EQ(job_values({"a=range(1,5,-1)"}), Jobs{});
  EXPECT_EQ(job_values({"a=choice(a,b)"}), (Jobs{"a=\"a\"", "a=\"b\""}));
  EXPECT_EQ(job_values({"a=choice([1,2],[3])"}), (Jobs{"a=[1,2]", "a=[3]"}));
  EXPECT_EQ(job_values({"a=choice(1)"}), (Jobs{"a=1"}));
  EXPECT_EQ(job_values({"a='a,b',c"}), (Jobs{"a=\"a,b\"", "a=\"c\""}));
  EXPECT_EQ(job_values({"a='x y',\"z\""}), (Jobs{"a=\"x y\"", "a=\"z\""}));
  EXPECT_EQ(job_values({"a=[1,2]"}), (Jobs{"a=[1,2]"}));
  EXPECT_EQ(job_values({"a=[1,2],[3]"}), (Jobs{"a=[1,2]", "a=[3]"}));
  EXPECT_EQ(job_values({"a={x:1},{y:2}"}), (Jobs{"a={\"x\":1}", "a={\"y\":2}"}));
  EXPECT_EQ(job_values({"a=1.0,2.50"}), (Jobs{"a=1.0", "a=2.5"}));
  EXPECT_EQ(job_values({"a=1e3,1_000"}), (Jobs{"a=1000.0", "a=1000"}));
  EXPECT_EQ(job_values({"a=1,2", "b=x,y"}),
            (Jobs{"a=1 b=\"x\"", "a=1 b=\"y\"", "a=2 b=\"x\"", "a=2 b=\"y\""}));
  EXPECT_EQ(job_values({"c=3", "a=1,2", "b=x,y"}),
            (Jobs{"c=3 a=1 b=\"x\"", "c=3 a=1 b=\"y\"", "c=3 a=2 b=\"x\"", "c=3 a=2 b=\"y\""}));
  EXPECT_EQ(job_values({"a=1,2", "a=3"}), (Jobs{"a=3"}));
  EXPECT_EQ(job_values({"a=1,2", "b=3", "a=4,5"}), (Jobs{"a=4 b=3", "a=5 b=3"}));
  EXPECT_EQ(job_values({"db=mysql,postgresql"}), (Jobs{"db=\"mysql\"", "db=\"postgresql\""}));
  EXPECT_EQ(job_values({"+a=1,2", "~c", "++d=x,y"}),
            (Jobs{"a=1 c=<deleted> d=\"x\"", "a=1 c=<deleted> d=\"y\"", "a=2 c=<deleted> d=\"x\"",
                  "a=2 c=<deleted> d=\"y\""}));
}

// Hydra's FloatRange sums Python decimals rounded to 28 digits: its values, binary noise and
// all, and whether the stop value is reached (str() of each value, as Hydra 1.3.2 gives them).
TEST(HydraSweeps, FloatRangesStepAsHydrasFloatRange) {
  auto range = [](const std::string& arguments) {
    return motlab::parse_override("a=range(" + arguments + ")").sweep_values();
  };
  EXPECT_EQ(range("0,0.1,0.1"), (Jobs{"0.0", "0.1"}));
  EXPECT_EQ(range("0,0.4,0.1"), (Jobs{"0.0", "0.1", "0.2", "0.3", "0.4"}));
  EXPECT_EQ(range("0,0.6,0.3"), (Jobs{"0.0", "0.3", "0.6"}));
  EXPECT_EQ(range("0,0.3,0.1"), (Jobs{"0.0", "0.1", "0.2"}));
  EXPECT_EQ(range("0,1,0.1"), (Jobs{"0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6",
                                    "0.7000000000000001", "0.8", "0.9"}));
  EXPECT_EQ(range("0.1,0.5,0.1"), (Jobs{"0.1", "0.2", "0.30000000000000004", "0.4"}));
  EXPECT_EQ(range("1,0,-0.1"),
            (Jobs{"1.0", "0.9", "0.8", "0.7", "0.6", "0.5", "0.39999999999999997", "0.3",
                  "0.19999999999999996", "0.09999999999999995"}));
  EXPECT_EQ(range("0,1e-13,1e-14"), (Jobs{"0.0", "1e-14", "2e-14", "3e-14", "4e-14", "5e-14",
                                          "6e-14", "7e-14", "8e-14", "9e-14", "1e-13"}));
  EXPECT_EQ(range("1,2,0.3"), (Jobs{"1.0", "1.3", "1.6", "1.9"}));
  EXPECT_EQ(range("-1,1,0.35"),
            (Jobs{"-1.0", "-0.65", "-0.30000000000000004", "0.04999999999999993",
                  "0.3999999999999999", "0.7499999999999999"}));
  EXPECT_EQ(range("1e15,2e15,2.5e14"), (Jobs{"1000000000000000.0", "1250000000000000.0",
                                             "1500000000000000.0", "1750000000000000.0"}));
  EXPECT_EQ(range("0,3.0"), (Jobs{"0.0", "1.0", "2.0"}));
  EXPECT_NE(error_of([&] { range("0,inf"); }).find("must be finite"), std::string::npos);
}

// A user's own primary config that selects no launcher: `-m` runs its jobs with launcher=local,
// one at a time (Hydra's basic launcher), in product order, each composing its own group option.
TEST(HydraSweeps, AMultirunWithoutALauncherRunsLocally) {
  const std::string dir =
      tree("no_launcher", {{"conf/config.yaml", "defaults:\n  - db: mysql\n  - _self_\nx: 1\n"},
                           {"conf/db/mysql.yaml", "driver: mysql\n"},
                           {"conf/task/toy.yaml", "_target_: toy\na: 0\n"},
                           {"conf/db/postgresql.yaml", "driver: postgresql\n"}});
  std::string output;
  const int rc = motlab::test::run_command(
      "cd " + dir + " && " + motlab::test::motlab_executable() + " run -m --config-dir " + dir +
          "/conf +task=toy 'task.a=range(1,3)' db=mysql,postgresql +sweep.dir=" + dir + "/sweep",
      &output);
  ASSERT_EQ(rc, 0) << output;
  EXPECT_NE(output.find("the config selects no launcher: launcher=local"), std::string::npos)
      << output;
  const std::string sweep = dir + "/sweep";
  const Config multirun = Config::from_yaml_file(sweep + "/multirun.yaml");
  EXPECT_EQ(multirun.get<std::string>("launcher._target_"), "local");
  EXPECT_EQ(multirun.get<int64_t>("launcher.jobs"), 1);
  const std::vector<std::pair<int64_t, std::string>> expected{
      {1, "mysql"}, {1, "postgresql"}, {2, "mysql"}, {2, "postgresql"}};
  ASSERT_EQ(multirun["jobs"].size(), expected.size());
  for (size_t k = 0; k < expected.size(); ++k) {
    const Config job =
        Config::from_yaml_file(sweep + "/" + std::to_string(k) + "/config_resolved.yaml");
    EXPECT_EQ(job.get<int64_t>("task.a"), expected[k].first) << k;
    EXPECT_EQ(job.get<std::string>("db.driver"), expected[k].second) << k;
    EXPECT_EQ(multirun["jobs"].at(k).get<std::string>("status"), "ok") << k;
  }
}

}  // namespace
