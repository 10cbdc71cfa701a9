// motlab list [family [key]] | motlab list --check
#include <iostream>

#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/registry/census.h"
#include "framework/registry/plugins.h"
#include "framework/registry/registry.h"
#include "framework/run/runner.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

ConfigSearchPath search_path() {
  std::vector<std::string> dirs{default_config_dir()};
  for (const auto& dir : extra_config_folders()) dirs.push_back(dir);
  return ConfigSearchPath(dirs);
}

std::string pad(const std::string& text, size_t width) {
  return text + std::string(text.size() < width ? width - text.size() : 1, ' ');
}

void print_family(const FamilyBase& family) {
  std::cout << family.name() << "  (configs/" << family.config_group() << ")  " << family.help()
            << "\n";
  for (const auto& key : family.keys()) {
    const std::string& origin = family.origin_of(key);
    std::cout << "  " << pad(key, 20) << family.help_of(key)
              << (origin == "built-in" ? "" : "  [plugin " + origin + "]") << "\n";
  }
}

int list_command(CommandLine& cl) {
  std::string family_name, key;
  bool check = false;
  cl.describe(
        "  motlab list                 every family, its keys and where each comes from\n"
        "  motlab list <family>        one family's keys\n"
        "  motlab list <family> <key>  a component's options: type, default, help, option files\n"
        "  motlab list --check         the census: registered keys and option files agree\n"
        "  Plugins (--plugin, MOTLAB_PLUGIN_PATH) and config folders (--config-path,\n"
        "  MOTLAB_CONFIG_PATH) count like built-in ones.")
      .positional("family", &family_name, "a component family or an option group", false)
      .positional("key", &key, "one of the family's keys", false)
      .flag("check", &check, "the census of registered keys and option files")
      .parse();
  std::vector<std::string> args;
  if (!family_name.empty()) args.push_back(family_name);
  if (!key.empty()) args.push_back(key);
  if (check) {
    MOTLAB_CHECK(args.empty(), "motlab list --check takes no further arguments");
    const ConfigSearchPath paths = search_path();
    const auto problems = registry_census(paths);
    for (const auto& p : problems) std::cout << p << "\n";
    size_t keys = 0;
    for (const FamilyBase* family : all_families()) keys += family->keys().size();
    std::cout << "census: " << keys << " registered keys, " << paths.all_options().size()
              << " config files in " << join_names(paths.dirs())
              << (paths.experiments_dir().empty() ? "" : ", " + paths.experiments_dir()) << ": "
              << problems.size() << " problem(s)\n";
    return problems.empty() ? 0 : 1;
  }
  if (args.empty()) {
    for (const FamilyBase* family : all_families()) print_family(*family);
    for (const auto& group : group_schemas())
      std::cout << group.group << "  (configs/" << group.group << ", no components)  " << group.help
                << "\n";
    for (const auto& plugin : loaded_plugins())
      std::cout << "plugin " << plugin.name << ": " << plugin.file
                << (plugin.config_dir.empty() ? "" : " (configs: " + plugin.config_dir + ")")
                << "\n";
    return 0;
  }
  std::vector<std::string> names;
  for (const FamilyBase* family : all_families()) names.push_back(family->name());
  for (const auto& group : group_schemas()) names.push_back(group.group);
  const FamilyBase* family = find_family(args[0]);
  if (!family) {
    if (const OptionSchema* schema = find_group_schema(args[0])) {
      MOTLAB_CHECK(args.size() == 1, "motlab list: '", args[0], "' has options, not keys");
      std::cout << args[0] << " options:\n" << schema->describe();
      return 0;
    }
    const std::string closest = closest_match(args[0], names);
    MOTLAB_FAIL("unknown family '", args[0], "'",
                closest.empty() ? "" : " (did you mean '" + closest + "'?)",
                "; families and option groups: ", join_names(names));
  }
  if (args.size() == 1) {
    print_family(*family);
    return 0;
  }
  if (!family->contains(key)) family->fail_unknown(key, "motlab list");
  std::cout << family->name() << " '" << key << "': " << family->help_of(key) << "\n"
            << "  from: " << family->origin_of(key) << "\n";
  for (const auto& file : option_files_for(search_path(), *family, key))
    std::cout << "  option file: " << file << "\n";
  const OptionSchema& schema = family->schema_of(key);
  if (schema.declarations().empty())
    std::cout << "  (no options)\n";
  else
    std::cout << "  options:\n" << schema.describe("    ");
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("list", "component families, their keys, options and origins; --check: census",
               motlab::cli::list_command);
