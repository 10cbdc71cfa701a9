#include "framework/registry/registry.h"

#include <algorithm>
#include <mutex>

namespace motlab {
namespace {
std::vector<const FamilyBase*>& family_list() {
  static auto* list = new std::vector<const FamilyBase*>();
  return *list;
}
}  // namespace

FamilyBase::FamilyBase(std::string name, std::string config_group, std::string help)
    : name_(std::move(name)), config_group_(std::move(config_group)), help_(std::move(help)) {
  family_list().push_back(this);
}

std::vector<std::string> FamilyBase::keys() const {
  std::vector<std::string> out;
  for (const auto& [key, help] : helps_) out.push_back(key);
  return out;
}

const std::string& FamilyBase::help_of(const std::string& key) const {
  auto it = helps_.find(key);
  MOTLAB_CHECK(it != helps_.end(), "family '", name_, "' has no key '", key, "'");
  return it->second;
}

void FamilyBase::add_key(const std::string& key, const std::string& help) { helps_[key] = help; }

void FamilyBase::fail_unknown(const std::string& key, const std::string& context) const {
  std::vector<std::string> available = keys();
  std::string list;
  for (const auto& k : available) list += (list.empty() ? "" : ", ") + k;
  std::string closest = closest_match(key, available);
  MOTLAB_FAIL("unknown ", name_, " '", key, "'", context.empty() ? "" : " (" + context + ")",
              ". Available options in '", config_group_.empty() ? name_ : config_group_, "': ",
              list.empty() ? "<none registered>" : list,
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

std::string closest_match(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::string::npos;
  for (const auto& candidate : candidates) {
    const size_t n = key.size(), m = candidate.size();
    std::vector<size_t> row(m + 1);
    for (size_t j = 0; j <= m; ++j) row[j] = j;
    for (size_t i = 1; i <= n; ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= m; ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                           diagonal + (key[i - 1] == candidate[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row[m] < best_distance) {
      best_distance = row[m];
      best = candidate;
    }
  }
  // Only suggest when at most about a third of the characters differ.
  if (best_distance == std::string::npos || best_distance * 3 > std::max<size_t>(key.size(), 3))
    return "";
  return best;
}

}  // namespace motlab
