// The CLI's promises to a new user: every subcommand answers --help (exit 0, a usage line), and
// `motlab list <family> <key>` prints the options of every registered key.
#include <gtest/gtest.h>

#include <sstream>

#include "framework/registry/registry.h"
#include "tests/support/paths.h"

using motlab::test::run_command;

TEST(Cli, EverySubcommandAnswersHelp) {
  std::string listing;
  ASSERT_EQ(run_command(motlab::test::motlab_executable() + " --help", &listing), 0) << listing;
  std::istringstream lines(listing.substr(listing.find("commands")));
  std::string line;
  std::getline(lines, line);  // the heading
  int commands = 0;
  std::string script;
  while (std::getline(lines, line)) {
    // "  data check    validate ..." -> "data check": the words before the double space.
    const size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    const std::string name = line.substr(start, line.find("  ", start) - start);
    script += motlab::test::motlab_executable() + " " + name + " --help | grep -q '^usage: ' || " +
              "{ echo 'no usage from: " + name + "'; exit 1; }; ";
    ++commands;
  }
  EXPECT_GE(commands, 11);
  std::string out;
  EXPECT_EQ(run_command(script, &out), 0) << out;
}

TEST(Cli, ListPrintsTheOptionsOfEveryRegisteredKey) {
  std::string script;
  int keys = 0;
  for (const motlab::FamilyBase* family : motlab::all_families())
    for (const auto& key : family->keys()) {
      script += motlab::test::motlab_executable() + " list " + family->name() + " " + key +
                " | grep -qE '^  (options:|\\(no options\\))$' || { echo 'nothing for " +
                family->name() + " " + key + "'; exit 1; }; ";
      ++keys;
    }
  EXPECT_GE(keys, 38);
  std::string out;
  EXPECT_EQ(run_command(script, &out), 0) << out;
}
