// Subcommands of the `motlab` executable register themselves here (one file each in
// tools/motlab/). A name may have two words ("data check"); the dispatcher tries the two-word
// form first. Every command has a one-line help (`motlab --help`) and declares its flags on the
// CommandLine it is given, which also answers `motlab <command> --help`.
#pragma once
#include <functional>
#include <string>

#include "framework/registry/registry.h"
#include "tools/motlab/command_line.h"

namespace motlab::cli {

// Declares its flags on `cl`, calls cl.parse(), runs; returns the exit code.
using Command = std::function<int(CommandLine& cl)>;

bool register_command(const std::string& name, const std::string& help, Command command);

}  // namespace motlab::cli

#define MOTLAB_COMMAND(name, help, fn)                                       \
  static const bool MOTLAB_CONCAT(motlab_command_registered_, __COUNTER__) = \
      ::motlab::cli::register_command(name, help, fn)
