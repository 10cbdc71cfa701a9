// The one declared flag parser (tools/motlab/command_line.h) as a user meets it through the
// binary: every flag is checked against its declaration (type, bounds, choices, repeats), errors
// name the command, the flag, the value and what was expected, and --help lists what is declared.
#include <gtest/gtest.h>

#include "framework/io/atomic_file.h"
#include "tests/support/paths.h"

namespace {
using motlab::test::motlab_executable;
using motlab::test::run_command;

// Runs `motlab <args>`; returns its exit code and leaves stdout+stderr in *out.
int motlab(const std::string& args, std::string* out) {
  return run_command(motlab_executable() + " " + args, out);
}

void expect_refused(const std::string& args, const std::string& message) {
  std::string out;
  EXPECT_EQ(motlab(args, &out), 1) << args << "\n" << out;
  EXPECT_NE(out.find(message), std::string::npos) << args << "\n" << out;
}

TEST(CliFlags, BadValuesNameTheFlagTheValueAndWhatWasExpected) {
  expect_refused("compare --precision 5abc /tmp",
                 "motlab compare: error: --precision needs an integer in [0, 10], got '5abc'");
  expect_refused("search /tmp -k 0 q", "-k needs an integer in [1, 1000], got '0'");
  expect_refused("index /tmp --batch-size 5abc",
                 "--batch-size needs an integer in [1, 65536], got '5abc'");
  expect_refused("index /tmp --splits ,",
                 "--splits needs a comma-separated list without empty items, got ','");
  expect_refused("eval --text-emb a.npy --motion-emb b.npy --protocols all,,long15",
                 "--protocols needs a comma-separated list without empty items");
  expect_refused("data translate /tmp --retries 1e300",
                 "--retries needs an integer in [0, 100], got '1e300'");
  expect_refused("data translate /tmp --backoff nan", "--backoff needs a number in [0, 3600]");
  expect_refused("hidden-states --dtype f16 --model-dir a --ids b --out c",
                 "--dtype must be one of f32, float32, bf16, bfloat16, got 'f16'");
  expect_refused("run --cfg all", "--cfg must be one of job, got 'all'");
}

TEST(CliFlags, UnknownRepeatedAndMissingAreRefused) {
  expect_refused("run --bogus", "motlab run: error: unknown flag '--bogus'");
  expect_refused("data synth --out /tmp/a --out /tmp/b",
                 "'--out' cannot be specified more than once");
  expect_refused("sweep status", "missing <sweep dir>");
  expect_refused("eval a b", "unexpected argument 'b'");
  expect_refused("data render /tmp", "missing <id>");
  expect_refused("index /tmp query", "unexpected 'query'");
  expect_refused("compare", "expected at least 1 runs");
  // Abbreviations are not guessed: --prec is not --precision.
  expect_refused("compare --prec 3 /tmp", "unknown flag '--prec'");
  // The dispatcher prefixes the command once.
  std::string out;
  motlab("run --bogus", &out);
  EXPECT_EQ(out.find("motlab run: error: motlab run:"), std::string::npos) << out;
}

TEST(CliFlags, HelpListsEveryDeclaredFlagWithItsDefault) {
  std::string out;
  ASSERT_EQ(motlab("search --help", &out), 0) << out;
  EXPECT_EQ(out.rfind("usage: motlab search [options] <run dir> [overrides ...]\n", 0), 0) << out;
  for (const char* flag :
       {"--splits", "--device", "--batch-size", "-k N", "--queries", "--motion", "--json"})
    EXPECT_NE(out.find(flag), std::string::npos) << flag << "\n" << out;
  EXPECT_NE(out.find("results per query; default 10"), std::string::npos) << out;
  ASSERT_EQ(motlab("data synth --help", &out), 0) << out;
  for (const char* text : {"--std NAME", "(group, ", "per_dim); default group", "--no-mirror"})
    EXPECT_NE(out.find(text), std::string::npos) << text << "\n" << out;
  // Help wins over everything else on the line, and runs nothing.
  ASSERT_EQ(motlab("run --bogus --help", &out), 0) << out;
  EXPECT_EQ(out.rfind("usage: motlab run", 0), 0) << out;
}

TEST(CliFlags, SpellingsUsersTypeAreAccepted) {
  std::string out;
  // --flag=value, Hydra's -cn, a short flag with its value attached.
  ASSERT_EQ(motlab("run --cfg=job -cn config experiment=demo", &out), 0) << out;
  EXPECT_NE(out.find("_target_: toy"), std::string::npos) << out;
  ASSERT_EQ(motlab("run --job-num=3 --cfg job experiment=demo", &out), 0) << out;
  expect_refused("search /nonexistent -k5 q", "'/nonexistent' is not a directory");
}

TEST(CliFlags, IndexSettingsAreCheckedAgainstTheirDeclarations) {
  // A run directory with only its resolved config: the index settings are read before anything
  // is loaded.
  const std::string run = motlab::test::temp_dir("cli_index_settings");
  motlab::write_file_atomic(run + "/config_resolved.yaml", "data:\n  root: " + run + "/data\n");
  expect_refused("search " + run + " q index.hnsw_ef_search=0",
                 "index: key 'index.hnsw_ef_search' (<command line>) must be in [1, 65536], got 0");
  expect_refused("search " + run + " q index.ivf_probe=0",
                 "key 'index.ivf_probe' (<command line>) must be in [1, 65536], got 0");
  expect_refused(
      "index " + run + " index.kind=lsh",
      "key 'index.kind' (<command line>) must be one of auto, flat, hnsw, ivf, got 'lsh'");
  expect_refused("serve " + run + " index.efsearch=3", "unknown option 'index.efsearch'");
  // The later of two values wins (the earlier, bad one is not read).
  expect_refused("search " + run + " q index.kind=lsh index.kind=flat index.ivf_probe=0",
                 "key 'index.ivf_probe'");
  expect_refused("search " + run + " q index.ivf_probe=1,2",
                 "'index.ivf_probe=1,2': expected index.<option>=<value>");
}

}  // namespace
