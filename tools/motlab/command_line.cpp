#include "tools/motlab/command_line.h"

#include <boost/program_options.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>

#include "framework/core/error.h"
#include "framework/core/strings.h"

namespace motlab::cli {
namespace po = boost::program_options;

namespace {
enum class Kind { kText, kChoice, kInteger, kNumber, kList, kFlag };

struct FlagDeclaration {
  std::string names, long_name, value_name, help;
  Kind kind = Kind::kText;
  void* target = nullptr;
  std::vector<std::string> choices;
  double min = 0, max = 0;
};

struct PositionalDeclaration {
  std::string name, help;
  std::string* target = nullptr;
  bool required = true;
};

// The key Boost stores a flag under: "long,s" -> "long"; a short-only ",k" -> "-k".
std::string long_name_of(const std::string& names) {
  return names.rfind(',', 0) == 0 ? "-" + names.substr(1) : names.substr(0, names.find(','));
}

std::string spelled(const FlagDeclaration& flag) {
  if (flag.long_name.rfind('-', 0) == 0) return flag.long_name;
  const size_t comma = flag.names.find(',');
  return comma == std::string::npos ? "--" + flag.long_name : "-" + flag.names.substr(comma + 1);
}

// The bound variable's value before parsing, for the help ("" when there is nothing to show).
std::string default_text(const FlagDeclaration& flag) {
  switch (flag.kind) {
    case Kind::kText:
    case Kind::kChoice:
      return *static_cast<std::string*>(flag.target);
    case Kind::kInteger:
      return std::to_string(*static_cast<int64_t*>(flag.target));
    case Kind::kNumber: {
      std::ostringstream out;
      out << *static_cast<double*>(flag.target);
      return out.str();
    }
    case Kind::kList: {
      std::string out;
      for (const auto& item : *static_cast<std::vector<std::string>*>(flag.target))
        out += (out.empty() ? "" : ",") + item;
      return out;
    }
    case Kind::kFlag:
      return "";
  }
  return "";
}
}  // namespace

struct CommandLine::Declarations {
  std::string description;
  std::vector<std::pair<std::string, std::string>> aliases;
  std::vector<FlagDeclaration> flags;
  std::vector<PositionalDeclaration> positionals;
  std::string rest_name, rest_help;
  std::vector<std::string>* rest_target = nullptr;
  size_t rest_min = 0;
  std::set<std::string> given;
  bool parsed = false;

  void add(FlagDeclaration flag) {
    flag.long_name = long_name_of(flag.names);
    for (const auto& existing : flags)
      MOTLAB_CHECK(existing.long_name != flag.long_name, "internal: flag --", flag.long_name,
                   " declared twice");
    flags.push_back(std::move(flag));
  }

