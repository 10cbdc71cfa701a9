// Hydra-style composition: defaults tree -> final defaults list -> merge -> value overrides.
// Mirrors hydra/_internal/defaults_list.py where it matters: `override` entries and command-line
// group overrides are registered before a config's children are expanded, children are expanded
// in reverse order and the first registration wins, so the command line beats every config and
// the last `override` in depth-first order beats earlier ones.
#include "framework/config/compose.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "framework/config/overrides.h"
#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"

namespace motlab {
namespace fs = std::filesystem;

namespace {

std::string join_package(const std::string& parent, const std::string& child) {
  if (parent.empty()) return child;
  if (child.empty()) return parent;
  return parent + "." + child;
}

std::string dirname_of(const std::string& config_path) {
  size_t slash = config_path.rfind('/');
  return slash == std::string::npos ? "" : config_path.substr(0, slash);
}

std::string basename_of(const std::string& config_path) {
  size_t slash = config_path.rfind('/');
  return slash == std::string::npos ? config_path : config_path.substr(slash + 1);
}

// Resolves a package written in a defaults entry or a header. Keywords: _global_ (the root) and
// _here_ (the including config's package); any other _word_ is rejected.
std::string resolve_package(const std::string& written, const std::string& parent_package,
                            bool absolute, const std::string& where) {
  std::vector<std::string> parts;
  std::stringstream in(written);
  std::string part;
  while (std::getline(in, part, '.')) parts.push_back(part);
  std::string base = absolute ? "" : parent_package;
  std::vector<std::string> rest;
  for (size_t k = 0; k < parts.size(); ++k) {
    const std::string& p = parts[k];
    if (p == "_global_") {
      MOTLAB_CHECK(k == 0, where, ": '_global_' must come first in package '", written, "'");
      base = "";
    } else if (p == "_here_") {
      MOTLAB_CHECK(k == 0, where, ": '_here_' must come first in package '", written, "'");
      base = parent_package;
    } else {
      MOTLAB_CHECK(!(p.size() >= 2 && p.front() == '_' && p.back() == '_'), where,
                   ": unknown package keyword '", p, "' in '", written,
                   "' (supported: _global_, _here_)");
      MOTLAB_CHECK(!p.empty(), where, ": empty component in package '", written, "'");
      rest.push_back(p);
    }
  }
  std::string out = base;
  for (const auto& p : rest) out = join_package(out, p);
  return out;
}

struct RawDefault {
  bool is_self = false;
  bool is_group = false;
  bool optional = false;
  bool is_override = false;
  bool has_package = false;
  std::string target;   // group path (group default) or config path (include), as written
  std::string package;  // from @pkg
  std::string option;   // group default's option ("" when null)
  bool is_null = false;
  SourceLocation where;
};

struct LoadedConfig {
  std::string config_path;  // "model/tmr"
  std::string file;
  Config content;  // without `defaults`
  std::vector<RawDefault> defaults;
  bool has_header = false;
  std::string header_package;
};

std::pair<std::string, std::string> split_at_package(const std::string& text) {
  size_t at = text.find('@');
  if (at == std::string::npos) return {text, ""};
  return {text.substr(0, at), text.substr(at + 1)};
}

RawDefault parse_default_entry(const Config& entry, const std::string& file) {
  RawDefault d;
  d.where = entry.where();
  const std::string here = entry.where().str();
  if (entry.kind() == Config::Kind::kString) {
    const std::string& text = entry.as_string();
    if (text == "_self_") {
      d.is_self = true;
      return d;
    }
    MOTLAB_CHECK(text.find(' ') == std::string::npos, here, ": invalid defaults entry '", text,
                 "' (keywords like optional/override apply to 'group: option' entries)");
    auto [path, package] = split_at_package(text);
    d.target = path;
    d.has_package = text.find('@') != std::string::npos;
    d.package = package;
    return d;
  }
  MOTLAB_CHECK(entry.is_dict() && entry.size() == 1, here,
               ": a defaults entry must be 'group: option', a config path or _self_");
  const auto& [key, value] = entry.items()[0];
  std::vector<std::string> words;
  std::stringstream in(key);
  std::string word;
  while (in >> word) words.push_back(word);
  MOTLAB_CHECK(!words.empty(), here, ": empty defaults key");
  for (size_t k = 0; k + 1 < words.size(); ++k) {
    if (words[k] == "optional") {
      d.optional = true;
    } else if (words[k] == "override") {
      d.is_override = true;
    } else {
      MOTLAB_FAIL(here, ": unknown keyword '", words[k], "' in defaults entry '", key,
                  "' (allowed: optional, override)");
    }
  }
  d.is_group = true;
  auto [group, package] = split_at_package(words.back());
  d.target = group;
  d.has_package = words.back().find('@') != std::string::npos;
  d.package = package;
  MOTLAB_CHECK(!group.empty(), here, ": empty group name in defaults entry '", key, "'");
  MOTLAB_CHECK(group.find("..") == std::string::npos, here,
               ": parent traversal '..' is not allowed in defaults paths ('", group, "')");
  if (value.is_null()) {
    d.is_null = true;
  } else if (value.kind() == Config::Kind::kString || value.kind() == Config::Kind::kInt ||
             value.kind() == Config::Kind::kFloat || value.kind() == Config::Kind::kBool) {
    d.option = value.scalar_text();
  } else {
    MOTLAB_FAIL(here, ": option of group '", group, "' must be a config name or null, got ",
                value.kind_name());
  }
  return d;
}

class Composer {
 public:
  Composer(const ComposeRequest& request) : request_(request), paths_(search_dirs(request)) {}

