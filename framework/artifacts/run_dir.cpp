#include "framework/artifacts/run_dir.h"

#include <cmath>
#include <filesystem>
#include <set>

#include "framework/core/error.h"
#include "framework/data/npy.h"
#include "framework/eval/protocol.h"
#include "framework/io/atomic_file.h"

namespace motlab {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {
// Keys of a flat (old) metrics.json that are not metrics even though they are numbers.
const std::set<std::string>& legacy_bookkeeping_numbers() {
  static const std::set<std::string> keys{"seed", "wall_time_s"};
  return keys;
}

std::optional<double> number_or_null(const json& value) {
  if (value.is_number()) return value.get<double>();
  return std::nullopt;
}
}  // namespace

std::optional<double> RunSummary::metric(const std::string& key) const {
  auto it = metrics.find(key);
  return it == metrics.end() ? std::nullopt : it->second;
}

double RunSummary::require_metric(const std::string& key, const std::string& who) const {
  auto it = metrics.find(key);
  MOTLAB_CHECK(it != metrics.end(), who, who.empty() ? "" : ": ", file, " has no '", key, "'");
  MOTLAB_CHECK(it->second.has_value(), who, who.empty() ? "" : ": ", file, ": '", key,
               "' has no value (null)");
  return *it->second;
}

std::vector<std::string> RunSummary::metric_keys() const {
  std::vector<std::string> keys;
  for (const auto& [key, value] : metrics) keys.push_back(key);
  return keys;
}

json RunSummary::to_json() const {
  json out = json::object();
  out["status"] = status;
  if (!error.empty()) out["error"] = error;
  for (const auto& [key, value] : bookkeeping.items()) out[key] = value;
  json facts = json::object();
  for (const auto& [key, value] : info) facts[key] = value;
  out["info"] = facts;
  json values = json::object();
  for (const auto& [key, value] : metrics) {
    // JSON has no NaN: a missing value (an empty subset) or a non-finite one is null.
    if (value && std::isfinite(*value))
      values[key] = *value;
    else
      values[key] = nullptr;
  }
  out["metrics"] = values;
  return out;
}

eval::EvalInputs TestEmbeddings::eval_inputs() const {
  eval::EvalInputs in;
  in.text = text;
  in.motion = motion;
  in.ids = ids;
  in.captions = captions;
  in.frames = frames;
  in.caption_similarity = caption_similarity;
  return in;
}

RunDir::RunDir(std::string path) : path_(std::move(path)) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
}

std::string RunDir::model_weights_file(const std::string& part) const {
  return file("model/" + part + ".pt");
}

std::string RunDir::checkpoint_file(const std::string& which) const {
  return file("checkpoints/" + which + ".pt");
}

bool RunDir::has_summary() const { return fs::is_regular_file(summary_file()); }

RunSummary RunDir::summary() const {
  RunSummary out;
  out.file = summary_file();
  MOTLAB_CHECK(has_summary(), "'", path_, "' is not a run directory (no metrics.json)");
  json parsed;
  try {
    parsed = json::parse(read_file(out.file));
  } catch (const std::exception& e) {
    MOTLAB_FAIL(out.file, ": not valid JSON (", e.what(), ")");
  }
  MOTLAB_CHECK(parsed.is_object(), out.file, ": expected a JSON object");
  const bool grouped = parsed.contains("metrics") && parsed["metrics"].is_object();
  for (const auto& [key, value] : parsed.items()) {
    if (key == "status") {
      MOTLAB_CHECK(value.is_string(), out.file, ": 'status' must be a string");
      out.status = value.get<std::string>();
    } else if (key == "error") {
      out.error = value.is_string() ? value.get<std::string>() : value.dump();
    } else if (grouped && key == "metrics") {
      for (const auto& [name, number] : value.items()) {
        MOTLAB_CHECK(number.is_number() || number.is_null(), out.file, ": metric '", name,
                     "' must be a number or null, got ", number.dump());
        out.metrics[name] = number_or_null(number);
      }
    } else if (grouped && key == "info" && value.is_object()) {
      for (const auto& [name, text] : value.items())
        out.info[name] = text.is_string() ? text.get<std::string>() : text.dump();
    } else if (!grouped && (value.is_number() || value.is_null()) &&
               !legacy_bookkeeping_numbers().count(key)) {
      out.metrics[key] = number_or_null(value);  // an old flat file
    } else {
      out.bookkeeping[key] = value;
    }
  }
  return out;
}

std::string RunDir::status() const {
  if (!has_summary()) return "";
  try {
    const json parsed = json::parse(read_file(summary_file()));
    return parsed.is_object() ? parsed.value("status", "") : "";
  } catch (const std::exception&) {
    return "";
  }
}

void RunDir::write_summary(const RunSummary& summary) const {
  make_dirs(path_);
  write_file_atomic(summary_file(), summary.to_json().dump(2) + "\n");
}

bool RunDir::has_resolved_config() const { return fs::is_regular_file(resolved_config_file()); }

const Config& RunDir::resolved_config(const std::string& needed_by) const {
  if (!resolved_) {
    MOTLAB_CHECK(has_resolved_config(), needed_by, needed_by.empty() ? "'" : ": '", path_,
                 "' is not a run directory (no config_resolved.yaml; `motlab run` writes it)");
    resolved_ = std::make_shared<Config>(Config::from_yaml_file(resolved_config_file()));
  }
  return *resolved_;
}

bool RunDir::has_test_embeddings() const {
  for (const char* name : {"test_text.npy", "test_motion.npy", "test_ids.txt", "test_captions.txt"})
    if (!fs::is_regular_file(embeddings_file(name))) return false;
  return true;
}

TestEmbeddings RunDir::test_embeddings() const {
  for (const char* name : {"test_text.npy", "test_motion.npy", "test_ids.txt", "test_captions.txt"})
    MOTLAB_CHECK(fs::is_regular_file(embeddings_file(name)), embeddings_file(name),
                 " is missing (the run must finish with task.save_embeddings=true)");
  TestEmbeddings out;
  out.text = eval::load_matrix(embeddings_file("test_text.npy"));
  out.motion = eval::load_matrix(embeddings_file("test_motion.npy"));
  out.ids = read_lines(embeddings_file("test_ids.txt"));
  out.captions = read_lines(embeddings_file("test_captions.txt"));
  out.frames = eval::read_frame_counts(embeddings_file("test_frames.txt"), out.ids.size());
  if (fs::is_regular_file(embeddings_file("test_caption_similarity.npy")))
    out.caption_similarity = eval::load_matrix(embeddings_file("test_caption_similarity.npy"));
  return out;
}

void RunDir::save_test_embeddings(const TestEmbeddings& embeddings) const {
  make_dirs(file("embeddings"));
  npy::save(embeddings_file("test_text.npy"), embeddings.text);
  npy::save(embeddings_file("test_motion.npy"), embeddings.motion);
  if (embeddings.caption_similarity.defined())
    npy::save(embeddings_file("test_caption_similarity.npy"), embeddings.caption_similarity);
  auto write_lines = [](const std::string& path, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    write_file_atomic(path, text);
  };
  write_lines(embeddings_file("test_ids.txt"), embeddings.ids);
  write_lines(embeddings_file("test_captions.txt"), embeddings.captions);
  if (!embeddings.frames.empty()) {
    std::vector<std::string> frames;
    for (int64_t n : embeddings.frames) frames.push_back(std::to_string(n));
    write_lines(embeddings_file("test_frames.txt"), frames);
  }
}

}  // namespace motlab
