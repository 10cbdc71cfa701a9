// motlab: the single entry point. Subcommands live one per file in experiments/.
#include <iostream>
#include <map>

#include "experiments/cli.h"
#include "framework/core/error.h"
#include "framework/core/process_setup.h"
#include "framework/registry/registry.h"

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
  std::cout << "usage: motlab <command> [args...]\n\ncommands:\n";
  for (const auto& [name, entry] : commands())
    std::cout << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ')
              << entry.help << "\n";
}

int list_command(const std::vector<std::string>& args) {
  bool any = false;
  for (const FamilyBase* family : all_families()) {
    if (!args.empty() && family->name() != args[0]) continue;
    any = true;
    std::cout << family->name() << "  (configs/" << family->config_group() << ")  "
              << family->help() << "\n";
    for (const auto& key : family->keys())
      std::cout << "  " << key << std::string(key.size() < 20 ? 20 - key.size() : 1, ' ')
                << family->help_of(key) << "\n";
  }
  if (!any) {
    std::string names;
    for (const FamilyBase* family : all_families()) names += " " + family->name();
    std::cerr << "motlab list: unknown family '" << args[0] << "'; families:" << names << "\n";
    return 2;
  }
  return 0;
}
}  // namespace

bool register_command(const std::string& name, const std::string& help, Command command) {
  commands()[name] = Entry{help, std::move(command)};
  return true;
}

}  // namespace motlab::cli

MOTLAB_COMMAND("list", "list component families, their keys and one-line help [family]",
               motlab::cli::list_command);

int main(int argc, char** argv) {
  using namespace motlab::cli;
  motlab::set_up_process(argv);
  if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help") {
    usage();
    return argc < 2 ? 2 : 0;
  }
  // Two-word commands ("data check") take precedence over one-word ones ("data").
  int consumed = 2;
  auto it = commands().end();
  if (argc >= 3) {
    it = commands().find(std::string(argv[1]) + " " + argv[2]);
    if (it != commands().end()) consumed = 3;
  }
  if (it == commands().end()) it = commands().find(argv[1]);
  if (it == commands().end()) {
    std::cerr << "motlab: unknown command '" << argv[1] << "'\n";
    usage();
    return 2;
  }
  std::vector<std::string> args(argv + consumed, argv + argc);
  try {
    return it->second.command(args);
  } catch (const motlab::Error& e) {
    std::cerr << "motlab " << argv[1] << ": error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "motlab " << argv[1] << ": error: " << e.what() << "\n";
    return 1;
  }
}