  Composed run() {
    std::vector<Override> value_overrides;
    for (const std::string& text : request_.overrides) {
      Override o = parse_override(text);
      if (is_group_override(o))
        register_cli_group_override(o);
      else
        value_overrides.push_back(o);
    }
    // The primary config: package _global_ unless its header says otherwise.
    LoadedConfig& primary = load(request_.primary, /*optional=*/false, SourceLocation{});
    std::string primary_package =
        primary.has_header ? resolve_package(primary.header_package, "", true, primary.file) : "";
    expand(primary.config_path, primary_package, "", /*is_primary=*/true, 0);
    for (const auto& [key, pending] : overrides_) {
      if (pending.used || request_.probe) continue;
      if (pending.deletion_from_command_line)
        MOTLAB_FAIL("Could not delete '", key,
                    pending.delete_only_if ? "=" + pending.delete_option : std::string(),
                    "'. No match in the defaults list", did_you_mean(key));
      if (pending.choice_from_command_line)
        MOTLAB_FAIL("Could not override '", key, "'.", did_you_mean(key),
                    "\nTo append to your default list use +", key, "=", pending.option);
      MOTLAB_FAIL(
          pending.where.str(), ": In '", pending.source, "': Invalid Defaults List override '", key,
          ": ", pending.has_choice ? pending.option : std::string("null"),
          "'. No earlier Group Default for '", key, "' exists to override.", did_you_mean(key));
    }
    Composed out;
    Config merged = Config::dict({});
    for (const auto& entry : final_list_) {
      if (!entry.is_self) continue;
      const LoadedConfig& loaded = loaded_.at(entry.config_path);
      merged = merge_at(merged, entry.package, loaded.content, loaded.config_path);
    }
    if (request_.complete) merged = complete_components(merged);
    for (const Override& o : value_overrides) {
      if (!request_.probe) {
        merged = apply_value_override(merged, o);
        continue;
      }
      try {
        merged = apply_value_override(merged, o);
      } catch (const Error&) {
        // A value of a group that only a not-yet-loaded plugin provides.
      }
    }
    out.config = merged;
    out.choices = choices_;
    out.defaults = final_list_;
    out.overrides = request_.overrides;
    return out;
  }

 private:
  // What the command line and `override` entries say of one group key. As in Hydra, a choice and
  // a deletion are kept apart, so their order does not matter: the choice is made first, then
  // the deletion removes the key (~group=option: only when the final choice is that option).
  struct PendingOverride {
    bool has_choice = false;
    std::string option;  // the choice
    bool choice_from_command_line = false;
    bool deleted = false;
    bool delete_only_if = false;  // ~group=option
    std::string delete_option;
    bool deletion_from_command_line = false;
    bool used = false;
    std::string source;  // the config that said it
    SourceLocation where;
  };

