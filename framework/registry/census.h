// The census: registries and option files must agree. On a config search path (built-in configs,
// further folders, plugins' folders):
//  - every registered key of a family with a config group has an option file that selects it;
//  - every option file of such a group names a registered `_target_`;
//  - no option file sets an option its component does not declare, or repeats a declared default
//    (a default is written once, in the component's C++ declaration).
// The same holds for groups with declared options but no components (trainer, data).
#pragma once
#include <string>
#include <vector>

#include "framework/config/search_path.h"
#include "framework/registry/registry.h"

namespace motlab {

// One line per problem, naming the file or key; empty when everything agrees.
std::vector<std::string> registry_census(const ConfigSearchPath& paths);

// The option files on `paths` whose `_target_` is `key` of `family`.
std::vector<std::string> option_files_for(const ConfigSearchPath& paths, const FamilyBase& family,
                                          const std::string& key);

}  // namespace motlab
