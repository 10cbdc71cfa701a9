#include "tools/motlab/search_session.h"

#include <algorithm>
#include <filesystem>

#include "framework/artifacts/run_dir.h"
#include "framework/config/overrides.h"
#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/data/features.h"
#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"
#include "framework/run/runner.h"

namespace motlab::cli {
namespace fs = std::filesystem;

namespace {

// index.<option>=<value> overrides, read and checked by the declared index settings.
search::IndexSettings settings_from(const std::vector<std::string>& overrides) {
  std::vector<Config::Item> items;
  for (const auto& o : overrides) {
    if (o.rfind("index.", 0) != 0) continue;
    const Override parsed = parse_override(o);
    MOTLAB_CHECK(parsed.kind == Override::Kind::kSet && !parsed.is_sweep() &&
                     parsed.key.find('.', 6) == std::string::npos,
                 "'", o, "': expected index.<option>=<value>");
    // A later override of the same option wins, as on the run command line.
    const std::string name = parsed.key.substr(6);
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const Config::Item& item) { return item.first == name; }),
                items.end());
    // The value carries its whole key, so errors name it ("index.ivf_probe").
    items.emplace_back(name, parsed.value().relocated(parsed.key));
  }
  return search::index_settings().read(Config::dict(items).relocated("index"), "index");
}

// The data node: the run's own, or one composed from data=... overrides.
Config data_node(const RunDir& run, const std::vector<std::string>& overrides) {
  std::vector<std::string> data_overrides;
  bool other_data = false;  // data=<option>: compose that option instead of the run's data
  for (const auto& o : overrides) {
    if (o.rfind("index.", 0) == 0) continue;
    const Override parsed = parse_override(o);
    MOTLAB_CHECK(parsed.key == "data" || parsed.key.rfind("data.", 0) == 0, "'", o,
                 "': only data=... / data.*=... and index.*=... overrides are read here");
    other_data |= parsed.key == "data";
    data_overrides.push_back(o);
  }
  if (!other_data) {
    // The run's own data, with data.*=... changes (another root, say) applied to it.
    const std::string config = run.resolved_config_file();
    const Config& resolved = run.resolved_config();
    MOTLAB_CHECK(resolved.has("data") && resolved["data"].is_dict(), config, " has no data node");
    Config data = resolved;
    for (const auto& o : data_overrides) {
      const Override parsed = parse_override(o);
      MOTLAB_CHECK(parsed.kind == Override::Kind::kSet && !parsed.is_sweep(), "'", o,
                   "': expected data.<key>=<value>");
      MOTLAB_CHECK(data.has(parsed.key), "'", o, "': the run's data (", config, ") has no key '",
                   parsed.key.substr(5), "'");
      data = data.with(parsed.key, parsed.value());
    }
    return data["data"];
  }
  RunRequest request;
  request.overrides = data_overrides;
  const Composed composed = compose_for_run(request);
  RuntimeInfo runtime;
  runtime.choices = composed.choices;
  const Config resolved = resolve_keys(composed.config, runtime, {"data"});
  MOTLAB_CHECK(resolved.has("data") && resolved["data"].is_dict(), "the overrides select no data");
  return resolved["data"];
}

}  // namespace