  static std::vector<std::string> search_dirs(const ComposeRequest& request) {
    std::vector<std::string> dirs{request.config_dir};
    dirs.insert(dirs.end(), request.search_path.begin(), request.search_path.end());
    return dirs;
  }

  // Declared options of every node an option file of a group put into the config.
  Config complete_components(Config merged) const {
    for (const auto& entry : final_list_) {
      const std::string group = dirname_of(entry.config_path);
      if (!entry.is_self || group.empty() || entry.package.empty()) continue;
      Config node;
      if (!merged.find(entry.package, &node) || !node.is_dict()) continue;
      merged = merged.with(entry.package, request_.complete(group, node));
    }
    return merged;
  }

  // As Hydra: a dict value is never a group override (it is merged as a value after
  // composition), whatever the key names.
  bool is_group_override(const Override& o) const {
    if (!paths_.is_group(o.key)) return false;
    return !(o.has_value && o.value().is_dict());
  }

  void register_cli_group_override(const Override& o) {
    const std::string key = o.key_text();
    MOTLAB_CHECK(o.kind != Override::Kind::kForce, "force-add of config groups is not supported: '",
                 o.text, "'");
    std::string option;
    if (o.has_value) {
      const Config value = o.value();
      if (o.kind == Override::Kind::kDelete)
        MOTLAB_CHECK(value.kind() == Config::Kind::kString,
                     "Config group override deletion value must be a string: '", o.text, "'");
      else
        MOTLAB_CHECK(value.kind() == Config::Kind::kString,
                     "Config group override must be a string, got ", value.kind_name(), ": '",
                     o.text, "' (quote an option named like a number: ", key, "='",
                     value.is_scalar() ? value.scalar_text() : "...",
                     "'; remove the group's choice with ~", key, ")");
      option = value.as_string();
    }
    if (o.kind == Override::Kind::kAppend) {
      // Appended to the primary config's defaults list.
      RawDefault d;
      d.is_group = true;
      d.target = "/" + o.key;
      d.has_package = o.has_package;
      d.package = o.package;
      d.option = option;
      cli_appends_.push_back(d);
      return;
    }
    PendingOverride& pending = overrides_[key];
    pending.source = "<command line>";
    if (o.kind == Override::Kind::kDelete) {
      pending.deleted = true;
      pending.delete_only_if = o.has_value;
      pending.delete_option = option;
      pending.deletion_from_command_line = true;
    } else {
      pending.has_choice = true;
      pending.option = option;
      pending.choice_from_command_line = true;
    }
  }

  // Hydra's "Did you mean to override ...?": the keys the same group has in the defaults list.
  std::string did_you_mean(const std::string& key) const {
    const std::string group = key.substr(0, key.find('@'));
    std::vector<std::string> known;
    for (const auto& seen : seen_groups_)
      if (seen.substr(0, seen.find('@')) == group && seen != key) known.push_back(seen);
    if (known.empty()) return " No match in the defaults list.";
    if (known.size() == 1) return "\nDid you mean to override " + known[0] + "?";
    return "\nDid you mean to override one of " + join_names(known) + "?";
  }

  // Hydra's key of a group entry: its group, plus '@' and its final package unless that is the
  // group's own default package. The package counts the parent's, never the option's header.
  std::string override_key(const RawDefault& d, const std::string& config_path,
                           const std::string& parent_package) const {
    const std::string group = absolute_group(d, config_path);
    std::string dotted = relative_group(d);
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    const std::string final_package =
        d.has_package ? resolve_package(d.package, parent_package, false, d.where.str())
                      : join_package(parent_package, dotted);
    std::string default_package = group;
    std::replace(default_package.begin(), default_package.end(), '/', '.');
    if (final_package == default_package) return group;
    return group + "@" + (final_package.empty() ? "_global_" : final_package);
  }

  std::vector<std::string> options_of(const std::string& group) const {
    return paths_.options_of(group);
  }

  std::string missing_option_message(const std::string& group, const std::string& option) const {
    std::vector<std::string> names = options_of(group);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    std::string closest = closest_match(option, names);
    return "Could not find '" + group + "/" + option + "'\nAvailable options in '" + group +
           "': " + (list.empty() ? "<none>" : list) +
           (closest.empty() ? "" : "\nDid you mean '" + closest + "'?");
  }

