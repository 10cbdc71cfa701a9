// One declared parser for every subcommand's flags (Boost.Program_options underneath): a command
// declares each flag once, bound to its variable, with its help; parse() reads the arguments and
// `--help` prints the usage from the same declarations, so the two cannot drift apart.
//
//   int my_command(CommandLine& cl) {
//     std::string out = ".";
//     int64_t k = 10;
//     cl.describe("what the command does")
//         .text("out", &out, "DIR", "where to write")
//         .integer(",k", &k, 1, 1000, "N", "how many")
//         .parse();
//     ...
//   }
//
// Errors name the command, the flag, the value and what was expected ("motlab search: -k needs an
// integer in [1, 1000], got '0'"). Boost is only included by command_line.cpp.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace motlab::cli {

// Thrown by parse() after it printed the usage for -h/--help; the dispatcher exits 0.
struct HelpShown {};

class CommandLine {
 public:
  // `command` as the user typed it ("data check"); `args` after the command's name.
  CommandLine(std::string command, std::vector<std::string> args);
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Text printed after the usage line (paragraphs, further forms of the command).
  CommandLine& describe(std::string text);
  // Hydra-style spellings rewritten before parsing ("-cn" -> "--config-name").
  CommandLine& alias(std::string spelling, std::string flag);

  // `names`: "long", "long,s" (s: a one-letter short form) or ",s" (short only). Each binds one
  // variable; a flag given twice is an error.
  CommandLine& text(const char* names, std::string* target, const char* value_name,
                    const char* help);
  // Only these values; the help lists them.
  CommandLine& choice(const char* names, std::string* target, std::vector<std::string> choices,
                      const char* help);
  CommandLine& integer(const char* names, int64_t* target, int64_t min, int64_t max,
                       const char* value_name, const char* help);
  CommandLine& number(const char* names, double* target, double min, double max,
                      const char* value_name, const char* help);
  // A comma-separated list with no empty item ("a,b,c").
  CommandLine& list(const char* names, std::vector<std::string>* target, const char* value_name,
                    const char* help);
  // Present or not.
  CommandLine& flag(const char* names, bool* target, const char* help);

  // Positional arguments in declaration order; a required one missing is an error.
  CommandLine& positional(const char* name, std::string* target, const char* help,
                          bool required = true);
  // Every further positional argument (overrides, run dirs, queries); at least `min_count`.
  CommandLine& rest(const char* name, std::vector<std::string>* target, const char* help,
                    size_t min_count = 0);

  // Reads the arguments into the bound variables; -h/--help prints usage() and throws HelpShown.
  void parse();
  // After parse(): the flag was on the command line (its long name; "-k" for a short-only one).
  bool given(const std::string& long_name) const;
  std::string usage() const;
  const std::string& command() const { return command_; }

 private:
  struct Declarations;
  std::string command_;
  std::vector<std::string> args_;
  std::unique_ptr<Declarations> declared_;
};

}  // namespace motlab::cli
