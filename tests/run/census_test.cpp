// Census: every registered component key has an option file under configs/<group>/ (its stem or
// its _target_), and every option file's _target_ is registered. Catches a plugin dropped by the
// linker and a config pointing at a component that does not exist.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "framework/config/config.h"
#include "framework/registry/registry.h"
#include "tests/support/paths.h"

namespace fs = std::filesystem;

TEST(Census, RegisteredKeysAndConfigOptionsMatch) {
  const fs::path configs = fs::path(motlab::test::source_dir()) / "configs";
  int families_checked = 0;
  for (const motlab::FamilyBase* family : motlab::all_families()) {
    if (family->config_group().empty()) continue;
    ++families_checked;
    const fs::path group = configs / family->config_group();
    std::set<std::string> targets;
    if (fs::is_directory(group)) {
      for (const auto& entry : fs::directory_iterator(group)) {
        if (entry.path().extension() != ".yaml") continue;
        motlab::Config option = motlab::Config::from_yaml_file(entry.path().string());
        ASSERT_TRUE(option.has("_target_"))
            << entry.path() << " is an option of '" << family->name() << "' without _target_";
        const std::string target = option.get<std::string>("_target_");
        EXPECT_TRUE(family->contains(target))
            << entry.path() << " names _target_ '" << target << "', which no " << family->name()
            << " component registers";
        targets.insert(target);
      }
    }
    for (const auto& key : family->keys())
      EXPECT_TRUE(targets.count(key))
          << family->name() << " '" << key << "' is registered but no option file under " << group
          << " selects it";
  }
  EXPECT_GE(families_checked, 5);
}