  // Loads configs/<config_path>.yaml once; nullptr-like empty path when optional and absent.
  LoadedConfig& load(const std::string& config_path, bool optional, const SourceLocation& from) {
    auto it = loaded_.find(config_path);
    if (it != loaded_.end()) return it->second;
    const std::string file = paths_.find(config_path + ".yaml");
    if (file.empty()) {
      const std::string yml = paths_.find(config_path + ".yml");
      MOTLAB_CHECK(yml.empty(), from.str(), ": '", yml, "' found: config files must end in .yaml");
      if (optional || (request_.probe && config_path != request_.primary)) {
        static LoadedConfig absent;
        return absent;
      }
      if (config_path == request_.primary)
        MOTLAB_FAIL("Cannot find primary config '", config_path, "' in '",
                    join_names(paths_.dirs()), "'");
      MOTLAB_FAIL(from.str(), ": ",
                  missing_option_message(dirname_of(config_path), basename_of(config_path)));
    }
    LoadedConfig loaded;
    loaded.config_path = config_path;
    loaded.file = file;
    // `# @package X` among the leading comment lines.
    std::ifstream in(file);
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      std::string t = line.substr(0, line.find_last_not_of(" \t\r") + 1);
      if (t.empty()) continue;
      if (t[0] != '#') break;
      std::string body = t.substr(1);
      body = body.substr(std::min(body.size(), body.find_first_not_of(" \t")));
      if (body.rfind("@package", 0) == 0) {
        std::string value = body.substr(8);
        value = value.substr(std::min(value.size(), value.find_first_not_of(" \t")));
        MOTLAB_CHECK(!value.empty(), loaded.file, ":", line_number,
                     ": '# @package' needs a package name");
        loaded.has_header = true;
        loaded.header_package = value;
        resolve_package(value, "", true, loaded.file + ":" + std::to_string(line_number));
      } else if (body.rfind("@", 0) == 0) {
        MOTLAB_FAIL(loaded.file, ":", line_number, ": unknown header directive '", body,
                    "' (only '# @package <package>' is supported)");
      }
    }
    Config content = Config::from_yaml_file(loaded.file);
    if (content.is_null()) content = Config::dict({});
    // An option file may hold a list (Hydra: it becomes the value at the option's package); the
    // primary config and scalars may not.
    MOTLAB_CHECK(content.is_dict() || (content.is_list() && config_path != request_.primary),
                 loaded.file, ": ",
                 config_path == request_.primary ? "the primary config" : "a config file",
                 " must hold a mapping", config_path == request_.primary ? "" : " or a list",
                 ", got ", content.kind_name());
    if (content.is_dict() && content.has("defaults")) {
      Config defaults = content["defaults"];
      MOTLAB_CHECK(defaults.is_list(), defaults.where().str(), ": 'defaults' must be a list, got ",
                   defaults.kind_name());
      for (size_t k = 0; k < defaults.size(); ++k)
        loaded.defaults.push_back(parse_default_entry(defaults.at(k), loaded.file));
      content = content.without("defaults");
    }
    loaded.content = content;
    return loaded_.emplace(config_path, std::move(loaded)).first->second;
  }

  std::string absolute_group(const RawDefault& d, const std::string& parent_path) const {
    if (!d.target.empty() && d.target[0] == '/') return d.target.substr(1);
    std::string dir = dirname_of(parent_path);
    return dir.empty() ? d.target : dir + "/" + d.target;
  }

  std::string relative_group(const RawDefault& d) const {
    return d.target[0] == '/' ? d.target.substr(1) : d.target;
  }

  // Package of a child of a config whose package is `parent_package`.
  std::string child_package(const RawDefault& d, const LoadedConfig& child,
                            const std::string& parent_package, const std::string& where) const {
    if (d.has_package) return resolve_package(d.package, parent_package, false, where);
    if (child.has_header) return resolve_package(child.header_package, "", true, child.file);
    std::string group = d.is_group ? relative_group(d) : dirname_of(relative_group(d));
    std::replace(group.begin(), group.end(), '/', '.');
    return join_package(parent_package, group);
  }

