#include "framework/config/search_path.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "framework/core/error.h"
#include "framework/core/install_paths.h"
#include "framework/core/strings.h"

namespace motlab {
namespace fs = std::filesystem;

namespace {
std::string canonical_or_self(const std::string& dir) {
  std::error_code ec;
  fs::path c = fs::canonical(dir, ec);
  return ec ? dir : c.string();
}

std::vector<std::string>& added_folders() {
  static auto* folders = new std::vector<std::string>();
  return *folders;
}
}  // namespace

ConfigSearchPath::ConfigSearchPath(const std::vector<std::string>& dirs) {
  std::set<std::string> seen;
  for (size_t k = 0; k < dirs.size(); ++k) {
    MOTLAB_CHECK(fs::is_directory(dirs[k]), k == 0 ? "config directory '" : "config folder '",
                 dirs[k], "' does not exist",
                 k == 0 ? "" : " (from MOTLAB_CONFIG_PATH, --config-path or a plugin)");
    if (seen.insert(canonical_or_self(dirs[k])).second) dirs_.push_back(dirs[k]);
  }
  MOTLAB_CHECK(!dirs_.empty(), "the config search path is empty");
  // Experiments count as part of the built-in configs folder, wherever it is on the path.
  const std::string home = motlab_home();
  const std::string builtin = canonical_or_self(home + "/configs");
  for (size_t k = 0; k < dirs_.size() && fs::is_directory(home + "/experiments"); ++k)
    if (canonical_or_self(dirs_[k]) == builtin) {
      experiments_dir_ = home + "/experiments";
      experiments_after_ = k;
    }
  // A clash anywhere is reported at once, not only when that option happens to be chosen.
  std::map<std::string, std::string> first_file;
  for (const auto& [relative, file] : all_options()) {
    auto [it, inserted] = first_file.emplace(relative, file);
    MOTLAB_CHECK(inserted, "config option '", relative, "' is defined twice: ", it->second, " and ",
                 file,
                 " (a later config folder may add options to a group, not replace one; rename "
                 "one of them)");
  }
}

std::string ConfigSearchPath::find(const std::string& relative) const {
  for (const auto& dir : dirs_) {
    fs::path file = fs::path(dir) / relative;
    if (fs::is_regular_file(file)) return file.string();
  }
  const std::string prefix = std::string(kExperimentGroup) + "/";
  if (!experiments_dir_.empty() && relative.rfind(prefix, 0) == 0 &&
      fs::path(relative).extension() == ".yaml") {
    const std::string name = relative.substr(prefix.size(), relative.size() - prefix.size() - 5);
    if (name.find('/') == std::string::npos) {
      const fs::path file = fs::path(experiments_dir_) / name / "config.yaml";
      if (fs::is_regular_file(file)) return file.string();
    }
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> ConfigSearchPath::experiment_options() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (experiments_dir_.empty()) return out;
  for (const auto& entry : fs::directory_iterator(experiments_dir_)) {
    const fs::path file = entry.path() / "config.yaml";
    if (entry.is_directory() && fs::is_regular_file(file))
      out.emplace_back(entry.path().filename().string(), file.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool ConfigSearchPath::is_group(const std::string& group) const {
  if (group.empty()) return false;
  if (group == kExperimentGroup && !experiment_options().empty()) return true;
  for (const auto& dir : dirs_)
    if (fs::is_directory(fs::path(dir) / group)) return true;
  return false;
}

std::vector<std::string> ConfigSearchPath::options_of(const std::string& group) const {
  std::set<std::string> names;
  for (const auto& dir : dirs_) {
    fs::path folder = fs::path(dir) / group;
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.is_regular_file() && entry.path().extension() == ".yaml")
        names.insert(entry.path().stem().string());
  }
  if (group == kExperimentGroup)
    for (const auto& [name, file] : experiment_options()) names.insert(name);
  return {names.begin(), names.end()};
}

std::vector<std::pair<std::string, std::string>> ConfigSearchPath::all_options() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t k = 0; k < dirs_.size(); ++k) {
    const std::string& dir = dirs_[k];
    std::vector<std::pair<std::string, std::string>> here;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
      std::string relative = fs::relative(entry.path(), dir).replace_extension("").string();
      here.emplace_back(relative, entry.path().string());
    }
    if (k == experiments_after_)
      for (const auto& [name, file] : experiment_options())
        here.emplace_back(std::string(kExperimentGroup) + "/" + name, file);
    std::sort(here.begin(), here.end());
    out.insert(out.end(), here.begin(), here.end());
  }
  return out;
}

std::vector<std::string> extra_config_folders() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("MOTLAB_CONFIG_PATH"))
    for (const auto& dir : split_nonempty(env, ':')) out.push_back(dir);
  for (const auto& dir : added_folders()) out.push_back(dir);
  return out;
}

void add_config_folder(const std::string& dir, const std::string& origin) {
  MOTLAB_CHECK(fs::is_directory(dir), origin, ": config folder '", dir, "' does not exist");
  const std::string absolute = fs::absolute(dir).lexically_normal().string();
  for (const auto& existing : added_folders())
    if (canonical_or_self(existing) == canonical_or_self(absolute)) return;
  added_folders().push_back(absolute);
}

}  // namespace motlab
