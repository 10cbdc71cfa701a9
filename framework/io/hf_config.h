// Hugging Face `config.json` (and any other flat JSON settings file: tokenizer_config.json,
// adapter_config.json) with typed getters. A missing key or a value of the wrong type is a
// motlab::Error naming the file, the key and the expected type.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace motlab::io {

// Bounds of the sizes read from a model's config.json (far above any real model: Qwen2-72B has
// 152k tokens, width 8192, 80 layers, 64 heads, 131k positions).
constexpr int64_t kMaxVocab = 1 << 24, kMaxWidth = 1 << 16, kMaxLayers = 1 << 10,
                  kMaxHeads = 1 << 10, kMaxPositions = 1 << 22;

class HfConfig {
 public:
  HfConfig() = default;
  // `path` is a JSON file or a folder holding config.json.
  static HfConfig load(const std::string& path);
  // `origin` names the source in errors.
  static HfConfig parse(const std::string& json_text, const std::string& origin);
  static HfConfig from_json(nlohmann::json json, std::string origin);

  const std::string& origin() const { return origin_; }
  const nlohmann::json& json() const { return json_; }

  // True when the key exists and is not null. Keys may be dotted ("rope_scaling.type") when the
  // whole key is not itself present.
  bool has(const std::string& key) const;

  // Required values: throw naming file + key + expected type when absent/null or mistyped.
  int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;  // accepts integers too
  bool get_bool(const std::string& key) const;
  std::string get_string(const std::string& key) const;
  std::vector<int64_t> get_int_list(const std::string& key) const;
  std::vector<std::string> get_string_list(const std::string& key) const;

  // Optional values: the fallback when absent or null; a present value of the wrong type throws.
  int64_t get_int(const std::string& key, int64_t fallback) const;
  // An integer / number within [low, high], else an error naming the file, the key, the range and
  // the value: a size of 0 would divide by zero, a huge one would allocate without bound.
  int64_t get_int_in(const std::string& key, int64_t low, int64_t high) const;
  int64_t get_int_in(const std::string& key, int64_t low, int64_t high, int64_t fallback) const;
  double get_double_in(const std::string& key, double low, double high, double fallback) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;

  // Writes pretty-printed JSON atomically.
  void save(const std::string& path) const;

 private:
  const nlohmann::json* find(const std::string& key) const;  // nullptr when absent or null
  const nlohmann::json& require(const std::string& key, const char* expected) const;
  [[noreturn]] void type_error(const std::string& key, const char* expected,
                               const nlohmann::json& value) const;

  nlohmann::json json_ = nlohmann::json::object();
  std::string origin_;
};

}  // namespace motlab::io