  void expand(const std::string& config_path, const std::string& package, const std::string& parent,
              bool is_primary, int depth) {
    MOTLAB_CHECK(depth < 64, "defaults list nesting deeper than 64 at '", config_path,
                 "' (a config includes itself?)");
    LoadedConfig& loaded = loaded_.at(config_path);
    std::vector<RawDefault> defaults = loaded.defaults;
    int selves = 0;
    bool seen_override = false;
    for (const auto& d : defaults) {
      if (d.is_self) ++selves;
      MOTLAB_CHECK(!(seen_override && !d.is_override && !d.is_self), d.where.str(), ": In '",
                   config_path, "': override entries must be at the end of the defaults list");
      if (d.is_override) seen_override = true;
    }
    MOTLAB_CHECK(selves <= 1, loaded.file, ": duplicate _self_ in the defaults list");
    if (selves == 0) {
      RawDefault self;
      self.is_self = true;
      defaults.push_back(self);
    }
    // `+group=option` from the command line comes after the primary config, _self_ included (as
    // Hydra's root node does), so an appended experiment overrides the primary's values.
    if (is_primary)
      for (const auto& d : cli_appends_) defaults.push_back(d);
    // Register this config's `override` entries (the first registration of a key wins).
    for (const auto& d : defaults) {
      if (!d.is_override) continue;
      const std::string key = override_key(d, config_path, package);
      PendingOverride& pending = overrides_[key];
      if (pending.has_choice || (pending.deleted && !pending.deletion_from_command_line))
        continue;  // the command line, or an earlier config, decided it
      if (pending.source.empty()) {
        pending.source = config_path;
        pending.where = d.where;
      }
      if (d.is_null) {
        pending.deleted = true;
      } else {
        pending.has_choice = true;
        pending.option = d.option;
      }
    }
    // Expand children in reverse, so that later entries' overrides apply to earlier entries.
    std::vector<std::function<void()>> emitters;
    for (auto it = defaults.rbegin(); it != defaults.rend(); ++it) {
      const RawDefault& d = *it;
      if (d.is_override) continue;
      if (d.is_self) {
        emitters.push_back([this, config_path, package, parent]() {
          final_list_.push_back(DefaultsEntry{config_path, package, parent, true});
        });
        continue;
      }
      std::string child_path;
      bool optional = d.optional;
      if (d.is_group) {
        const std::string group = absolute_group(d, config_path);
        const std::string key = override_key(d, config_path, package);
        auto pending = overrides_.find(key);
        const bool key_deleted = pending != overrides_.end() && pending->second.deleted &&
                                 !pending->second.delete_only_if;
        if (seen_groups_.count(key)) {
          // A second entry for a key (an appended +group=option) is an error unless ~group
          // removes the key altogether, as in Hydra.
          if (key_deleted) continue;
          MOTLAB_FAIL(d.where.str(), ": Multiple values for ", key,
                      ". To override a value use 'override ", key, ": ", seen_options_[key], "'");
        }
        seen_groups_.insert(key);
        seen_options_[key] = d.is_null ? "null" : d.option;
        std::string option = d.option;
        bool is_null = d.is_null;
        bool deleted = false;
        if (pending != overrides_.end()) {
          PendingOverride& p = pending->second;
          p.used = true;
          if (p.has_choice) {
            // An option named on the command line must exist, even in an `optional` entry: a
            // typo there is never silently ignored.
            if (p.choice_from_command_line && !p.deleted) optional = false;
            option = p.option;
            is_null = false;
          }
          if (p.deleted) {
            MOTLAB_CHECK(!p.delete_only_if || p.delete_option == option, "Could not delete '", key,
                         "=", p.delete_option, "'. No match in the defaults list (the choice is '",
                         is_null ? "null" : option, "')");
            is_null = true;
            deleted = true;
          }
        }
        // A deleted choice leaves runtime.choices, as in Hydra; a null default stays as null.
        if (!deleted) choices_[key] = is_null ? "null" : option;
        if (is_null) continue;
        child_path = group + "/" + option;
        if (paths_.find(child_path + ".yaml").empty() && !optional) {
          if (request_.probe) continue;
          MOTLAB_FAIL(d.where.str(), ": In '", config_path,
                      "': ", missing_option_message(group, option));
        }
      } else {
        child_path = absolute_group(d, config_path);
      }
      LoadedConfig& child = load(child_path, optional, d.where);
      if (child.config_path.empty()) continue;  // optional and absent
      const std::string pkg =
          child_package(d, child, package, d.where.str() + " (in '" + config_path + "')");
      // Expanding now registers the child's overrides before earlier siblings are expanded.
      size_t mark = final_list_.size();
      expand(child_path, pkg, config_path, false, depth + 1);
      std::vector<DefaultsEntry> produced(final_list_.begin() + mark, final_list_.end());
      final_list_.resize(mark);
      emitters.push_back([this, produced]() {
        final_list_.insert(final_list_.end(), produced.begin(), produced.end());
      });
    }
    for (auto it = emitters.rbegin(); it != emitters.rend(); ++it) (*it)();
  }

