// Census: every registered component key has an option file on the config search path, every
// option file's _target_ is registered, and no option file sets an undeclared option or repeats
// a declared default (a default is written once, in C++). Catches a component dropped by the
// linker, a config naming a component that does not exist, and a default written twice. Plugins
// get the same check through `motlab --plugin <lib> list --check` (plugins_test).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "framework/registry/census.h"
#include "tests/support/paths.h"

TEST(Census, RegisteredKeysAndConfigOptionsMatch) {
  const motlab::ConfigSearchPath paths({motlab::test::source_dir() + "/configs"});
  const auto problems = motlab::registry_census(paths);
  for (const auto& problem : problems) ADD_FAILURE() << problem;
  int families = 0;
  for (const motlab::FamilyBase* family : motlab::all_families())
    families += !family->config_group().empty();
  EXPECT_GE(families, 8);
  EXPECT_GE(motlab::group_schemas().size(), 2u);  // trainer, data
}

TEST(Census, ARepeatedDefaultAndAnUndeclaredOptionAreFound) {
  const std::string dir = motlab::test::temp_dir("census");
  std::filesystem::create_directories(dir + "/loss");
  std::ofstream(dir + "/loss/mine.yaml") << "_target_: infonce\ntemperature: 0.1\ntemprature: 2\n";
  const auto problems = motlab::registry_census(
      motlab::ConfigSearchPath({motlab::test::source_dir() + "/configs", dir}));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("mine.yaml: sets 'temprature', which loss 'infonce' does not declare"),
            std::string::npos)
      << problems[0];
  EXPECT_NE(problems[1].find("mine.yaml: 'temperature' repeats what loss 'infonce' declares"),
            std::string::npos)
      << problems[1];
}
