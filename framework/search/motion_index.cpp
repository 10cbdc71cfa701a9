#include "framework/search/motion_index.h"
#include "framework/artifacts/run_dir.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/core/strings.h"
#include "framework/data/data_config.h"
#include "framework/data/dataset.h"
#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"
#include "framework/train/run_artifacts.h"

namespace motlab::search {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// What makes stored embeddings stale: the motion encoder's weights file (size and time).
std::string weights_fingerprint(const std::string& run_dir) {
  const std::string path = RunDir(run_dir).model_weights_file("motion_encoder");
  MOTLAB_CHECK(fs::exists(path), run_dir, ": no trained motion encoder (", path,
               "): index a finished training run");
  return std::to_string(fs::file_size(path)) + ":" +
         std::to_string(fs::last_write_time(path).time_since_epoch().count());
}

void write_motions(const std::string& path, const std::vector<IndexedMotion>& motions) {
  std::string text = "id\tsplit\tframes\n";
  for (const auto& m : motions)
    text += m.id + "\t" + m.split + "\t" + std::to_string(m.frames) + "\n";
  write_file_atomic(path, text);
}

std::vector<IndexedMotion> read_motions(const std::string& path) {
  std::vector<IndexedMotion> out;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    IndexedMotion m;
    std::string frames;
    if (!std::getline(fields, m.id, '\t') || !std::getline(fields, m.split, '\t') ||
        !std::getline(fields, frames))
      MOTLAB_FAIL(path, ": malformed line '", line, "'");
    m.frames = std::stoll(frames);
    out.push_back(m);
  }
  return out;
}

}  // namespace

torch::Tensor unit_rows(const torch::Tensor& x) { return x / x.norm(2, -1, true).clamp_min(1e-12); }

std::optional<int64_t> MotionIndex::position_of(const std::string& id) const {
  auto it = position_.find(id);
  if (it == position_.end()) return std::nullopt;
  return it->second;
}

namespace {
std::string index_folder(const std::string& run_dir, const Config& data,
                         const std::vector<std::string>& splits, const IndexSettings& settings) {
  std::string split_names;
  for (const auto& s : splits) split_names += (split_names.empty() ? "" : "+") + s;
  return run_dir + "/index/" + split_names + "_" +
         fnv1a_hex(data.to_json() + settings.to_json()).substr(0, 12);
}
}  // namespace

MotionIndex MotionIndex::open(const std::string& run_dir, const Config& data,
                              const std::vector<std::string>& splits, const IndexSettings& settings,
                              torch::Device device, int64_t batch_size) {
  const std::string folder = index_folder(run_dir, data, splits, settings);
  const std::string info_path = folder + "/index.json";
  if (file_exists(info_path) && file_exists(folder + "/index.faiss")) {
    const json info = json::parse(read_file(info_path));
    if (info.value("weights", "") == weights_fingerprint(run_dir)) {
      MotionIndex out;
      out.folder_ = folder;
      out.motions_ = read_motions(folder + "/motions.tsv");
      out.embeddings_ = npy::load(folder + "/embeddings.npy").to(torch::kFloat32);
      MOTLAB_CHECK(out.embeddings_.size(0) == static_cast<int64_t>(out.motions_.size()), folder,
                   ": embeddings.npy and motions.tsv disagree (re-run motlab index)");
      for (size_t k = 0; k < out.motions_.size(); ++k)
        out.position_[out.motions_[k].id] = static_cast<int64_t>(k);
      out.index_ = VectorIndex::load(folder + "/index.faiss", settings);
      out.recall_at_10_ = info.value("recall_at_10", 1.0);
      out.layout_ = data::prepare_data(data).base.layout;
      // The four files are written one after another: a set from two builds is rebuilt.
      if (out.index_.size() == out.embeddings_.size(0) &&
          out.index_.dim() == out.embeddings_.size(1) &&
          info.value("motions", int64_t{-1}) == out.index_.size())
        return out;
      log::info("index", folder + ": index files disagree (an interrupted build?), rebuilding");
    }
  }
  return build(run_dir, data, splits, settings, device, batch_size);
}

