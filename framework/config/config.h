// motlab's immutable configuration tree.
//
// YAML is converted once into Config nodes (yaml-cpp nodes alias each other and hold untyped
// scalars; ours do neither). A Config is a cheap value handle: a shared pointer to an immutable
// node plus the dotted path it was reached by, so every error can name the key and the file:line
// the value came from. Edits (with/without) return new trees that share unchanged subtrees.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace motlab {

struct SourceLocation {
  std::string file;         // empty when the value was made in code or on the command line
  int line = 0;             // 1-based; 0 = unknown
  std::string str() const;  // "configs/model/tmr.yaml:12" or "<command line>"
};

class Config {
 public:
  enum class Kind { kNull, kBool, kInt, kFloat, kString, kList, kDict, kMissing };
  using Item = std::pair<std::string, Config>;

  Config();  // null
  static Config null(SourceLocation where = {});
  static Config boolean(bool value, SourceLocation where = {});
  static Config integer(int64_t value, SourceLocation where = {});
  static Config floating(double value, SourceLocation where = {});
  static Config string(std::string value, SourceLocation where = {});
  static Config missing(SourceLocation where = {});  // Hydra's "???"
  static Config list(std::vector<Config> items, SourceLocation where = {});
  static Config dict(std::vector<Item> items, SourceLocation where = {});  // keeps order

  // Parse with motlab's scalar grammar (null/true/false, ints with '_', floats incl. 1e-4,
  // quoted scalars stay strings, ??? = missing). Errors name source_name:line.
  static Config from_yaml_string(const std::string& text,
                                 const std::string& source_name = "<string>");
  static Config from_yaml_file(const std::string& path);
  // Parse one scalar written on a command line or in YAML plain style (same typing rules).
  static Config parse_scalar(const std::string& text, SourceLocation where = {});

  Kind kind() const;
  const char* kind_name() const;
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_missing() const { return kind() == Kind::kMissing; }
  bool is_dict() const { return kind() == Kind::kDict; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_scalar() const;

  // Typed scalar access; a wrong kind throws an error naming path, location, expected and actual.
  bool as_bool() const;
  int64_t as_int() const;
  double as_double() const;  // ints are promoted
  const std::string& as_string() const;
  std::string scalar_text() const;  // any scalar rendered as text (for interpolation into strings)

  // Containers.
  size_t size() const;  // list length or dict size; 0 for scalars
  Config at(size_t index) const;
  const std::vector<Item>& items() const;  // dict entries in order (empty for non-dicts)
  std::vector<std::string> keys() const;
  bool has(const std::string& dotted) const;
  // Dotted path lookup ("model.latent_dim"); throws naming the path and the keys that exist.
  Config operator[](const std::string& dotted) const;
  // Dotted path lookup returning nullopt-like empty handle; check with found().
  bool find(const std::string& dotted, Config* out) const;

  template <class T>
  T get(const std::string& dotted) const;
  template <class T>
  T get(const std::string& dotted, const T& fallback) const;  // absent or null -> fallback

  // Non-mutating edits (intermediate dicts are created as needed).
  Config with(const std::string& dotted, const Config& value) const;
  Config without(const std::string& dotted) const;
  // Same value, new location/path (used when grafting subtrees).
  Config relocated(const std::string& path) const;

  const std::string& path() const { return path_; }  // "" for the root
  const SourceLocation& where() const;
  std::string describe() const;  // "key 'a.b' (configs/x.yaml:3)"

  bool operator==(const Config& other) const;  // deep structural equality, ignores locations
  bool operator!=(const Config& other) const { return !(*this == other); }

  std::string to_yaml() const;  // block style, deterministic, round-trips through from_yaml_string
  std::string to_json() const;

  struct Node;

 private:
  Config(std::shared_ptr<const Node> node, std::string path);
  std::shared_ptr<const Node> node_;
  std::string path_;
};

}  // namespace motlab
