// OmegaConf-style interpolation: ${a.b} (absolute), ${.x} / ${..x} (relative to the node that
// holds the interpolation), string concatenation, nesting (${${name}}, ${oc.env:A,${b}}), typed
// full-value interpolations, cycle detection, and the resolvers now, oc.env, oc.select, motlab.
#include <cstdlib>
#include <ctime>
#include <set>
#include <sstream>

#include "framework/config/compose.h"
#include "framework/config/overrides.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"

namespace motlab {
namespace {

// oc.select's default is typed by the interpolation grammar (as an override value: 1_0 is 10,
// yes and 010 stay text), not by YAML's rules.
Config select_default(const std::string& text) {
  try {
    return parse_override_value(text);
  } catch (const Error&) {
    return Config::string(text);
  }
}

std::string parent_path_of(const std::string& path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "." + b;
}

// One piece of a string value: literal text or the inside of a ${...}.
struct Segment {
  bool interpolation = false;
  std::string text;
};

std::vector<Segment> split_segments(const std::string& value, const std::string& where) {
  std::vector<Segment> segments;
  std::string literal;
  size_t k = 0;
  while (k < value.size()) {
    if (value[k] == '\\' && k + 2 < value.size() && value[k + 1] == '$' && value[k + 2] == '{') {
      literal += "${";  // escaped: \${ is a literal ${
      k += 3;
      continue;
    }
    if (value[k] == '$' && k + 1 < value.size() && value[k + 1] == '{') {
      int depth = 1;
      size_t j = k + 2;
      char quote = 0;
      for (; j < value.size() && depth > 0; ++j) {
        char c = value[j];
        if (quote) {
          if (c == quote) quote = 0;
          continue;
        }
        if (c == '\'' || c == '"')
          quote = c;
        else if (c == '{')
          ++depth;
        else if (c == '}')
          --depth;
      }
      MOTLAB_CHECK(depth == 0, where, ": unterminated interpolation in '", value, "'");
      if (!literal.empty()) segments.push_back({false, literal});
      literal.clear();
      segments.push_back({true, value.substr(k + 2, j - k - 3)});
      k = j;
      continue;
    }
    literal += value[k++];
  }
  if (!literal.empty()) segments.push_back({false, literal});
  return segments;
}

// Splits resolver arguments at top-level commas (outside quotes and nested ${...}).
std::vector<std::string> split_arguments(const std::string& text) {
  std::vector<std::string> args;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      current += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c == ',' && depth == 0) {
      args.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  args.push_back(current);
  return args;
}

// Position of the resolver's ':' outside nested ${...}, or npos for a plain key.
size_t resolver_colon(const std::string& expr) {
  int depth = 0;
  for (size_t k = 0; k < expr.size(); ++k) {
    if (expr[k] == '$' && k + 1 < expr.size() && expr[k + 1] == '{') {
      ++depth;
      ++k;
    } else if (expr[k] == '}') {
      --depth;
    } else if (expr[k] == ':' && depth == 0) {
      return k;
    }
  }
  return std::string::npos;
}

class Resolver {
 public:
  Resolver(const Config& root, const RuntimeInfo& runtime) : root_(root), runtime_(runtime) {
    now_ = std::time(nullptr);
  }

  Config resolve_all() { return resolve_node(root_, ""); }
  Config resolve_keys(const std::vector<std::string>& keys) {
    std::vector<Config::Item> items;
    for (const auto& key : keys) {
      Config node;
      if (root_.find(key, &node)) items.emplace_back(key, resolve_at(node, key));
    }
    return Config::dict(std::move(items));
  }

