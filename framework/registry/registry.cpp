#include "framework/registry/registry.h"

#include <algorithm>

#include "framework/core/strings.h"

namespace motlab {
namespace {
std::vector<const FamilyBase*>& family_list() {
  static auto* list = new std::vector<const FamilyBase*>();
  return *list;
}
std::vector<GroupSchema>& group_list() {
  static auto* list = new std::vector<GroupSchema>();
  return *list;
}
std::string& current_origin() {
  static auto* origin = new std::string("built-in");
  return *origin;
}
std::vector<std::string>& pending_errors() {
  static auto* errors = new std::vector<std::string>();
  return *errors;
}
}  // namespace

FamilyBase::FamilyBase(std::string name, std::string config_group, std::string help)
    : name_(std::move(name)), config_group_(std::move(config_group)), help_(std::move(help)) {
  family_list().push_back(this);
}

std::vector<std::string> FamilyBase::keys() const {
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) out.push_back(key);
  return out;
}

const std::string& FamilyBase::help_of(const std::string& key) const {
  auto it = entries_.find(key);
  MOTLAB_CHECK(it != entries_.end(), "family '", name_, "' has no key '", key, "'");
  return it->second.help;
}

const OptionSchema& FamilyBase::schema_of(const std::string& key) const {
  auto it = entries_.find(key);
  MOTLAB_CHECK(it != entries_.end(), "family '", name_, "' has no key '", key, "'");
  return it->second.schema;
}

const std::string& FamilyBase::origin_of(const std::string& key) const {
  auto it = entries_.find(key);
  MOTLAB_CHECK(it != entries_.end(), "family '", name_, "' has no key '", key, "'");
  return it->second.origin;
}

bool FamilyBase::add_entry(const std::string& key, const std::string& help, OptionSchema schema) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    pending_errors().push_back(name_ + " '" + key + "' is registered twice: by " +
                               it->second.origin + " and by " + current_origin());
    return false;
  }
  entries_[key] = Entry{help, std::move(schema), current_origin()};
  return true;
}

void FamilyBase::fail_unknown(const std::string& key, const std::string& context) const {
  const std::vector<std::string> available = keys();
  const std::string closest = closest_match(key, available);
  MOTLAB_FAIL("unknown ", name_, " '", key, "'", context.empty() ? "" : " (" + context + ")",
              ". Available options in '", config_group_.empty() ? name_ : config_group_,
              "': ", join_names(available, "<none registered>"),
              closest.empty() ? "" : ". Did you mean '" + closest + "'?");
}

std::vector<const FamilyBase*> all_families() {
  std::vector<const FamilyBase*> out = family_list();
  std::sort(out.begin(), out.end(),
            [](const FamilyBase* a, const FamilyBase* b) { return a->name() < b->name(); });
  return out;
}

const FamilyBase* find_family(const std::string& name) {
  for (const FamilyBase* family : family_list())
    if (family->name() == name) return family;
  return nullptr;
}

const FamilyBase* family_of_group(const std::string& group) {
  if (group.empty()) return nullptr;
  for (const FamilyBase* family : family_list())
    if (family->config_group() == group) return family;
  return nullptr;
}

bool register_group_schema(const std::string& group, const std::string& help,
                           const OptionSchema& schema) {
  for (const auto& existing : group_list())
    if (existing.group == group) {
      pending_errors().push_back("config group '" + group + "' has two option declarations");
      return false;
    }
  group_list().push_back(GroupSchema{group, help, std::make_shared<const OptionSchema>(schema)});
  return true;
}

std::vector<GroupSchema> group_schemas() {
  std::vector<GroupSchema> out = group_list();
  std::sort(out.begin(), out.end(),
            [](const GroupSchema& a, const GroupSchema& b) { return a.group < b.group; });
  return out;
}

const OptionSchema* find_group_schema(const std::string& group) {
  for (const auto& entry : group_list())
    if (entry.group == group) return entry.schema.get();
  return nullptr;
}

Config complete_group_node(const std::string& group, const Config& node) {
  if (!node.is_dict()) return node;
  if (const FamilyBase* family = family_of_group(group)) {
    Config target;
    if (!node.find("_target_", &target) || target.kind() != Config::Kind::kString ||
        !family->contains(target.as_string()))
      return node;  // building it names the unknown key
    return family->schema_of(target.as_string()).complete(node);
  }
  if (const OptionSchema* schema = find_group_schema(group)) return schema->complete(node);
  return node;
}

void set_registration_origin(const std::string& origin) { current_origin() = origin; }

std::vector<std::string> take_registration_errors() {
  std::vector<std::string> out;
  out.swap(pending_errors());
  return out;
}

}  // namespace motlab