  // OmegaConf's merge: dicts merge key by key, lists and scalars replace, a dict never meets a
  // list (`where` names what was merged, for the error).
  static Config merge(const Config& base, const Config& incoming, const std::string& where) {
    MOTLAB_CHECK(
        !((base.is_dict() && incoming.is_list()) || (base.is_list() && incoming.is_dict())), where,
        ": cannot merge a ", incoming.kind_name(), " into the ", base.kind_name(), " at ",
        base.path().empty() ? "the root" : "'" + base.path() + "'",
        base.where().file.empty() ? "" : " (" + base.where().str() + ")");
    if (base.is_dict() && incoming.is_dict()) {
      std::vector<Config::Item> items = base.items();
      for (const auto& [key, value] : incoming.items()) {
        bool found = false;
        for (auto& item : items) {
          if (item.first == key) {
            item.second = merge(item.second, value, where);
            found = true;
            break;
          }
        }
        if (!found) items.emplace_back(key, value);
      }
      return Config::dict(std::move(items), base.where()).relocated(base.path());
    }
    // A mandatory '???' never erases a value that is already set.
    if (incoming.is_missing() && !base.is_missing()) return base;
    return incoming;  // lists replace lists; a value may change type
  }

  // A config's content merged at its package; a list (an option file may hold one) becomes the
  // value at that package.
  static Config merge_at(const Config& root, const std::string& package, const Config& content,
                         const std::string& config_path) {
    const std::string where = "In '" + config_path + "'";
    if (package.empty()) {
      MOTLAB_CHECK(!content.is_list(), where,
                   ": a config whose top level is a list needs a package (it cannot merge into "
                   "the root of the config)");
      return merge(root, content, where);
    }
    Config existing;
    if (!root.find(package, &existing)) return root.with(package, content);
    return root.with(package, merge(existing.relocated(package), content, where));
  }

  // A key that does not exist in `current` at any depth where both sides are dicts (struct mode).
  static std::string first_new_key(const Config& current, const Config& value,
                                   const std::string& prefix) {
    if (!current.is_dict() || !value.is_dict()) return "";
    for (const auto& [key, inner] : value.items()) {
      Config existing;
      if (!current.find(key, &existing)) return prefix + key;
      const std::string deeper = first_new_key(existing, inner, prefix + key + ".");
      if (!deeper.empty()) return deeper;
    }
    return "";
  }

  // Python-like equality for `~key=value`: 5 == 5.0, and dicts compare regardless of key order.
  static bool same_value(const Config& a, const Config& b) {
    const bool numbers = (a.kind() == Config::Kind::kInt || a.kind() == Config::Kind::kFloat) &&
                         (b.kind() == Config::Kind::kInt || b.kind() == Config::Kind::kFloat);
    if (numbers) return a.as_double() == b.as_double();
    if (a.is_dict() && b.is_dict()) {
      if (a.size() != b.size()) return false;
      for (const auto& [key, value] : a.items()) {
        Config other;
        if (!b.find(key, &other) || !same_value(value, other)) return false;
      }
      return true;
    }
    if (a.is_list() && b.is_list()) {
      if (a.size() != b.size()) return false;
      for (size_t k = 0; k < a.size(); ++k)
        if (!same_value(a.at(k), b.at(k))) return false;
      return true;
    }
    return a == b;
  }

  static std::string shown(const Config& value) {
    return value.is_scalar() ? value.scalar_text() : value.to_json();
  }