  po::options_description visible() const {
    po::options_description out("options", 100, 40);
    for (const auto& flag : flags) {
      std::string help = flag.help;
      if (flag.kind == Kind::kChoice) help += " (" + join_names(flag.choices) + ")";
      const std::string fallback = default_text(flag);
      if (!fallback.empty() && flag.kind != Kind::kFlag) help += "; default " + fallback;
      if (flag.kind == Kind::kFlag)
        out.add_options()(flag.names.c_str(), help.c_str());
      else
        out.add_options()(
            flag.names.c_str(),
            po::value<std::string>()->value_name(flag.value_name.empty() ? "ARG" : flag.value_name),
            help.c_str());
    }
    return out;
  }
};

CommandLine::CommandLine(std::string command, std::vector<std::string> args)
    : command_(std::move(command)), args_(std::move(args)), declared_(new Declarations) {}
CommandLine::~CommandLine() = default;

CommandLine& CommandLine::describe(std::string text) {
  declared_->description = std::move(text);
  return *this;
}

CommandLine& CommandLine::alias(std::string spelling, std::string flag) {
  declared_->aliases.emplace_back(std::move(spelling), std::move(flag));
  return *this;
}

CommandLine& CommandLine::text(const char* names, std::string* target, const char* value_name,
                               const char* help) {
  declared_->add({names, "", value_name, help, Kind::kText, target, {}, 0, 0});
  return *this;
}

CommandLine& CommandLine::choice(const char* names, std::string* target,
                                 std::vector<std::string> choices, const char* help) {
  declared_->add({names, "", "NAME", help, Kind::kChoice, target, std::move(choices), 0, 0});
  return *this;
}

CommandLine& CommandLine::integer(const char* names, int64_t* target, int64_t min, int64_t max,
                                  const char* value_name, const char* help) {
  declared_->add({names,
                  "",
                  value_name,
                  help,
                  Kind::kInteger,
                  target,
                  {},
                  static_cast<double>(min),
                  static_cast<double>(max)});
  return *this;
}

CommandLine& CommandLine::number(const char* names, double* target, double min, double max,
                                 const char* value_name, const char* help) {
  declared_->add({names, "", value_name, help, Kind::kNumber, target, {}, min, max});
  return *this;
}

CommandLine& CommandLine::list(const char* names, std::vector<std::string>* target,
                               const char* value_name, const char* help) {
  declared_->add({names, "", value_name, help, Kind::kList, target, {}, 0, 0});
  return *this;
}

CommandLine& CommandLine::flag(const char* names, bool* target, const char* help) {
  declared_->add({names, "", "", help, Kind::kFlag, target, {}, 0, 0});
  return *this;
}

CommandLine& CommandLine::positional(const char* name, std::string* target, const char* help,
                                     bool required) {
  MOTLAB_CHECK(
      declared_->rest_target == nullptr &&
          (declared_->positionals.empty() || declared_->positionals.back().required || !required),
      "internal: positional <", name, "> declared after an optional one or the rest");
  declared_->positionals.push_back({name, help, target, required});
  return *this;
}

CommandLine& CommandLine::rest(const char* name, std::vector<std::string>* target, const char* help,
                               size_t min_count) {
  declared_->rest_name = name;
  declared_->rest_help = help;
  declared_->rest_target = target;
  declared_->rest_min = min_count;
  return *this;
}

std::string CommandLine::usage() const {
  const Declarations& d = *declared_;
  std::string line = "usage: motlab " + command_;
  if (!d.flags.empty()) line += " [options]";
  for (const auto& p : d.positionals)
    line += p.required ? " <" + p.name + ">" : " [<" + p.name + ">]";
  if (d.rest_target) line += " [" + d.rest_name + " ...]";
  std::ostringstream out;
  out << line << "\n";
  if (!d.description.empty()) out << d.description << (d.description.back() == '\n' ? "" : "\n");
  if (!d.positionals.empty() || d.rest_target) {
    out << "arguments:\n";
    auto item = [&out](const std::string& name, const std::string& help) {
      out << "  " << name << std::string(name.size() < 22 ? 24 - name.size() : 2, ' ') << help
          << "\n";
    };
    for (const auto& p : d.positionals) item("<" + p.name + ">", p.help);
    if (d.rest_target) item(d.rest_name + " ...", d.rest_help);
  }
  if (!d.flags.empty()) out << d.visible();
  return out.str();
}

void CommandLine::parse() {
  Declarations& d = *declared_;
  MOTLAB_CHECK(!d.parsed, "internal: motlab ", command_, " parsed its arguments twice");
  d.parsed = true;
  for (const auto& a : args_)
    if (a == "-h" || a == "--help") {
      std::cout << usage();
      throw HelpShown{};
    }
  std::vector<std::string> args = args_;
  for (auto& a : args)
    for (const auto& [spelling, flag] : d.aliases) {
      if (a == spelling) a = flag;
      if (a.rfind(spelling + "=", 0) == 0) a = flag + a.substr(spelling.size());
    }

  const std::string see = " (see motlab " + command_ + " --help)";
  po::options_description all = d.visible();
  po::positional_options_description order;
  for (const auto& p : d.positionals) {
    all.add_options()(p.name.c_str(), po::value<std::string>());
    order.add(p.name.c_str(), 1);
  }
  // Positional arguments beyond the declared ones land here and are named in the error.
  const std::string rest = d.rest_target ? d.rest_name : std::string("unexpected argument");
  all.add_options()(rest.c_str(), po::value<std::vector<std::string>>());
  order.add(rest.c_str(), -1);

  po::variables_map values;
  try {
    const int style =
        po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(args).options(all).positional(order).style(style).run(),
              values);
  } catch (const po::unknown_option& e) {
    MOTLAB_FAIL("motlab ", command_, ": unknown flag '", e.get_option_name(), "'", see);
  } catch (const po::error& e) {
    MOTLAB_FAIL("motlab ", command_, ": ", e.what(), see);
  }

