// Component registries: one Family per component kind (text encoders, motion encoders, losses,
// ...), filled by one MOTLAB_REGISTER line in each component's .cpp, built-in or in a plugin.
// Every family has the same contract: a key, a one-line help, the declared options and
//   std::shared_ptr<Interface> factory(const Options& options, const BuildContext& ctx)
// and `family.build(node, ctx)` does the `_target_` lookup, option checks and construction.
// The framework only ever sees a family's interface and the key a config names.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/config/config.h"
#include "framework/config/options.h"
#include "framework/core/error.h"

namespace motlab {

// What a factory gets besides its own options: where tensors live, the whole resolved config
// (for lookups such as data.nfeats), the run directory and the seed.
struct BuildContext {
  torch::Device device = torch::kCPU;
  Config root;            // the resolved run config
  std::string run_dir;    // "" outside a run (tests, tools)
  std::string cache_dir;  // where frozen features / similarity matrices are cached
  uint64_t seed = 1234;
};

// Type-erased view of a family, for `motlab list`, composition and the census.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string config_group, std::string help);
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  // Config group folder whose option files select this family's keys ("" = none).
  const std::string& config_group() const { return config_group_; }
  const std::string& help() const { return help_; }
  std::vector<std::string> keys() const;
  bool contains(const std::string& key) const { return entries_.count(key) > 0; }
  const std::string& help_of(const std::string& key) const;
  const OptionSchema& schema_of(const std::string& key) const;
  // "built-in", or the plugin library that registered the key.
  const std::string& origin_of(const std::string& key) const;
  // The key used when a config selects none of this family (a family where "none" has a natural
  // meaning, as Hydra's basic launcher for a multirun); "" when there is none.
  const std::string& default_key() const { return default_key_; }
  bool set_default_key(const std::string& key) {
    default_key_ = key;
    return true;
  }
  // Error text for an unknown key: lists available keys and the closest match.
  [[noreturn]] void fail_unknown(const std::string& key, const std::string& context) const;

 protected:
  bool add_entry(const std::string& key, const std::string& help, OptionSchema schema);

 private:
  struct Entry {
    std::string help;
    OptionSchema schema;
    std::string origin;
  };
  std::string name_, config_group_, help_, default_key_;
  std::map<std::string, Entry> entries_;
};

template <class Interface>
class Family : public FamilyBase {
 public:
  using Product = std::shared_ptr<Interface>;
  using Factory = std::function<Product(const Options&, const BuildContext&)>;
  using FamilyBase::FamilyBase;

  // Called from static initialisers: never throws; a clash is kept for registration_errors().
  bool add(const std::string& key, const std::string& help, OptionSchema schema, Factory factory) {
    if (!add_entry(key, help, std::move(schema))) return false;
    factories_[key] = std::move(factory);
    return true;
  }
  // The component a config node selects with `_target_: <key>`.
  Product build(const Config& node, const BuildContext& ctx) const {
    MOTLAB_CHECK(node.is_dict(), node.describe(), ": expected a ", name(),
                 " config (a dict with _target_), got ", node.kind_name());
    MOTLAB_CHECK(node.has("_target_"), node.describe(), ": ", name(), " config has no '_target_'");
    return create(node.get<std::string>("_target_"), node, ctx, node["_target_"].describe());
  }
  // The component registered as `key` (where the key comes from something other than
  // `_target_`, e.g. a config.json model_type); `context` names that source for errors.
  Product create(const std::string& key, const Config& node, const BuildContext& ctx,
                 const std::string& context) const {
    auto it = factories_.find(key);
    if (it == factories_.end()) fail_unknown(key, context);
    const Options options(node, schema_of(key), name() + " '" + key + "'");
    return it->second(options, ctx);
  }

 private:
  std::map<std::string, Factory> factories_;
};

// All families in a stable (name) order.
std::vector<const FamilyBase*> all_families();
const FamilyBase* find_family(const std::string& name);
// The family whose config group is `group` (nullptr if none).
const FamilyBase* family_of_group(const std::string& group);

// Config groups without components whose nodes have declared options (e.g. `trainer`, `data`).
struct GroupSchema {
  std::string group, help;
  std::shared_ptr<const OptionSchema> schema;
};
bool register_group_schema(const std::string& group, const std::string& help,
                           const OptionSchema& schema);
std::vector<GroupSchema> group_schemas();
const OptionSchema* find_group_schema(const std::string& group);

// Composition hook: the declared options of the component (or group) a node of `group` selects,
// filled in where the option file left them out; other nodes come back unchanged.
Config complete_group_node(const std::string& group, const Config& node);

// Where registrations made from now on come from ("built-in" until a plugin loads).
void set_registration_origin(const std::string& origin);
// Clashes seen while registering (a key registered twice), emptied by the call.
std::vector<std::string> take_registration_errors();

}  // namespace motlab

// Declare a family accessor in the family's interface header:
//   MOTLAB_DECLARE_FAMILY(loss_family, Loss)
#define MOTLAB_DECLARE_FAMILY(accessor, Interface) ::motlab::Family<Interface>& accessor();

// Define it once in a framework .cpp: MOTLAB_DEFINE_FAMILY(loss_family, Loss, "loss", "loss",
// "help"); `group` is the config folder of its option files.
#define MOTLAB_DEFINE_FAMILY(accessor, Interface, family_name, group, help_text)          \
  ::motlab::Family<Interface>& accessor() {                                               \
    static auto* family = new ::motlab::Family<Interface>(family_name, group, help_text); \
    return *family;                                                                       \
  }                                                                                       \
  static const bool motlab_family_##accessor##_touched = (accessor(), true);

#define MOTLAB_CONCAT_INNER(a, b) a##b
#define MOTLAB_CONCAT(a, b) MOTLAB_CONCAT_INNER(a, b)
// One line per component .cpp (inside the namespace that declares the family accessor):
//   MOTLAB_REGISTER(loss_family, "infonce", "help", OptionSchema().option<double>(...), factory);
#define MOTLAB_REGISTER(accessor, key, help, schema, factory)        \
  static const bool MOTLAB_CONCAT(motlab_registered_, __COUNTER__) = \
      accessor().add(key, help, schema, factory)

// The component a family falls back to when a config selects none (one per family):
//   MOTLAB_REGISTER_DEFAULT(launcher_family, "local");
#define MOTLAB_REGISTER_DEFAULT(accessor, key)                               \
  static const bool MOTLAB_CONCAT(motlab_default_registered_, __COUNTER__) = \
      accessor().set_default_key(key)

// A config group with declared options but no components:
//   MOTLAB_REGISTER_GROUP("trainer", "help", trainer_schema());
#define MOTLAB_REGISTER_GROUP(group, help, schema)                         \
  static const bool MOTLAB_CONCAT(motlab_group_registered_, __COUNTER__) = \
      ::motlab::register_group_schema(group, help, schema)