 private:
  Config resolve_node(const Config& node, const std::string& path) {
    switch (node.kind()) {
      case Config::Kind::kDict: {
        std::vector<Config::Item> items;
        for (const auto& [key, child] : node.items())
          items.emplace_back(key, resolve_at(child, join(path, key)));
        return Config::dict(std::move(items), node.where()).relocated(path);
      }
      case Config::Kind::kList: {
        std::vector<Config> items;
        for (size_t k = 0; k < node.size(); ++k)
          items.push_back(resolve_at(node.at(k), join(path, std::to_string(k))));
        return Config::list(std::move(items), node.where()).relocated(path);
      }
      case Config::Kind::kMissing:
        MOTLAB_FAIL("Missing mandatory value: ", node.describe(),
                    " is '???' and was never set (set it in a config or on the command line)");
      case Config::Kind::kString:
        if (node.as_string().find("${") != std::string::npos)
          return evaluate_string(node.as_string(), path, node.where()).relocated(path);
        return node;
      default:
        return node;
    }
  }

  // Resolves an interpolation target by its dotted path.
  Config resolve_path(const std::string& path) {
    Config node;
    MOTLAB_CHECK(root_.find(path, &node), "Interpolation key '", path, "' not found");
    return resolve_at(node, path);
  }

  // Resolves `node` found at `path` (walked directly, so keys may contain dots), once.
  Config resolve_at(const Config& node, const std::string& path) {
    auto done = resolved_.find(path);
    if (done != resolved_.end()) return done->second;
    for (size_t k = 0; k < stack_.size(); ++k) {
      if (stack_[k] != path) continue;
      std::string cycle;
      for (size_t j = k; j < stack_.size(); ++j) cycle += stack_[j] + " -> ";
      MOTLAB_FAIL("interpolation cycle: ", cycle, path, " (", node.where().str(), ")");
    }
    stack_.push_back(path);
    Config value = resolve_node(node.relocated(path), path);
    stack_.pop_back();
    resolved_[path] = value;
    return value;
  }

  // `path` is the key holding the string; relative lookups start from its container.
  Config evaluate_string(const std::string& text, const std::string& path,
                         const SourceLocation& where) {
    std::string place = "key '" + path + "' (" + where.str() + ")";
    std::vector<Segment> segments = split_segments(text, place);
    if (segments.size() == 1 && segments[0].interpolation)
      return evaluate_expression(segments[0].text, path, where);  // typed full-value
    std::string out;
    for (const auto& segment : segments) {
      if (!segment.interpolation) {
        out += segment.text;
        continue;
      }
      Config value = evaluate_expression(segment.text, path, where);
      MOTLAB_CHECK(value.is_scalar() || value.is_null(), place, ": interpolation '${", segment.text,
                   "}' inside a string must give a scalar, got ", value.kind_name());
      out += value.is_null() ? "None" : value.scalar_text();
    }
    return Config::string(out, where);
  }

  std::string evaluate_text(const std::string& text, const std::string& path,
                            const SourceLocation& where) {
    if (text.find("${") == std::string::npos) return text;
    Config value = evaluate_string(text, path, where);
    return value.is_scalar() ? value.scalar_text() : value.to_json();
  }

  Config evaluate_expression(const std::string& expression, const std::string& path,
                             const SourceLocation& where) {
    const std::string place = "key '" + path + "' (" + where.str() + ")";
    size_t colon = resolver_colon(expression);
    if (colon != std::string::npos) {
      std::string name = trim(expression.substr(0, colon));
      std::vector<std::string> args;
      for (const auto& raw : split_arguments(expression.substr(colon + 1))) {
        std::string arg = trim(raw);
        if (arg.size() >= 2 && (arg.front() == '\'' || arg.front() == '"') &&
            arg.back() == arg.front())
          arg = arg.substr(1, arg.size() - 2);
        args.push_back(evaluate_text(arg, path, where));
      }
      return call_resolver(name, args, path, place);
    }
    std::string key = trim(evaluate_text(expression, path, where));
    MOTLAB_CHECK(!key.empty(), place, ": empty interpolation '${}'");
    std::string target;
    if (key[0] == '.') {
      size_t dots = key.find_first_not_of('.');
      MOTLAB_CHECK(dots != std::string::npos, place, ": invalid relative interpolation '${", key,
                   "}'");
      std::string base = parent_path_of(path);  // the container of the interpolating node
      for (size_t up = 1; up < dots; ++up) {
        MOTLAB_CHECK(!base.empty(), place, ": relative interpolation '${", key,
                     "}' goes above the root");
        base = parent_path_of(base);
      }
      target = join(base, key.substr(dots));
    } else {
      target = key;
    }
    MOTLAB_CHECK(root_.has(target), place, ": Interpolation key '", key, "' not found",
                 key[0] == '.' ? " (resolved to '" + target + "')" : "");
    return resolve_path(target);
  }