MotionIndex MotionIndex::build(const std::string& run_dir, const Config& data,
                               const std::vector<std::string>& splits,
                               const IndexSettings& settings, torch::Device device,
                               int64_t batch_size, BuildReport* report) {
  BuildReport local;
  BuildReport& r = report ? *report : local;
  const data::DataSettings data_settings = data::prepare_data(data);
  std::string split_names;
  for (const auto& s : splits) split_names += (split_names.empty() ? "" : "+") + s;
  MotionIndex out;
  out.layout_ = data_settings.base.layout;
  out.folder_ = index_folder(run_dir, data, splits, settings);
  make_dirs(out.folder_);
  const std::string weights = weights_fingerprint(run_dir);

  // The motions to index, in split order, each split in its dataset order.
  std::vector<IndexedMotion> motions;
  std::vector<std::unique_ptr<data::MotionTextDataset>> datasets;
  for (const auto& split : splits) {
    datasets.push_back(std::make_unique<data::MotionTextDataset>(
        data::split_options(data_settings, split, /*training=*/false)));
    for (const auto& id : datasets.back()->ids()) motions.push_back({id, split, 0});
  }
  MOTLAB_CHECK(!motions.empty(), "index: no motions in splits ", split_names);

  // Embeddings already stored with these weights are reused.
  std::map<std::string, torch::Tensor> stored;
  const std::string info_path = out.folder_ + "/index.json";
  if (file_exists(info_path)) {
    const json info = json::parse(read_file(info_path));
    if (info.value("weights", "") == weights && file_exists(out.folder_ + "/embeddings.npy")) {
      const torch::Tensor previous = npy::load(out.folder_ + "/embeddings.npy");
      const auto previous_motions = read_motions(out.folder_ + "/motions.tsv");
      if (previous.size(0) == static_cast<int64_t>(previous_motions.size()))
        for (size_t k = 0; k < previous_motions.size(); ++k)
          stored[previous_motions[k].id] = previous[static_cast<int64_t>(k)];
    }
  }

  auto motion_encoder = train::load_motion_encoder(RunDir(run_dir), BuildContext{device});
  motion_encoder->eval();
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> rows(motions.size());
  std::vector<size_t> todo;
  for (size_t k = 0; k < motions.size(); ++k) {
    auto it = stored.find(motions[k].id);
    if (it != stored.end())
      rows[k] = it->second;
    else
      todo.push_back(k);
  }
  r.reused = static_cast<int64_t>(motions.size() - todo.size());
  r.encoded = static_cast<int64_t>(todo.size());
  const auto encode_start = std::chrono::steady_clock::now();
  // Motion k of the flat list lives in dataset `which` at position `at`.
  std::vector<std::pair<size_t, size_t>> where;
  for (size_t d = 0; d < datasets.size(); ++d)
    for (size_t k = 0; k < datasets[d]->size(); ++k) where.emplace_back(d, k);
  for (size_t k = 0; k < motions.size(); ++k)
    motions[k].frames = datasets[where[k].first]->get(where[k].second).motion.size(0);
  if (!todo.empty()) {
    Progress progress("index", static_cast<int64_t>(todo.size()), "motions");
    for (size_t begin = 0; begin < todo.size(); begin += static_cast<size_t>(batch_size)) {
      const size_t end = std::min(todo.size(), begin + static_cast<size_t>(batch_size));
      std::vector<data::Sample> samples;
      for (size_t k = begin; k < end; ++k)
        samples.push_back(datasets[where[todo[k]].first]->get(where[todo[k]].second));
      const torch::Tensor e = unit_rows(motion_encoder->encode(data::collate(samples, device))
                                            .mean.to(torch::kCPU, torch::kFloat));
      for (size_t k = begin; k < end; ++k) rows[todo[k]] = e[static_cast<int64_t>(k - begin)];
      progress.update(static_cast<int64_t>(end - begin));
      MOTLAB_CHECK(!interrupt_requested(), "index: interrupted (nothing written; re-run)");
    }
    progress.finish();
  }
  r.encode_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - encode_start).count();
  out.embeddings_ = torch::stack(rows).contiguous();
  out.motions_ = motions;
  for (size_t k = 0; k < motions.size(); ++k)
    out.position_[motions[k].id] = static_cast<int64_t>(k);

  const std::string index_path = out.folder_ + "/index.faiss";
  if (todo.empty() && file_exists(index_path) && file_exists(info_path)) {
    const auto stored_motions = read_motions(out.folder_ + "/motions.tsv");
    bool same = stored_motions.size() == motions.size();
    for (size_t k = 0; same && k < motions.size(); ++k)
      same = stored_motions[k].id == motions[k].id;
    const json info = json::parse(read_file(info_path));
    if (same && info.value("weights", "") == weights &&
        info.value("motions", int64_t{-1}) == static_cast<int64_t>(motions.size())) {
      out.index_ = VectorIndex::load(index_path, settings);
      if (out.index_.size() == static_cast<int64_t>(motions.size())) {
        out.recall_at_10_ = info.value("recall_at_10", 1.0);
        r.loaded = true;
        return out;
      }
    }
  }
  const auto build_start = std::chrono::steady_clock::now();
  out.index_ = VectorIndex::build(out.embeddings_, settings);
  r.build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  // Recall@10 of an approximate index, measured on (up to) 1000 indexed motions as queries.
  if (out.index_.kind() != "flat") {
    const int64_t q = std::min<int64_t>(1000, out.embeddings_.size(0));
    out.recall_at_10_ = out.index_.recall_at(out.embeddings_, out.embeddings_.narrow(0, 0, q), 10);
  }
  // index.json goes first and comes back last: without it the folder is never taken as built.
  if (file_exists(info_path)) fs::remove(info_path);
  npy::save(out.folder_ + "/embeddings.npy", out.embeddings_);
  write_motions(out.folder_ + "/motions.tsv", motions);
  out.index_.save(index_path);
  nlohmann::ordered_json info;
  info["run"] = fs::absolute(run_dir).string();
  info["data_root"] = out.layout_.root;
  info["splits"] = splits;
  info["motions"] = motions.size();
  info["dim"] = out.embeddings_.size(1);
  info["kind"] = out.index_.kind();
  info["settings"] = json::parse(settings.to_json());
  info["recall_at_10"] = out.recall_at_10_;
  info["build_seconds"] = r.build_seconds;
  info["weights"] = weights;
  write_file_atomic(info_path, info.dump(2) + "\n");
  return out;
}