bool parse_integer(const std::string& text, int64_t* value) {
  size_t used = 0;
  try {
    *value = std::stoll(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

void declare_session_args(CommandLine& cl, SessionArgs* args, const char* positional_help) {
  std::string rest_help = "data=<option>, data.*=..., index.*=... overrides";
  if (*positional_help) rest_help += "; " + std::string(positional_help);
  cl.positional("run dir", &args->run_dir, "a trained run's directory")
      .rest("overrides", &args->positional, rest_help.c_str())
      .list("splits", &args->splits, "a,b,c", "splits to index (default: the data's three)")
      .text("device", &args->device_name, "D", "cpu or cuda")
      .integer("batch-size", &args->batch_size, 1, 65536, "N", "motions encoded at once");
}

void finish_session_args(const CommandLine& cl, SessionArgs* args, bool positional_allowed) {
  args->device = resolve_device(args->device_name);
  std::vector<std::string> others;
  for (const auto& a : args->positional) {
    const bool is_override =
        a.find('=') != std::string::npos && a.find(' ') == std::string::npos &&
        (a.rfind("index.", 0) == 0 || a.rfind("data", 0) == 0 || a.rfind("+data", 0) == 0);
    if (is_override) {
      args->overrides.push_back(a);
      continue;
    }
    MOTLAB_CHECK(positional_allowed, "motlab ", cl.command(), ": unexpected '", a,
                 "' (only data=..., data.*=... and index.*=... overrides may follow the run dir; "
                 "see motlab ",
                 cl.command(), " --help)");
    others.push_back(a);
  }
  args->positional = others;
  MOTLAB_CHECK(fs::is_directory(args->run_dir), "motlab ", cl.command(), ": '", args->run_dir,
               "' is not a directory");
}

SearchSession::SearchSession(const SessionArgs& args, bool rebuild, search::BuildReport* report)
    : run_(args.run_dir), device_(args.device) {
  const Config data = data_node(run_, args.overrides);
  std::vector<std::string> splits = args.splits;
  if (splits.empty())
    for (const char* key : {"train_split", "val_split", "test_split"})
      splits.push_back(data.get<std::string>(key, key == std::string("train_split") ? "train"
                                                  : key == std::string("val_split") ? "val"
                                                                                    : "test"));
  const search::IndexSettings settings = settings_from(args.overrides);
  index_ = rebuild ? search::MotionIndex::build(args.run_dir, data, splits, settings, device_,
                                                args.batch_size, report)
                   : search::MotionIndex::open(args.run_dir, data, splits, settings, device_,
                                               args.batch_size);
}

const search::RunEncoders& SearchSession::encoders() {
  if (!encoders_) encoders_ = search::load_run_encoders(run_, device_);
  return *encoders_;
}

SearchResult SearchSession::search_vector(const torch::Tensor& query, int64_t k,
                                          const std::string& skip_id) {
  const int64_t wanted = std::min<int64_t>(k + (skip_id.empty() ? 0 : 1),
                                           static_cast<int64_t>(index_.motions().size()));
  const search::Hits hits = index_.index().search(query, wanted);
  SearchResult out;
  for (int64_t j = 0; j < wanted && static_cast<int64_t>(out.hits.size()) < k; ++j) {
    const int64_t row = hits.rows[0][j].item<int64_t>();
    if (row < 0 || row >= static_cast<int64_t>(index_.motions().size())) continue;
    const auto& motion = index_.motions()[static_cast<size_t>(row)];
    if (motion.id == skip_id) continue;
    Hit hit;
    hit.rank = static_cast<int64_t>(out.hits.size()) + 1;
    hit.id = motion.id;
    hit.split = motion.split;
    hit.frames = motion.frames;
    hit.score = hits.scores[0][j].item<double>();
    out.hits.push_back(hit);
  }
  return out;
}

std::vector<SearchResult> SearchSession::search_text(const std::vector<std::string>& queries,
                                                     int64_t k) {
  std::vector<SearchResult> out;
  for (size_t begin = 0; begin < queries.size(); begin += 64) {
    const size_t end = std::min(queries.size(), begin + 64);
    const torch::Tensor embedded = encoders().encode_text(std::vector<std::string>(
        queries.begin() + static_cast<long>(begin), queries.begin() + static_cast<long>(end)));
    for (int64_t q = 0; q < embedded.size(0); ++q)
      out.push_back(search_vector(embedded.narrow(0, q, 1), k, ""));
  }
  return out;
}

SearchResult SearchSession::similar_motions(const std::string& id_or_file, int64_t k) {
  if (auto position = index_.position_of(id_or_file))
    return search_vector(index_.embeddings().narrow(0, *position, 1), k, id_or_file);
  MOTLAB_CHECK(fs::is_regular_file(id_or_file), "--motion '", id_or_file,
               "' is neither an indexed motion id nor a .npy file");
  return search_vector(encoders().encode_motion(npy::load(id_or_file)), k, "");
}

// The file's resolved path when it exists and, symlinks resolved, stays inside the dataset
// folder, else "". Callers open the resolved path (not `path` again: no symlink swap between).
std::string SearchSession::inside_dataset(const std::string& path) const {
  std::error_code error;
  const fs::path file = fs::canonical(path, error);
  if (error || !fs::is_regular_file(file)) return "";
  const fs::path root = fs::canonical(index_.layout().root, error);
  if (error) return "";
  const std::string prefix = root.string() + "/";
  return file.string().compare(0, prefix.size(), prefix) == 0 ? file.string() : "";
}

std::vector<std::string> SearchSession::captions(const std::string& id) const {
  std::vector<std::string> out;
  const std::string path = inside_dataset(index_.layout().text_path(id));
  if (path.empty()) return out;
  for (const auto& line : humanml3d::read_captions(path))
    if (!line.text.empty()) out.push_back(line.text);
  return out;
}

torch::Tensor SearchSession::joints(const std::string& id) const {
  const std::string joints_path = inside_dataset(index_.layout().joints_path(id));
  if (!joints_path.empty()) {
    torch::Tensor j = npy::load(joints_path).to(torch::kFloat32);
    if (j.dim() == 3 && j.size(1) == features::kJoints && j.size(2) == 3) return j;
  }
  const std::string features_path = inside_dataset(index_.layout().motion_path(id));
  if (features_path.empty()) return {};
  return features::recover_from_ric(npy::load(features_path).to(torch::kFloat32));
}

nlohmann::json SearchSession::hits_json(const SearchResult& result) const {
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& hit : result.hits)
    hits.push_back({{"rank", hit.rank},
                    {"id", hit.id},
                    {"score", hit.score},
                    {"split", hit.split},
                    {"frames", hit.frames},
                    {"captions", captions(hit.id)}});
  return hits;
}

}  // namespace motlab::cli
