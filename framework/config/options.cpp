#include "framework/config/options.h"

#include <algorithm>
#include <cmath>

#include "framework/core/error.h"
#include "framework/core/strings.h"

namespace motlab {
namespace {

std::string dotted_join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

template <class T>
struct OptionTraits;
template <>
struct OptionTraits<bool> {
  static constexpr OptionType type = OptionType::kBool;
  static Config to_config(bool v) { return Config::boolean(v); }
};
template <>
struct OptionTraits<int64_t> {
  static constexpr OptionType type = OptionType::kInt;
  static Config to_config(int64_t v) { return Config::integer(v); }
};
template <>
struct OptionTraits<int> {
  static constexpr OptionType type = OptionType::kInt;
  static Config to_config(int v) { return Config::integer(v); }
};
template <>
struct OptionTraits<double> {
  static constexpr OptionType type = OptionType::kFloat;
  static Config to_config(double v) { return Config::floating(v); }
};
template <>
struct OptionTraits<std::string> {
  static constexpr OptionType type = OptionType::kString;
  static Config to_config(const std::string& v) { return Config::string(v); }
};
template <class E>
Config list_config(const std::vector<E>& values) {
  std::vector<Config> items;
  for (const auto& v : values) items.push_back(OptionTraits<E>::to_config(v));
  return Config::list(items);
}
template <>
struct OptionTraits<std::vector<int64_t>> {
  static constexpr OptionType type = OptionType::kIntList;
  static Config to_config(const std::vector<int64_t>& v) { return list_config(v); }
};
template <>
struct OptionTraits<std::vector<double>> {
  static constexpr OptionType type = OptionType::kFloatList;
  static Config to_config(const std::vector<double>& v) { return list_config(v); }
};
template <>
struct OptionTraits<std::vector<std::string>> {
  static constexpr OptionType type = OptionType::kStringList;
  static Config to_config(const std::vector<std::string>& v) { return list_config(v); }
};
template <>
struct OptionTraits<Config> {
  static constexpr OptionType type = OptionType::kNode;
};

bool scalar_fits(OptionType type, const Config& v) {
  using K = Config::Kind;
  switch (type) {
    case OptionType::kBool:
      return v.kind() == K::kBool;
    case OptionType::kInt:
      return v.kind() == K::kInt;
    case OptionType::kFloat:
      return v.kind() == K::kInt || v.kind() == K::kFloat;
    case OptionType::kString:
      return v.is_scalar() && !v.is_null();
    default:
      return false;
  }
}

OptionType element_type(OptionType list) {
  switch (list) {
    case OptionType::kIntList:
      return OptionType::kInt;
    case OptionType::kFloatList:
      return OptionType::kFloat;
    default:
      return OptionType::kString;
  }
}

bool fits(const OptionDecl& decl, const Config& v) {
  if (v.is_null() || v.is_missing()) return true;  // null = the default; '???' caught on use
  switch (decl.type) {
    case OptionType::kNode:
      return true;
    case OptionType::kGroup:
      return v.is_dict();
    case OptionType::kList: {
      if (!v.is_list()) return false;
      for (size_t k = 0; k < v.size(); ++k)
        if (!v.at(k).is_dict()) return false;
      return true;
    }
    case OptionType::kIntList:
    case OptionType::kFloatList:
    case OptionType::kStringList: {
      if (!v.is_list()) return false;
      for (size_t k = 0; k < v.size(); ++k)
        if (!scalar_fits(element_type(decl.type), v.at(k))) return false;
      return true;
    }
    default:
      return scalar_fits(decl.type, v);
  }
}

// Bounds and choices of a declared option, on a value that fits its type.
void check_constraints(const OptionDecl& decl, const Config& value, const std::string& component) {
  if (value.is_null() || value.is_missing()) return;
  auto check_one = [&](const Config& v) {
    if (!decl.bounds.empty() &&
        (v.kind() == Config::Kind::kInt || v.kind() == Config::Kind::kFloat)) {
      const double x = v.as_double();
      const Bounds& b = decl.bounds;
      const bool ok = !std::isnan(x) &&
                      (!b.minimum || (b.exclusive_minimum ? x > *b.minimum : x >= *b.minimum)) &&
                      (!b.maximum || x <= *b.maximum);
      MOTLAB_CHECK(ok, component, ": ", v.describe(), " must be ", b.text(), ", got ",
                   v.scalar_text());
    }
    if (!decl.choices.empty() && v.kind() == Config::Kind::kString) {
      const std::string& s = v.as_string();
      MOTLAB_CHECK(std::find(decl.choices.begin(), decl.choices.end(), s) != decl.choices.end(),
                   component, ": ", v.describe(), " must be one of ", join_names(decl.choices),
                   ", got '", s, "'");
    }
  };
  if (value.is_list()) {
    for (size_t k = 0; k < value.size(); ++k) check_one(value.at(k));
  } else if (value.is_scalar()) {
    check_one(value);
  }
}

std::string render_default(const OptionDecl& decl) {
  if (decl.required()) return "(required)";
  if (decl.type == OptionType::kGroup || decl.type == OptionType::kList) return "";
  const Config& v = decl.default_value;
  if (v.is_null()) return "null";
  if (v.kind() == Config::Kind::kString) return v.as_string().empty() ? "\"\"" : v.as_string();
  if (v.is_scalar()) return v.scalar_text();
  return v.to_json();
}

}  // namespace

const char* option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kBool:
      return "bool";
    case OptionType::kInt:
      return "int";
    case OptionType::kFloat:
      return "float";
    case OptionType::kString:
      return "string";
    case OptionType::kIntList:
      return "list[int]";
    case OptionType::kFloatList:
      return "list[float]";
    case OptionType::kStringList:
      return "list[string]";
    case OptionType::kNode:
      return "node";
    case OptionType::kGroup:
      return "group";
    case OptionType::kList:
      return "list[dict]";
  }
  return "?";
}