  for (const auto& flag : d.flags) {
    if (!values.count(flag.long_name)) continue;
    d.given.insert(flag.long_name);
    const std::string who = "motlab " + command_ + ": " + spelled(flag);
    if (flag.kind == Kind::kFlag) {
      *static_cast<bool*>(flag.target) = true;
      continue;
    }
    const std::string value = values[flag.long_name].as<std::string>();
    switch (flag.kind) {
      case Kind::kText:
        MOTLAB_CHECK(!value.empty(), who, " needs a non-empty ", flag.value_name);
        *static_cast<std::string*>(flag.target) = value;
        break;
      case Kind::kChoice: {
        bool known = false;
        for (const auto& c : flag.choices) known = known || c == value;
        MOTLAB_CHECK(known, who, " must be one of ", join_names(flag.choices), ", got '", value,
                     "'");
        *static_cast<std::string*>(flag.target) = value;
        break;
      }
      case Kind::kInteger: {
        char* end = nullptr;
        errno = 0;
        const long long parsed = std::strtoll(value.c_str(), &end, 10);
        const bool whole = !value.empty() && end == value.c_str() + value.size() && errno == 0;
        MOTLAB_CHECK(whole && parsed >= flag.min && parsed <= flag.max, who,
                     " needs an integer in [", static_cast<int64_t>(flag.min), ", ",
                     static_cast<int64_t>(flag.max), "], got '", value, "'");
        *static_cast<int64_t*>(flag.target) = parsed;
        break;
      }
      case Kind::kNumber: {
        char* end = nullptr;
        errno = 0;
        const double parsed = std::strtod(value.c_str(), &end);
        const bool whole = !value.empty() && end == value.c_str() + value.size() && errno == 0;
        MOTLAB_CHECK(whole && std::isfinite(parsed) && parsed >= flag.min && parsed <= flag.max,
                     who, " needs a number in [", flag.min, ", ", flag.max, "], got '", value, "'");
        *static_cast<double*>(flag.target) = parsed;
        break;
      }
      case Kind::kList: {
        const std::vector<std::string> items = split_nonempty(value, ',');
        bool empty_item = value.empty() || value.front() == ',' || value.back() == ',' ||
                          value.find(",,") != std::string::npos;
        for (const auto& item : items) empty_item = empty_item || trim(item).empty();
        MOTLAB_CHECK(!empty_item, who, " needs a comma-separated list without empty items, got '",
                     value, "'");
        auto* target = static_cast<std::vector<std::string>*>(flag.target);
        target->clear();
        for (const auto& item : items) target->push_back(trim(item));
        break;
      }
      case Kind::kFlag:
        break;
    }
  }
  for (const auto& p : d.positionals) {
    if (values.count(p.name))
      *p.target = values[p.name].as<std::string>();
    else
      MOTLAB_CHECK(!p.required, "motlab ", command_, ": missing <", p.name, ">", see);
  }
  std::vector<std::string> extra;
  if (values.count(rest)) extra = values[rest].as<std::vector<std::string>>();
  if (!d.rest_target) {
    MOTLAB_CHECK(extra.empty(), "motlab ", command_, ": unexpected argument '",
                 extra.empty() ? "" : extra[0], "'", see);
    return;
  }
  MOTLAB_CHECK(extra.size() >= d.rest_min, "motlab ", command_, ": expected at least ", d.rest_min,
               " ", d.rest_name, ", got ", extra.size(), see);
  *d.rest_target = extra;
}

bool CommandLine::given(const std::string& long_name) const {
  return declared_->given.count(long_name) > 0;
}

}  // namespace motlab::cli
