// Subcommands of the `motlab` executable register themselves here (one file each in experiments/).
// A name may have two words ("data check"); the dispatcher tries the two-word form first. Every
// command has a one-line help (`motlab --help`) and a usage text (`motlab <command> --help`,
// answered by the dispatcher, so no command can forget it).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "framework/registry/registry.h"

namespace motlab::cli {

// args excludes the program name, the global flags and the subcommand itself.
using Command = std::function<int(const std::vector<std::string>& args)>;

bool register_command(const std::string& name, const std::string& help, const std::string& usage,
                      Command command);

}  // namespace motlab::cli

#define MOTLAB_COMMAND(name, help, usage, fn)                                \
  static const bool MOTLAB_CONCAT(motlab_command_registered_, __COUNTER__) = \
      ::motlab::cli::register_command(name, help, usage, fn)