  Config apply_value_override(const Config& config, const Override& o) const {
    const std::string& key = o.key;
    MOTLAB_CHECK(!o.has_package, "Override ", o.text,
                 " looks like a config group override, but config group '", key,
                 "' does not exist.");
    Config current;
    const bool exists = config.find(key, &current);
    const std::string where = "Error merging override " + o.text;
    switch (o.kind) {
      case Override::Kind::kDelete: {
        MOTLAB_CHECK(exists, "Could not delete from config. '", key, "' does not exist.");
        if (o.has_value) {
          Config expected = o.value();
          MOTLAB_CHECK(same_value(current, expected),
                       "Could not delete from config. The value of '", key, "' is ", shown(current),
                       " and not ", shown(expected), ".");
        }
        return config.without(key);
      }
      case Override::Kind::kAppend: {
        Config value = o.value();
        const bool container = value.is_dict() || value.is_list();
        MOTLAB_CHECK(!exists || current.is_null() || container,
                     "Could not append to config. An item is already at '", key,
                     "'.\nEither remove + prefix: '", key, "=", o.value_text,
                     "'\nOr add a second + to add or override '", key, "': '++", key, "=",
                     o.value_text, "'");
        return config.with(key, exists ? merge(current, value, where) : value);
      }
      case Override::Kind::kForce: {
        Config value = o.value();
        return config.with(key, exists ? merge(current, value, where) : value);
      }
      case Override::Kind::kSet: {
        Config value = o.value();
        const std::string new_key = exists ? first_new_key(current, value, key + ".") : key;
        if (!new_key.empty()) {
          // Struct mode: name the closest existing key at the deepest existing level.
          const size_t dot = new_key.rfind('.');
          const std::string parent_path = dot == std::string::npos ? "" : new_key.substr(0, dot);
          const std::string leaf = new_key.substr(dot == std::string::npos ? 0 : dot + 1);
          Config parent;
          std::string hint;
          if (config.find(parent_path, &parent) && parent.is_dict()) {
            std::string closest = closest_match(leaf, parent.keys());
            if (!closest.empty())
              hint = "\nDid you mean '" + (parent_path.empty() ? "" : parent_path + ".") + closest +
                     "'?";
          }
          MOTLAB_FAIL("Could not override '", key, "'.\nTo append to your config use +", key, "=",
                      o.value_text, "\nKey '", new_key, "' is not in struct", hint);
        }
        return config.with(key, merge(current, value, where));
      }
    }
    return config;
  }

  const ComposeRequest& request_;
  ConfigSearchPath paths_;
  std::map<std::string, LoadedConfig> loaded_;
  std::map<std::string, PendingOverride> overrides_;
  std::vector<RawDefault> cli_appends_;
  std::set<std::string> seen_groups_;
  std::map<std::string, std::string> seen_options_;  // key -> the option its first entry chose
  std::map<std::string, std::string> choices_;
  std::vector<DefaultsEntry> final_list_;
};

}  // namespace

Composed compose(const ComposeRequest& request) { return Composer(request).run(); }

std::string render_defaults(const std::vector<DefaultsEntry>& defaults) {
  std::vector<std::array<std::string, 3>> rows;
  size_t widths[3] = {11, 7, 6};
  for (const auto& d : defaults) {
    std::array<std::string, 3> row{d.config_path, d.package.empty() ? "" : d.package,
                                   d.parent.empty() ? "" : d.parent};
    for (int k = 0; k < 3; ++k) widths[k] = std::max(widths[k], row[k].size());
    rows.push_back(row);
  }
  auto pad = [](const std::string& s, size_t w) { return s + std::string(w - s.size(), ' '); };
  std::ostringstream out;
  out << "Defaults List\n*************\n";
  out << "| " << pad("Config path", widths[0]) << " | " << pad("Package", widths[1]) << " | "
      << pad("Parent", widths[2]) << " |\n";
  out << "|" << std::string(widths[0] + 2, '-') << "|" << std::string(widths[1] + 2, '-') << "|"
      << std::string(widths[2] + 2, '-') << "|\n";
  for (const auto& row : rows)
    out << "| " << pad(row[0], widths[0]) << " | " << pad(row[1], widths[1]) << " | "
        << pad(row[2], widths[2]) << " |\n";
  return out.str();
}

}  // namespace motlab