OptionSchema& OptionSchema::add(OptionDecl decl) {
  // A duplicate declaration is a programming error in the component; registration-time code
  // must not throw (static initialisers), so the later one simply replaces the earlier.
  for (auto& existing : declarations_)
    if (existing.name == decl.name) {
      existing = std::move(decl);
      return *this;
    }
  declarations_.push_back(std::move(decl));
  return *this;
}

template <class T>
OptionSchema& OptionSchema::option(const std::string& name, const T& default_value,
                                   const std::string& help) {
  OptionDecl decl;
  decl.name = name;
  decl.type = OptionTraits<T>::type;
  decl.default_value = OptionTraits<T>::to_config(default_value);
  decl.help = help;
  return add(std::move(decl));
}

template <class T>
OptionSchema& OptionSchema::required(const std::string& name, const std::string& help) {
  OptionDecl decl;
  decl.name = name;
  decl.type = OptionTraits<T>::type;
  decl.default_value = Config::missing();
  decl.help = help;
  return add(std::move(decl));
}

OptionSchema& OptionSchema::node(const std::string& name, const std::string& help) {
  OptionDecl decl;
  decl.name = name;
  decl.type = OptionType::kNode;
  decl.default_value = Config::null();
  decl.help = help;
  return add(std::move(decl));
}

OptionSchema& OptionSchema::group(const std::string& name, OptionSchema nested,
                                  const std::string& help) {
  OptionDecl decl;
  decl.name = name;
  decl.type = OptionType::kGroup;
  decl.default_value = Config::null();
  decl.help = help;
  decl.group = std::make_shared<const OptionSchema>(std::move(nested));
  return add(std::move(decl));
}

OptionSchema& OptionSchema::optional_group(const std::string& name, OptionSchema nested,
                                           const std::string& help) {
  group(name, std::move(nested), help);
  for (auto& decl : declarations_)
    if (decl.name == name) decl.optional_group = true;
  return *this;
}

