// Declared options (Marian's habit): a component, or a config group such as `trainer`, declares
// each option once in C++ with its type, default and one-line help. The declaration
//  - completes option files at composition time (an option file sets only what differs),
//  - rejects unknown keys (with the closest match) and values of the wrong type,
//  - drives `motlab list <family> <key>`.
//
//   OptionSchema()
//       .option<int64_t>("hidden_dim", 512, "MLP hidden width")
//       .required<std::string>("model_dir", "Hugging Face model folder")
//       .group("lora", OptionSchema().option<int64_t>("r", 8, "LoRA rank"), "LoRA adapter")
//       .node("stages", "stage name -> override list")
//       .list("rows", OptionSchema().required<std::string>("label", "row label"), "table rows")
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/config/config.h"

namespace motlab {

class OptionSchema;

enum class OptionType {
  kBool,
  kInt,
  kFloat,
  kString,
  kIntList,
  kFloatList,
  kStringList,
  kNode,
  kGroup,
  kList
};
const char* option_type_name(OptionType type);

// Bounds of a number option (and of each element of a number list), checked when a config is
// read: at_least(0), above(0), between(1, 1024).
struct Bounds {
  std::optional<double> minimum, maximum;
  bool exclusive_minimum = false;
  bool empty() const { return !minimum && !maximum; }
  std::string text() const;  // ">= 0", "> 0", "in [1, 1024]"
};
inline Bounds at_least(double minimum) { return Bounds{minimum, std::nullopt, false}; }
inline Bounds above(double minimum) { return Bounds{minimum, std::nullopt, true}; }
inline Bounds between(double minimum, double maximum) { return Bounds{minimum, maximum, false}; }

struct OptionDecl {
  std::string name;
  OptionType type = OptionType::kNode;
  Config default_value;  // Kind::kMissing ('???') when required
  std::string help;
  std::shared_ptr<const OptionSchema> group;  // kGroup: the nested options; kList: each item's
  bool optional_group = false;                // kGroup that stays null unless given as a dict
  Bounds bounds;                              // numbers: checked by validate()
  std::vector<std::string> choices;           // strings: the allowed values (empty = any)
  bool required() const { return default_value.is_missing(); }
};

class OptionSchema {
 public:
  // T: bool, int64_t, double, std::string, std::vector<int64_t|double|std::string>.
  template <class T>
  OptionSchema& option(const std::string& name, const T& default_value, const std::string& help);
  template <class T>
  OptionSchema& required(const std::string& name, const std::string& help);
  // Type T, null allowed (null = "off" / "not given"); the default is null unless given.
  template <class T>
  OptionSchema& nullable(const std::string& name, const std::string& help,
                         const std::optional<T>& default_value = std::nullopt);
  // Checks added to a declared option: bounds of a number, allowed values of a string.
  OptionSchema& bound(const std::string& name, const Bounds& bounds);
  OptionSchema& choose(const std::string& name, std::vector<std::string> choices);
  // Any subtree (dict, list or scalar), handed to the component as it is; default null.
  OptionSchema& node(const std::string& name, const std::string& help);
  // A nested dict with declared options of its own (read as "name.key").
  OptionSchema& group(const std::string& name, OptionSchema nested, const std::string& help);
  // Like group(), but null unless the config gives it (e.g. data.synth: only the built-in
  // dataset has one); when given, it is completed and checked like a group.
  OptionSchema& optional_group(const std::string& name, OptionSchema nested,
                               const std::string& help);
  // Every declaration of `other`, added at this level.
  OptionSchema& include(const OptionSchema& other);
  // A list of dicts, each with the declared options of `item` (default: an empty list).
  OptionSchema& list(const std::string& name, OptionSchema item, const std::string& help);

  const std::vector<OptionDecl>& declarations() const { return declarations_; }
  const OptionDecl* find(const std::string& name) const;
  // Dotted lookup through groups ("lora.r"); nullptr when not declared.
  const OptionDecl* find_dotted(const std::string& dotted) const;

  // `node` with every declared option present: keys starting with '_' first, then declared
  // options in declaration order (the node's value, else the default), then undeclared keys.
  Config complete(const Config& node) const;
  // Throws for unknown keys (naming the closest declared one) and for values whose kind does not
  // fit the declared type; `component` prefixes the message ("text_encoder 'ngram_bow'").
  void validate(const Config& node, const std::string& component) const;
  // Keys of `node` whose value equals the declared default (a default written twice), and keys
  // it sets that are not declared (dotted through groups; keys starting with '_' are neither).
  std::vector<std::string> repeated_defaults(const Config& node) const;
  std::vector<std::string> undeclared_keys(const Config& node) const;
  // One line per option: "  name  type  default  help" (groups indented), for `motlab list`.
  std::string describe(const std::string& indent = "  ") const;

 private:
  OptionSchema& add(OptionDecl decl);
  std::vector<OptionDecl> declarations_;
};

// A component's options as its factory reads them: validated against the schema, defaults filled.
class Options {
 public:
  Options(const Config& node, const OptionSchema& schema, std::string component);
  // A declared option's value ("lora.r" for a group member); absent or null -> its default.
  template <class T>
  T get(const std::string& dotted) const;
  Config node(
      const std::string& dotted) const;  // subtree of a node/group option (default if unset)
  // The items of a list option, each read with the item's declared options.
  std::vector<Options> items(const std::string& dotted) const;
  // The value is null: written as null, or absent with a null default. Options where null means
  // "off" (e.g. a loss's filtering threshold) test this before get().
  bool is_null(const std::string& dotted) const;
  std::string describe(const std::string& dotted) const;  // "key 'x.y' (file:line)" for errors
  bool declares(const std::string& dotted) const { return schema_->find_dotted(dotted); }
  const Config& config() const { return node_; }
  const std::string& component() const { return component_; }

 private:
  const OptionDecl& declared(const std::string& dotted) const;
  Config node_;
  const OptionSchema* schema_;
  std::string component_;
};

}  // namespace motlab
