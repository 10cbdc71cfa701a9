// Plugins: shared libraries built outside this repository against an installed (or built)
// motlab with find_package(motlab) + motlab_add_plugin(). Loading one registers its components
// in the same family registries as the built-in ones and adds its config folder to the config
// search path, so `text_encoder=my_gru` works like any built-in option.
//
// Sources, all loaded before composition: `--plugin <lib>` on the command line, a `plugins:` list
// in a config, and MOTLAB_PLUGIN_PATH (':'-separated plugin files or folders of plugins).
#pragma once
#include <map>
#include <string>
#include <vector>

namespace motlab {

struct LoadedPlugin {
  std::string file;        // canonical path of the library
  std::string name;        // from its stamp
  std::string config_dir;  // its config folder on the search path ("" = none)
};

// The key=value fields of a library's .motlab_plugin section, read from the file without loading
// it. Throws naming the file when it is not an ELF shared library or carries no stamp.
std::map<std::string, std::string> read_plugin_stamp(const std::string& file);

// Loads a plugin once (by canonical path). `spec` is a path to a library, or a bare name looked up
// as lib<name>.so / <name>.so in the MOTLAB_PLUGIN_PATH folders; `origin` says where it was named
// ("--plugin", "configs/experiment/x.yaml:3"). A plugin stamped with another motlab or LibTorch
// version, or another C++ ABI, is refused with both versions named; a library that fails to load
// names the file and dlerror(); a key registered twice names both origins.
const LoadedPlugin& load_plugin(const std::string& spec, const std::string& origin);

// Every library named by MOTLAB_PLUGIN_PATH: files, and the stamped libraries in folders.
void load_plugins_from_environment();

std::vector<LoadedPlugin> loaded_plugins();

// This motlab's own stamp values (what a plugin must match).
std::string motlab_version();
std::string torch_version();

}  // namespace motlab