OptionSchema& OptionSchema::list(const std::string& name, OptionSchema item,
                                 const std::string& help) {
  OptionDecl decl;
  decl.name = name;
  decl.type = OptionType::kList;
  decl.default_value = Config::list({});
  decl.help = help;
  decl.group = std::make_shared<const OptionSchema>(std::move(item));
  return add(std::move(decl));
}

template <class T>
OptionSchema& OptionSchema::nullable(const std::string& name, const std::string& help,
                                     const std::optional<T>& default_value) {
  OptionDecl decl;
  decl.name = name;
  decl.type = OptionTraits<T>::type;
  decl.default_value = default_value ? OptionTraits<T>::to_config(*default_value) : Config::null();
  decl.help = help;
  return add(std::move(decl));
}

OptionSchema& OptionSchema::include(const OptionSchema& other) {
  for (const auto& decl : other.declarations_) add(decl);
  return *this;
}

OptionSchema& OptionSchema::bound(const std::string& name, const Bounds& bounds) {
  for (auto& decl : declarations_)
    if (decl.name == name) decl.bounds = bounds;
  return *this;
}

OptionSchema& OptionSchema::choose(const std::string& name, std::vector<std::string> choices) {
  for (auto& decl : declarations_)
    if (decl.name == name) decl.choices = std::move(choices);
  return *this;
}

std::string Bounds::text() const {
  auto number = [](double v) { return Config::floating(v).scalar_text(); };
  auto whole = [&](double v) {
    return v == static_cast<double>(static_cast<int64_t>(v))
               ? std::to_string(static_cast<int64_t>(v))
               : number(v);
  };
  if (minimum && maximum) return "in [" + whole(*minimum) + ", " + whole(*maximum) + "]";
  if (minimum) return (exclusive_minimum ? "> " : ">= ") + whole(*minimum);
  if (maximum) return "<= " + whole(*maximum);
  return "";
}

const OptionDecl* OptionSchema::find(const std::string& name) const {
  for (const auto& decl : declarations_)
    if (decl.name == name) return &decl;
  return nullptr;
}

const OptionDecl* OptionSchema::find_dotted(const std::string& dotted) const {
  const size_t dot = dotted.find('.');
  const OptionDecl* decl = find(dotted.substr(0, dot));
  if (dot == std::string::npos || !decl) return decl;
  return decl->type == OptionType::kGroup ? decl->group->find_dotted(dotted.substr(dot + 1))
                                          : nullptr;
}

Config OptionSchema::complete(const Config& node) const {
  if (!node.is_null() && !node.is_dict()) return node;  // validate() reports it
  std::vector<Config::Item> items;
  for (const auto& [key, value] : node.items())
    if (!key.empty() && key[0] == '_') items.emplace_back(key, value);
  for (const auto& decl : declarations_) {
    Config value;
    const bool present = node.is_dict() && node.find(decl.name, &value);
    if (decl.type == OptionType::kGroup && (!decl.optional_group || (present && value.is_dict())))
      items.emplace_back(decl.name, decl.group->complete(present && value.is_dict()
                                                             ? value
                                                             : Config::dict({}, value.where())));
    else
      items.emplace_back(decl.name, present ? value : decl.default_value);
  }
  for (const auto& [key, value] : node.items())
    if ((key.empty() || key[0] != '_') && !find(key)) items.emplace_back(key, value);
  return Config::dict(items, node.where()).relocated(node.path());
}

