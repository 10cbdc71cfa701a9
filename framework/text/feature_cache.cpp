#include "framework/text/feature_cache.h"

#include <algorithm>
#include <filesystem>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/strings.h"
#include "framework/io/atomic_file.h"
#include "framework/io/safetensors.h"

namespace motlab::text {
namespace fs = std::filesystem;

std::string model_folder_fingerprint(const std::string& model_dir) {
  std::string text;
  if (file_exists(model_dir + "/config.json")) text += read_file(model_dir + "/config.json");
  std::vector<std::string> entries;
  if (fs::is_directory(model_dir))
    for (const auto& entry : fs::directory_iterator(model_dir)) {
      if (!entry.is_regular_file()) continue;
      const auto time = entry.last_write_time().time_since_epoch().count();
      entries.push_back(entry.path().filename().string() + ":" + std::to_string(entry.file_size()) +
                        ":" + std::to_string(time));
    }
  std::sort(entries.begin(), entries.end());
  for (const auto& e : entries) text += "\n" + e;
  return text;
}

bool TokenFeatureCache::build(const std::vector<std::string>& captions_in,
                              const std::string& fingerprint, const std::string& cache_dir,
                              int64_t batch_size, const Compute& compute) {
  std::vector<std::string> captions = captions_in;
  std::sort(captions.begin(), captions.end());
  captions.erase(std::unique(captions.begin(), captions.end()), captions.end());
  std::string joined;
  for (const auto& c : captions) joined += c + '\n';
  file_ = cache_dir.empty() ? ""
                            : cache_dir + "/token_features_" + fnv1a_hex(fingerprint) + "_" +
                                  fnv1a_hex(joined) + ".safetensors";
  index_.clear();
  for (size_t i = 0; i < captions.size(); ++i) index_[captions[i]] = static_cast<int64_t>(i);
  if (!file_.empty() && file_exists(file_)) {
    const io::Checkpoint stored = io::Checkpoint::open(file_);
    features_ = stored.tensor("features", torch::kFloat);
    offsets_ = stored.tensor("offsets", torch::kLong);
    MOTLAB_CHECK(offsets_.numel() == static_cast<int64_t>(captions.size()) + 1, file_, ": holds ",
                 offsets_.numel() - 1, " captions, expected ", captions.size(),
                 " (delete the file to rebuild it)");
    offset_values_.assign(offsets_.data_ptr<int64_t>(),
                          offsets_.data_ptr<int64_t>() + offsets_.numel());
    return true;
  }
  std::vector<torch::Tensor> parts;
  std::vector<int64_t> offsets{0};
  for (size_t begin = 0; begin < captions.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(captions.size(), begin + static_cast<size_t>(batch_size));
    std::vector<std::string> batch(captions.begin() + static_cast<long>(begin),
                                   captions.begin() + static_cast<long>(end));
    for (auto& t : compute(batch)) {
      parts.push_back(t.detach().to(torch::kCPU, torch::kFloat));
      offsets.push_back(offsets.back() + t.size(0));
    }
  }
  MOTLAB_CHECK(offsets.size() == captions.size() + 1,
               "feature cache: the backbone returned a wrong number of feature rows");
  features_ = parts.empty() ? torch::zeros({0, 0}) : torch::cat(parts);
  offsets_ = torch::tensor(offsets, torch::kLong);
  offset_values_ = offsets;
  if (!file_.empty()) {
    make_dirs(cache_dir);
    io::save_safetensors(file_, {{"features", features_}, {"offsets", offsets_}});
    log::info("cache",
              "token features of " + std::to_string(captions.size()) + " captions -> " + file_);
  }
  return false;
}

torch::Tensor TokenFeatureCache::find(const std::string& caption) const {
  auto it = index_.find(caption);
  if (it == index_.end()) return {};
  const int64_t begin = offset_values_[static_cast<size_t>(it->second)];
  const int64_t end = offset_values_[static_cast<size_t>(it->second) + 1];
  return features_.narrow(0, begin, end - begin);
}

std::vector<torch::Tensor> TokenFeatureCache::find_or_compute(
    const std::vector<std::string>& captions, const Compute& compute) const {
  std::vector<torch::Tensor> features(captions.size());
  std::vector<std::string> missing;
  for (size_t i = 0; i < captions.size(); ++i) {
    features[i] = find(captions[i]);
    if (!features[i].defined()) missing.push_back(captions[i]);
  }
  if (!missing.empty()) {
    auto computed = compute(missing);
    size_t k = 0;
    for (auto& f : features)
      if (!f.defined()) f = computed[k++];
  }
  return features;
}

}  // namespace motlab::text