RunEncoders load_run_encoders(const RunDir& run, torch::Device device) {
  RunEncoders out;
  out.device = device;
  out.config = run.resolved_config();
  const BuildContext ctx{device};
  out.text = train::load_text_encoder(run, ctx);
  out.motion = train::load_motion_encoder(run, ctx);
  out.text->eval();
  out.motion->eval();
  if (out.config.get<bool>("data.normalize", true)) {
    const std::string root = out.config.get<std::string>("data.root");
    out.mean = npy::load(root + "/Mean.npy").to(torch::kFloat32);
    out.std = npy::load(root + "/Std.npy").to(torch::kFloat32);
  }
  return out;
}

torch::Tensor RunEncoders::encode_text(const std::vector<std::string>& captions) const {
  torch::NoGradGuard no_grad;
  return unit_rows(text->encode(captions).mean.to(torch::kCPU, torch::kFloat));
}

torch::Tensor RunEncoders::encode_motion(const torch::Tensor& raw) const {
  torch::NoGradGuard no_grad;
  MOTLAB_CHECK(raw.dim() == 2 && raw.size(0) > 0, "a motion must be [T, F] features, got ",
               raw.sizes());
  torch::Tensor features = raw.to(torch::kFloat32);
  if (mean.defined()) {
    MOTLAB_CHECK(features.size(1) == mean.size(0), "a motion has ", features.size(1),
                 " features per frame, the run's data ", mean.size(0));
    features = (features - mean) / (std + 1e-12);
  }
  data::Sample sample;
  sample.id = "query";
  sample.motion = features;
  return unit_rows(
      motion->encode(data::collate({sample}, device)).mean.to(torch::kCPU, torch::kFloat));
}

}  // namespace motlab::search