void OptionSchema::validate(const Config& node, const std::string& component) const {
  if (node.is_null()) return;
  MOTLAB_CHECK(node.is_dict(), component, ": options at ", node.describe(), " must be a dict, got ",
               node.kind_name());
  std::vector<std::string> names;
  for (const auto& decl : declarations_) names.push_back(decl.name);
  for (const auto& [key, value] : node.items()) {
    if (!key.empty() && key[0] == '_') continue;
    const OptionDecl* decl = find(key);
    if (!decl) {
      const std::string closest = closest_match(key, names);
      MOTLAB_FAIL(component, ": unknown option '", dotted_join(node.path(), key), "' (",
                  value.where().str(), ")",
                  closest.empty() ? "" : ". Did you mean '" + closest + "'?",
                  " Options: ", join_names(names, "<none>"));
    }
    MOTLAB_CHECK(fits(*decl, value), component, ": ", value.describe(), " must be ",
                 decl->type == OptionType::kGroup ? "a dict" : option_type_name(decl->type),
                 ", got ",
                 value.is_scalar() ? "'" + value.scalar_text() + "' (" + value.kind_name() + ")"
                                   : std::string(value.kind_name()));
    check_constraints(*decl, value, component);
    if (decl->type == OptionType::kGroup) decl->group->validate(value, component);
    if (decl->type == OptionType::kList)
      for (size_t k = 0; k < value.size(); ++k) decl->group->validate(value.at(k), component);
  }
}

std::vector<std::string> OptionSchema::repeated_defaults(const Config& node) const {
  std::vector<std::string> out;
  if (!node.is_dict()) return out;
  for (const auto& [key, value] : node.items()) {
    const OptionDecl* decl = find(key);
    if (!decl) continue;
    if (decl->type == OptionType::kGroup) {
      for (const auto& inner : decl->group->repeated_defaults(value))
        out.push_back(key + "." + inner);
      continue;
    }
    if (decl->type == OptionType::kList) {
      for (size_t k = 0; value.is_list() && k < value.size(); ++k)
        for (const auto& inner : decl->group->repeated_defaults(value.at(k)))
          out.push_back(key + "[" + std::to_string(k) + "]." + inner);
      continue;
    }
    if (decl->required() || value.is_missing()) {
      if (decl->required() && value.is_missing()) out.push_back(key);  // '???' = "required"
      continue;
    }
    if (value == decl->default_value ||
        (value.is_scalar() && decl->default_value.is_scalar() && !value.is_null() &&
         decl->type == OptionType::kFloat && value.as_double() == decl->default_value.as_double()))
      out.push_back(key);
  }
  return out;
}

std::vector<std::string> OptionSchema::undeclared_keys(const Config& node) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : node.items()) {
    if (!key.empty() && key[0] == '_') continue;
    const OptionDecl* decl = find(key);
    if (!decl)
      out.push_back(key);
    else if (decl->type == OptionType::kGroup && value.is_dict())
      for (const auto& inner : decl->group->undeclared_keys(value))
        out.push_back(key + "." + inner);
    else if (decl->type == OptionType::kList && value.is_list())
      for (size_t k = 0; k < value.size(); ++k)
        for (const auto& inner : decl->group->undeclared_keys(value.at(k)))
          out.push_back(key + "[" + std::to_string(k) + "]." + inner);
  }
  return out;
}

std::string OptionSchema::describe(const std::string& indent) const {
  size_t name_width = 4, type_width = 4, default_width = 7;
  for (const auto& d : declarations_) {
    name_width = std::max(name_width, d.name.size());
    type_width = std::max(type_width, std::string(option_type_name(d.type)).size());
    default_width = std::max(default_width, render_default(d).size());
  }
  auto pad = [](const std::string& s, size_t w) { return s + std::string(w - s.size() + 2, ' '); };
  std::string out;
  for (const auto& d : declarations_) {
    std::string help = d.help;
    if (!d.choices.empty()) {
      std::string alternatives;
      for (const auto& c : d.choices) alternatives += (alternatives.empty() ? "" : " | ") + c;
      help += " [" + alternatives + "]";
    }
    if (!d.bounds.empty()) help += " (" + d.bounds.text() + ")";
    out += indent + pad(d.name, name_width) + pad(option_type_name(d.type), type_width) +
           pad(render_default(d), default_width) + help + "\n";
    if (d.group)
      out +=
          d.group->describe(indent + "  " + d.name + (d.type == OptionType::kList ? "[]." : "."));
  }
  return out;
}

