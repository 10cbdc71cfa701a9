#include "framework/io/hf_config.h"

#include <cmath>
#include <filesystem>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"

namespace motlab::io {

HfConfig HfConfig::load(const std::string& path) {
  std::string file = path;
  if (std::filesystem::is_directory(path))
    file = (std::filesystem::path(path) / "config.json").string();
  MOTLAB_CHECK(std::filesystem::exists(file), "config file '", file, "' does not exist");
  return parse(motlab::read_file(file), file);
}

HfConfig HfConfig::parse(const std::string& json_text, const std::string& origin) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    MOTLAB_FAIL("config '", origin, "' is not valid JSON: ", e.what());
  }
  MOTLAB_CHECK(json.is_object(), "config '", origin, "' must be a JSON object");
  return from_json(std::move(json), origin);
}

HfConfig HfConfig::from_json(nlohmann::json json, std::string origin) {
  MOTLAB_CHECK(json.is_object(), "config '", origin, "' must be a JSON object");
  HfConfig config;
  config.json_ = std::move(json);
  config.origin_ = std::move(origin);
  return config;
}

const nlohmann::json* HfConfig::find(const std::string& key) const {
  auto direct = json_.find(key);
  if (direct != json_.end()) return direct->is_null() ? nullptr : &*direct;
  const nlohmann::json* node = &json_;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    const std::string part =
        key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object()) return nullptr;
    auto it = node->find(part);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node->is_null() ? nullptr : node;
}

bool HfConfig::has(const std::string& key) const { return find(key) != nullptr; }

void HfConfig::type_error(const std::string& key, const char* expected,
                          const nlohmann::json& value) const {
  MOTLAB_FAIL("config '", origin_, "': key '", key, "' must be ", expected, ", got ", value.dump());
}

const nlohmann::json& HfConfig::require(const std::string& key, const char* expected) const {
  const nlohmann::json* value = find(key);
  MOTLAB_CHECK(value, "config '", origin_, "': required key '", key, "' (", expected,
               ") is missing");
  return *value;
}

namespace {
bool integral(const nlohmann::json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15;
}
int64_t as_int(const nlohmann::json& v) {
  return v.is_number_float() ? static_cast<int64_t>(v.get<double>()) : v.get<int64_t>();
}
}  // namespace

int64_t HfConfig::get_int(const std::string& key) const {
  const auto& v = require(key, "an integer");
  if (!integral(v)) type_error(key, "an integer", v);
  return as_int(v);
}

double HfConfig::get_double(const std::string& key) const {
  const auto& v = require(key, "a number");
  if (!v.is_number()) type_error(key, "a number", v);
  return v.get<double>();
}

bool HfConfig::get_bool(const std::string& key) const {
  const auto& v = require(key, "true or false");
  if (!v.is_boolean()) type_error(key, "true or false", v);
  return v.get<bool>();
}

std::string HfConfig::get_string(const std::string& key) const {
  const auto& v = require(key, "a string");
  if (!v.is_string()) type_error(key, "a string", v);
  return v.get<std::string>();
}

std::vector<int64_t> HfConfig::get_int_list(const std::string& key) const {
  const auto& v = require(key, "a list of integers");
  if (!v.is_array()) type_error(key, "a list of integers", v);
  std::vector<int64_t> out;
  for (const auto& item : v) {
    if (!integral(item)) type_error(key, "a list of integers", v);
    out.push_back(as_int(item));
  }
  return out;
}

std::vector<std::string> HfConfig::get_string_list(const std::string& key) const {
  const auto& v = require(key, "a list of strings");
  if (!v.is_array()) type_error(key, "a list of strings", v);
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) type_error(key, "a list of strings", v);
    out.push_back(item.get<std::string>());
  }
  return out;
}

int64_t HfConfig::get_int(const std::string& key, int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}
double HfConfig::get_double(const std::string& key, double fallback) const {
  return has(key) ? get_double(key) : fallback;
}
int64_t HfConfig::get_int_in(const std::string& key, int64_t low, int64_t high) const {
  const int64_t value = get_int(key);
  MOTLAB_CHECK(value >= low && value <= high, "config '", origin_, "': key '", key,
               "' must be in [", low, ", ", high, "], got ", value);
  return value;
}
int64_t HfConfig::get_int_in(const std::string& key, int64_t low, int64_t high,
                             int64_t fallback) const {
  return has(key) ? get_int_in(key, low, high) : fallback;
}
double HfConfig::get_double_in(const std::string& key, double low, double high,
                               double fallback) const {
  if (!has(key)) return fallback;
  const double value = get_double(key);
  MOTLAB_CHECK(std::isfinite(value) && value >= low && value <= high, "config '", origin_,
               "': key '", key, "' must be in [", low, ", ", high, "], got ", value);
  return value;
}
bool HfConfig::get_bool(const std::string& key, bool fallback) const {
  return has(key) ? get_bool(key) : fallback;
}
std::string HfConfig::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : fallback;
}

void HfConfig::save(const std::string& path) const {
  write_file_atomic(path, json_.dump(2) + "\n");
}

}  // namespace motlab::io
