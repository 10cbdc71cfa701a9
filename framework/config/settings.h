// Options bound to the members of a settings struct, so that each option is written once: its
// name, the member it fills, its help and its checks (bounds, choices). The default is the
// member's value in a default-constructed struct; the OptionSchema (composition, `motlab list`,
// unknown-key errors) and the reader are both derived from the one declaration.
//
//   struct InfoNceSettings {
//     double temperature = 0.1;
//     std::optional<double> threshold;  // null = no filtering
//   };
//   const SettingsSchema<InfoNceSettings>& infonce_settings() {
//     static const auto schema = SettingsSchema<InfoNceSettings>()
//         .option("temperature", &InfoNceSettings::temperature, "softmax temperature", above(0))
//         .nullable("threshold", &InfoNceSettings::threshold, "captions this similar ...");
//     return schema;
//   }
//   ... factory: const InfoNceSettings s = infonce_settings().read(options);
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "framework/config/options.h"

namespace motlab {

template <class S>
class SettingsSchema {
 public:
  // `defaults`: the values of options the config leaves out (usually S's own initialisers; a
  // component may use a shared struct with its own defaults, e.g. LoRA r = 8, alpha = 16).
  explicit SettingsSchema(S defaults = S{}) : defaults_(std::move(defaults)) {}

  // T: bool, int64_t, double, std::string or a std::vector of int64_t, double, std::string.
  template <class T>
  SettingsSchema& option(const std::string& name, T S::*member, const std::string& help,
                         Bounds bounds = {}) {
    schema_.option<T>(name, defaults_.*member, help).bound(name, bounds);
    readers_.push_back([name, member](const Options& o, const std::string& prefix, S& s) {
      s.*member = o.get<T>(prefix + name);
    });
    return *this;
  }
  // A string that must be one of `choices` (shown by `motlab list`).
  SettingsSchema& choice(const std::string& name, std::string S::*member,
                         std::vector<std::string> choices, const std::string& help) {
    schema_.option<std::string>(name, defaults_.*member, help).choose(name, std::move(choices));
    readers_.push_back([name, member](const Options& o, const std::string& prefix, S& s) {
      s.*member = o.get<std::string>(prefix + name);
    });
    return *this;
  }
  // An option without a default ('???'): the config must set it.
  template <class T>
  SettingsSchema& required(const std::string& name, T S::*member, const std::string& help,
                           Bounds bounds = {}) {
    schema_.required<T>(name, help).bound(name, bounds);
    readers_.push_back([name, member](const Options& o, const std::string& prefix, S& s) {
      s.*member = o.get<T>(prefix + name);
    });
    return *this;
  }
  // null means "off" / "not given"; the default is the member's initialiser (often null).
  template <class T>
  SettingsSchema& nullable(const std::string& name, std::optional<T> S::*member,
                           const std::string& help, Bounds bounds = {}) {
    schema_.nullable<T>(name, help, defaults_.*member).bound(name, bounds);
    readers_.push_back([name, member](const Options& o, const std::string& prefix, S& s) {
      s.*member =
          o.is_null(prefix + name) ? std::nullopt : std::optional<T>(o.get<T>(prefix + name));
    });
    return *this;
  }
  // Any subtree, handed over as it is (default null).
  SettingsSchema& node(const std::string& name, Config S::*member, const std::string& help) {
    schema_.node(name, help);
    readers_.push_back([name, member](const Options& o, const std::string& prefix, S& s) {
      s.*member = o.node(prefix + name);
    });
    return *this;
  }
  // A nested dict with settings of its own ("lora.r").
  template <class G>
  SettingsSchema& group(const std::string& name, G S::*member, const SettingsSchema<G>& nested,
                        const std::string& help) {
    schema_.group(name, nested.options(), help);
    readers_.push_back([name, member, nested](const Options& o, const std::string& prefix, S& s) {
      nested.read_into(o, prefix + name + ".", s.*member);
    });
    return *this;
  }
  // A nested dict that stays null (nullopt) unless the config gives it as a dict.
  template <class G>
  SettingsSchema& optional_group(const std::string& name, std::optional<G> S::*member,
                                 const SettingsSchema<G>& nested, const std::string& help) {
    schema_.optional_group(name, nested.options(), help);
    readers_.push_back([name, member, nested](const Options& o, const std::string& prefix, S& s) {
      if (o.is_null(prefix + name)) {
        s.*member = std::nullopt;
        return;
      }
      G value{};
      nested.read_into(o, prefix + name + ".", value);
      s.*member = std::move(value);
    });
    return *this;
  }
  // A list of dicts, each read with `item`'s settings (default: empty).
  template <class G>
  SettingsSchema& list(const std::string& name, std::vector<G> S::*member,
                       const SettingsSchema<G>& item, const std::string& help) {
    schema_.list(name, item.options(), help);
    readers_.push_back([name, member, item](const Options& o, const std::string& prefix, S& s) {
      (s.*member).clear();
      for (const Options& entry : o.items(prefix + name)) {
        G value{};
        item.read_into(entry, "", value);
        (s.*member).push_back(std::move(value));
      }
    });
    return *this;
  }
  // The options of a nested struct, declared at this level (flat keys): e.g. a loss whose
  // decoder is an ACTOR transformer declares latent_dim, num_layers ... beside its weights.
  template <class G>
  SettingsSchema& flat(G S::*member, const SettingsSchema<G>& nested) {
    schema_.include(nested.options());
    readers_.push_back([member, nested](const Options& o, const std::string& prefix, S& s) {
      nested.read_into(o, prefix, s.*member);
    });
    return *this;
  }
  // Checks that involve several members (e.g. min_frames <= max_frames), run after reading:
  // `where(name)` names a key for the error ("key 'data.max_frames' (configs/data/x.yaml:3)").
  using Where = std::function<std::string(const std::string&)>;
  SettingsSchema& check(std::function<void(const S&, const Where& where)> rule) {
    checks_.push_back(std::move(rule));
    return *this;
  }

  const OptionSchema& options() const { return schema_; }
  S read(const Options& options) const {
    S s = defaults_;
    read_into(options, "", s);
    return s;
  }
  // Validates `node` (unknown keys, types, bounds, choices) and reads it.
  S read(const Config& node, const std::string& component) const {
    return read(Options(node, schema_, component));
  }
  void read_into(const Options& options, const std::string& prefix, S& s) const {
    for (const auto& reader : readers_) reader(options, prefix, s);
    const Where where = [&](const std::string& name) { return options.describe(prefix + name); };
    for (const auto& rule : checks_) rule(s, where);
  }

 private:
  S defaults_;
  OptionSchema schema_;
  std::vector<std::function<void(const Options&, const std::string&, S&)>> readers_;
  std::vector<std::function<void(const S&, const Where&)>> checks_;
};

}  // namespace motlab