// ---- Options --------------------------------------------------------------------------------

Options::Options(const Config& node, const OptionSchema& schema, std::string component)
    : node_(node.is_null() ? Config::dict({}).relocated(node.path()) : node),
      schema_(&schema),
      component_(std::move(component)) {
  schema.validate(node_, component_);
}

const OptionDecl& Options::declared(const std::string& dotted) const {
  const OptionDecl* decl = schema_->find_dotted(dotted);
  MOTLAB_CHECK(decl, component_, " reads option '", dotted,
               "', which it does not declare (a bug in the component)");
  return *decl;
}

bool Options::is_null(const std::string& dotted) const {
  const OptionDecl& decl = declared(dotted);
  Config value;
  if (node_.find(dotted, &value)) return value.is_null();
  return decl.default_value.is_null();
}

std::string Options::describe(const std::string& dotted) const {
  Config value;
  if (node_.find(dotted, &value)) return value.describe();
  return "key '" + dotted_join(node_.path(), dotted) + "' (" + node_.where().str() + ")";
}

Config Options::node(const std::string& dotted) const {
  const OptionDecl& decl = declared(dotted);
  Config value;
  if (node_.find(dotted, &value) && !value.is_null()) return value;
  return decl.default_value.relocated(dotted_join(node_.path(), dotted));
}

std::vector<Options> Options::items(const std::string& dotted) const {
  const OptionDecl& decl = declared(dotted);
  MOTLAB_CHECK(decl.type == OptionType::kList, component_, " reads option '", dotted,
               "' as a list of items but declares it ", option_type_name(decl.type),
               " (a bug in the component)");
  const Config list = node(dotted);
  std::vector<Options> out;
  for (size_t k = 0; k < list.size(); ++k) out.emplace_back(list.at(k), *decl.group, component_);
  return out;
}

template <class T>
T Options::get(const std::string& dotted) const {
  const OptionDecl& decl = declared(dotted);
  const OptionType wanted = OptionTraits<T>::type;
  MOTLAB_CHECK(wanted == OptionType::kNode || decl.type == OptionType::kNode || wanted == decl.type,
               component_, " reads option '", dotted, "' as ", option_type_name(wanted),
               " but declares it ", option_type_name(decl.type), " (a bug in the component)");
  Config value;
  if (node_.find(dotted, &value) && !value.is_null()) {
    MOTLAB_CHECK(!value.is_missing(), component_, ": required option ", value.describe(),
                 " is not set (", decl.help, ")");
    return node_.get<T>(dotted);
  }
  MOTLAB_CHECK(!decl.required(), component_, ": required option '",
               dotted_join(node_.path(), dotted), "' is missing (", node_.where().str(), "; ",
               decl.help, ")");
  return Config::dict({{"v", decl.default_value}}).get<T>("v");
}

#define MOTLAB_OPTION_TYPE(T)                                                               \
  template OptionSchema& OptionSchema::option<T>(const std::string&, const T&,              \
                                                 const std::string&);                       \
  template OptionSchema& OptionSchema::required<T>(const std::string&, const std::string&); \
  template OptionSchema& OptionSchema::nullable<T>(const std::string&, const std::string&,  \
                                                   const std::optional<T>&);                \
  template T Options::get<T>(const std::string&) const;
MOTLAB_OPTION_TYPE(bool)
MOTLAB_OPTION_TYPE(int64_t)
MOTLAB_OPTION_TYPE(double)
MOTLAB_OPTION_TYPE(std::string)
MOTLAB_OPTION_TYPE(std::vector<int64_t>)
MOTLAB_OPTION_TYPE(std::vector<double>)
MOTLAB_OPTION_TYPE(std::vector<std::string>)
#undef MOTLAB_OPTION_TYPE
template Config Options::get<Config>(const std::string&) const;
template OptionSchema& OptionSchema::required<Config>(const std::string&, const std::string&);
template int Options::get<int>(const std::string&) const;

}  // namespace motlab
