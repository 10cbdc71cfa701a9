// motlab: the single entry point. Subcommands live one per file in tools/motlab/.
//   motlab [--plugin LIB]... [--config-path DIR]... <command> [args...]
#include <iostream>
#include <map>

#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/process_setup.h"
#include "framework/core/strings.h"
#include "framework/registry/plugins.h"
#include "framework/registry/registry.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {
struct Entry {
  std::string help;
  Command command;
};
std::map<std::string, Entry>& commands() {
  static auto* map = new std::map<std::string, Entry>();
  return *map;
}

void usage() {
  std::cout << "usage: motlab [--plugin LIB]... [--config-path DIR]... <command> [args...]\n\n"
               "  --plugin LIB       load a plugin library (a path, or a name looked up in\n"
               "                     MOTLAB_PLUGIN_PATH) before anything else; repeatable\n"
               "  --config-path DIR  add a config folder after the built-in one (like\n"
               "                     MOTLAB_CONFIG_PATH); repeatable\n"
               "  MOTLAB_DEBUG=1     errors also name the source location and LibTorch's trace\n\n"
               "commands (motlab <command> --help for each):\n";
  for (const auto& [name, entry] : commands())
    std::cout << "  " << name << std::string(name.size() < 14 ? 16 - name.size() : 2, ' ')
              << entry.help << "\n";
}

// Global flags anywhere before the command's own arguments are taken out of argv.
std::vector<std::string> take_global_flags(int argc, char** argv) {
  std::vector<std::string> rest;
  for (int k = 1; k < argc; ++k) {
    const std::string a = argv[k];
    std::string flag, value;
    for (const char* name : {"--plugin", "--config-path"}) {
      if (a == name) {
        MOTLAB_CHECK(k + 1 < argc, "motlab: ", name, " needs a value");
        flag = name;
        value = argv[++k];
      } else if (a.rfind(std::string(name) + "=", 0) == 0) {
        flag = name;
        value = a.substr(flag.size() + 1);
      }
    }
    if (flag.empty()) {
      rest.push_back(a);
      continue;
    }
    MOTLAB_CHECK(!value.empty(), "motlab: ", flag, " needs a non-empty value");
    if (flag == "--plugin")
      load_plugin(value, "--plugin");
    else
      add_config_folder(value, "--config-path");
  }
  return rest;
}
}  // namespace

bool register_command(const std::string& name, const std::string& help, Command command) {
  commands()[name] = Entry{help, std::move(command)};
  return true;
}

}  // namespace motlab::cli

int main(int argc, char** argv) {
  using namespace motlab::cli;
  motlab::set_up_process(argv);
  std::vector<std::string> args;
  try {
    // A built-in key registered twice is a bug in this build: say so before doing anything.
    const auto clashes = motlab::take_registration_errors();
    MOTLAB_CHECK(clashes.empty(), motlab::join_names(clashes));
    motlab::load_plugins_from_environment();
    args = take_global_flags(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "motlab: error: " << motlab::error_text(e) << "\n";
    return 2;
  }
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    usage();
    return args.empty() ? 2 : 0;
  }
  // Two-word commands ("data check") take precedence over one-word ones ("data").
  size_t consumed = 1;
  auto it = commands().end();
  if (args.size() >= 2) {
    it = commands().find(args[0] + " " + args[1]);
    if (it != commands().end()) consumed = 2;
  }
  if (it == commands().end()) it = commands().find(args[0]);
  if (it == commands().end()) {
    std::cerr << "motlab: unknown command '" << args[0] << "'\n";
    usage();
    return 2;
  }
  const std::vector<std::string> rest(args.begin() + static_cast<long>(consumed), args.end());
  CommandLine command_line(it->first, rest);
  try {
    return it->second.command(command_line);
  } catch (const HelpShown&) {
    return 0;
  } catch (const std::exception& e) {
    // Messages that already start with "motlab <command>: " are not prefixed twice.
    const std::string prefix = "motlab " + it->first + ": ";
    std::string text = motlab::error_text(e);
    if (text.rfind(prefix, 0) == 0) text = text.substr(prefix.size());
    std::cerr << prefix << "error: " << text << "\n";
    return 1;
  }
}
