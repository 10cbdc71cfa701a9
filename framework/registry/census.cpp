#include "framework/registry/census.h"

#include <set>

#include "framework/core/strings.h"

namespace motlab {
namespace {

std::string group_of(const std::string& relative) {
  const size_t slash = relative.find('/');
  return slash == std::string::npos ? "" : relative.substr(0, slash);
}

// An option file's own values (its defaults list is composition, not options).
Config option_content(const std::string& file) {
  Config content = Config::from_yaml_file(file);
  if (content.is_dict() && content.has("defaults")) content = content.without("defaults");
  return content;
}

void check_options(const std::string& file, const Config& content, const OptionSchema& schema,
                   const std::string& what, std::vector<std::string>& problems) {
  for (const auto& key : schema.undeclared_keys(content))
    problems.push_back(file + ": sets '" + key + "', which " + what + " does not declare");
  for (const auto& key : schema.repeated_defaults(content))
    problems.push_back(file + ": '" + key + "' repeats what " + what +
                       " declares for it in C++ (its default, or ??? when required): remove it");
}

}  // namespace

std::vector<std::string> option_files_for(const ConfigSearchPath& paths, const FamilyBase& family,
                                          const std::string& key) {
  std::vector<std::string> out;
  for (const auto& [relative, file] : paths.all_options()) {
    if (group_of(relative) != family.config_group()) continue;
    const Config content = option_content(file);
    Config target;
    if (content.is_dict() && content.find("_target_", &target) &&
        target.kind() == Config::Kind::kString && target.as_string() == key)
      out.push_back(file);
  }
  return out;
}

std::vector<std::string> registry_census(const ConfigSearchPath& paths) {
  std::vector<std::string> problems;
  const auto options = paths.all_options();
  for (const FamilyBase* family : all_families()) {
    if (family->config_group().empty()) continue;
    std::set<std::string> selected;
    for (const auto& [relative, file] : options) {
      if (group_of(relative) != family->config_group()) continue;
      Config content;
      try {
        content = option_content(file);
      } catch (const std::exception& e) {
        problems.push_back(e.what());
        continue;
      }
      Config target;
      if (!content.is_dict() || !content.find("_target_", &target) ||
          target.kind() != Config::Kind::kString) {
        problems.push_back(file + ": an option of '" + family->config_group() +
                           "' without a _target_ naming a " + family->name());
        continue;
      }
      const std::string key = target.as_string();
      if (!family->contains(key)) {
        problems.push_back(file + ": _target_ '" + key + "' is not a registered " + family->name() +
                           " (registered: " + join_names(family->keys()) + ")");
        continue;
      }
      selected.insert(key);
      check_options(file, content, family->schema_of(key), family->name() + " '" + key + "'",
                    problems);
    }
    for (const auto& key : family->keys())
      if (!selected.count(key))
        problems.push_back(family->name() + " '" + key + "' (" + family->origin_of(key) +
                           ") is registered but no option file under " + family->config_group() +
                           "/ selects it");
  }
  for (const auto& group : group_schemas())
    for (const auto& [relative, file] : options)
      if (group_of(relative) == group.group)
        check_options(file, option_content(file), *group.schema, "group '" + group.group + "'",
                      problems);
  return problems;
}

}  // namespace motlab
