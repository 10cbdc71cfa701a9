// The config search path (Hydra's hydra.searchpath): the primary config folder (motlab's
// built-in configs/, or --config-dir) first, then further folders from MOTLAB_CONFIG_PATH,
// --config-path and loaded plugins. A later folder may add options to a group (or new groups);
// the same option file in two folders is an error that names both files.
// Experiments live in their own folders beside the built-in configs: experiments/<name>/config.yaml
// (with the experiment's README and recorded result) is the option <name> of the `experiment`
// group whenever the built-in configs/ are on the search path, exactly as if it were
// configs/experiment/<name>.yaml.
#pragma once
#include <string>
#include <vector>

namespace motlab {

class ConfigSearchPath {
 public:
  // dirs[0] is the primary folder; every entry must be a directory (error naming it otherwise).
  // Repeated folders (same canonical path) are kept once.
  explicit ConfigSearchPath(const std::vector<std::string>& dirs);
  const std::vector<std::string>& dirs() const { return dirs_; }
  // The built-in experiments/ folder when it is searched, else "".
  const std::string& experiments_dir() const { return experiments_dir_; }
  // The file of a relative path ("text_encoder/my_gru.yaml") in the one folder that has it, ""
  // when none has it.
  std::string find(const std::string& relative) const;
  // `group` is a folder in at least one of the dirs.
  bool is_group(const std::string& group) const;
  // Option names (.yaml stems) of `group` over all dirs, sorted.
  std::vector<std::string> options_of(const std::string& group) const;
  // Every option file (relative path without .yaml -> file) over all dirs.
  std::vector<std::pair<std::string, std::string>> all_options() const;

 private:
  // experiments/<name>/config.yaml files by name.
  std::vector<std::pair<std::string, std::string>> experiment_options() const;
  std::vector<std::string> dirs_;
  std::string experiments_dir_;  // "" unless the built-in configs are on the path
  size_t experiments_after_ = static_cast<size_t>(-1);  // index of the built-in configs in dirs_
};

// The group whose options may also be experiments/<name>/config.yaml.
constexpr const char* kExperimentGroup = "experiment";

// The folders this process adds after the primary one: MOTLAB_CONFIG_PATH (':'-separated), then
// those added by --config-path and by plugins, in that order.
std::vector<std::string> extra_config_folders();
// `origin` names where the folder comes from, for errors ("--config-path", a plugin's file).
void add_config_folder(const std::string& dir, const std::string& origin);

}  // namespace motlab
