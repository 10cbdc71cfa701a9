// Component registries: one Family per component kind (text encoders, motion encoders, losses,
// ...), filled by one MOTLAB_REGISTER line in each component's .cpp. The framework only ever
// sees a family's interface and the key a config names.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/config/config.h"
#include "framework/core/error.h"

namespace motlab {

// Type-erased view of a family, for `motlab list` and the census test.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string config_group, std::string help);
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  // Config group folder under configs/ whose option files select this family's keys
  // ("" when the family has no config group).
  const std::string& config_group() const { return config_group_; }
  const std::string& help() const { return help_; }
  std::vector<std::string> keys() const;
  const std::string& help_of(const std::string& key) const;
  bool contains(const std::string& key) const { return helps_.count(key) > 0; }
  // Error text for an unknown key: lists available keys and the closest match.
  [[noreturn]] void fail_unknown(const std::string& key, const std::string& context) const;

 protected:
  void add_key(const std::string& key, const std::string& help);

 private:
  std::string name_, config_group_, help_;
  std::map<std::string, std::string> helps_;
};

// All families in a stable (name) order.
std::vector<const FamilyBase*> all_families();
const FamilyBase* find_family(const std::string& name);

// Levenshtein-closest key ("" when nothing is reasonably close).
std::string closest_match(const std::string& key, const std::vector<std::string>& candidates);

template <class Product, class... Args>
class Family : public FamilyBase {
 public:
  using Factory = std::function<Product(Args...)>;
  using FamilyBase::FamilyBase;

  bool add(const std::string& key, const std::string& help, Factory factory) {
    MOTLAB_CHECK(!factories_.count(key), "family '", name(), "': key '", key, "' registered twice");
    add_key(key, help);
    factories_[key] = std::move(factory);
    return true;
  }
  // `context` says where the key came from (e.g. "configs/loss/x.yaml:3 (loss._target_)").
  Product create(const std::string& key, const std::string& context, Args... args) const {
    auto it = factories_.find(key);
    if (it == factories_.end()) fail_unknown(key, context);
    return it->second(std::forward<Args>(args)...);
  }

 private:
  std::map<std::string, Factory> factories_;
};

}  // namespace motlab

// Declare a family accessor in the family's interface header:
//   MOTLAB_DECLARE_FAMILY(loss_family, std::shared_ptr<Loss>, const Config&, const BuildContext&)
#define MOTLAB_DECLARE_FAMILY(accessor, Product, ...) \
  ::motlab::Family<Product, __VA_ARGS__>& accessor();

// Define it once in a framework .cpp: MOTLAB_DEFINE_FAMILY(loss_family, "loss", "loss", "help")
// (the Product/Args must repeat the declaration's).
#define MOTLAB_DEFINE_FAMILY(accessor, family_name, group, help_text, Product, ...) \
  ::motlab::Family<Product, __VA_ARGS__>& accessor() {                              \
    static auto* family =                                                           \
        new ::motlab::Family<Product, __VA_ARGS__>(family_name, group, help_text);  \
    return *family;                                                                 \
  }                                                                                 \
  static const bool motlab_family_##accessor##_touched = (accessor(), true);

#define MOTLAB_CONCAT_INNER(a, b) a##b
#define MOTLAB_CONCAT(a, b) MOTLAB_CONCAT_INNER(a, b)
// One line per component .cpp (inside the namespace that declares the family accessor):
//   MOTLAB_REGISTER(loss_family, "infonce", "help", factory_fn);
#define MOTLAB_REGISTER(accessor, key, help, factory)                \
  static const bool MOTLAB_CONCAT(motlab_registered_, __COUNTER__) = \
      accessor().add(key, help, factory)