  Config call_resolver(const std::string& name, const std::vector<std::string>& args,
                       const std::string& path, const std::string& place) {
    if (name == "now") {
      std::string format = args.empty() || args[0].empty() ? "%Y-%m-%d_%H-%M-%S" : args[0];
      std::tm tm{};
      localtime_r(&now_, &tm);
      char buffer[256];
      size_t n = std::strftime(buffer, sizeof(buffer), format.c_str(), &tm);
      return Config::string(std::string(buffer, n));
    }
    if (name == "oc.env") {
      MOTLAB_CHECK(!args.empty() && args.size() <= 2, place,
                   ": oc.env takes a variable name and an optional default");
      if (const char* value = std::getenv(args[0].c_str())) return Config::string(value);
      MOTLAB_CHECK(args.size() == 2, place, ": environment variable '", args[0],
                   "' is not set and no default was given (${oc.env:", args[0], ",default})");
      if (args[1] == "null") return Config::null();
      return Config::string(args[1]);
    }
    if (name == "oc.select") {
      MOTLAB_CHECK(!args.empty() && args.size() <= 2, place,
                   ": oc.select takes a key and an optional default");
      if (root_.has(args[0])) return resolve_path(args[0]);
      return args.size() == 2 ? select_default(args[1]) : Config::null();
    }
    if (name == "motlab") {
      MOTLAB_CHECK(args.size() == 1, place, ": motlab: takes one key, e.g. runtime.choices.model");
      const std::string& key = args[0];
      const std::string choices_prefix = "runtime.choices.";
      if (key.rfind(choices_prefix, 0) == 0) {
        std::string group = key.substr(choices_prefix.size());
        std::replace(group.begin(), group.end(), '.', '/');
        auto it = runtime_.choices.find(group);
        MOTLAB_CHECK(it != runtime_.choices.end(), place, ": no group choice '", group,
                     "' in this run (runtime.choices has ", runtime_.choices.size(), " groups)");
        return Config::string(it->second);
      }
      if (key == "runtime.output_dir") return Config::string(runtime_.output_dir);
      if (key == "job.num") return Config::integer(runtime_.job_num);
      if (key == "job.name") return Config::string(runtime_.job_name);
      if (key == "job.override_dirname") {
        std::string out;
        for (const auto& o : runtime_.overrides) out += (out.empty() ? "" : ",") + o;
        return Config::string(out);
      }
      MOTLAB_FAIL(place, ": unknown motlab fact '", key,
                  "' (known: runtime.choices.<group>, runtime.output_dir, job.num, job.name, "
                  "job.override_dirname)");
    }
    MOTLAB_FAIL(place, ": unknown resolver '", name,
                "' (available: now, oc.env, oc.select, motlab)");
  }

  Config root_;
  RuntimeInfo runtime_;
  std::time_t now_;
  std::map<std::string, Config> resolved_;
  std::vector<std::string> stack_;
};

}  // namespace

Config resolve(const Config& composed, const RuntimeInfo& runtime) {
  return Resolver(composed, runtime).resolve_all();
}

Config resolve_keys(const Config& composed, const RuntimeInfo& runtime,
                    const std::vector<std::string>& keys) {
  return Resolver(composed, runtime).resolve_keys(keys);
}

}  // namespace motlab
