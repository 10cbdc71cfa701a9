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
#include "tests/support/paths.h"

using motlab::Config;

namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const motlab::Error& e) {
    return e.what();
  }
  return "<no error>";
}

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

}  // namespace
