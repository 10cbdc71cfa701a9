#include "framework/data/dataset.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <numeric>

#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/data/npy.h"
#include "framework/dist/data_parallel.h"

namespace motlab::data {
namespace fs = std::filesystem;

namespace {
// NaN or Inf in data is an error naming the file and where, not a non-finite loss later.
void check_finite(const torch::Tensor& values, const std::string& path, const char* unit) {
  const torch::Tensor bad = ~torch::isfinite(values);
  if (!bad.any().item<bool>()) return;
  const torch::Tensor where = bad.nonzero()[0];
  MOTLAB_FAIL(path, ": ", bad.sum().item<int64_t>(), " NaN or Inf value(s), the first at ", unit,
              " ", where[0].item<int64_t>(),
              values.dim() > 1 ? ", feature " + std::to_string(where[1].item<int64_t>()) : "");
}
}  // namespace

MotionTextDataset::MotionTextDataset(const DatasetSettings& options) : options_(options) {
  const humanml3d::Layout& layout = options.layout;
  const int64_t nfeats = layout.nfeats;
  if (options.normalize) {
    mean_ = npy::load(layout.root + "/Mean.npy").to(torch::kFloat32);
    std_ = npy::load(layout.root + "/Std.npy").to(torch::kFloat32);
    MOTLAB_CHECK(mean_.dim() == 1 && mean_.size(0) == nfeats && std_.sizes() == mean_.sizes(),
                 layout.root, "/Mean.npy, Std.npy: expected shape (", nfeats, ",), got ",
                 mean_.sizes(), " and ", std_.sizes());
    check_finite(mean_, layout.root + "/Mean.npy", "value");
    check_finite(std_, layout.root + "/Std.npy", "value");
    MOTLAB_CHECK((std_ >= 0).all().item<bool>(), layout.root, "/Std.npy has negative values");
    // A zero std would blow every normalised feature up by 1e12: all-zero means a broken file.
    MOTLAB_CHECK((std_ > 0).any().item<bool>(), layout.root,
                 "/Std.npy is all zeros (recompute it from the training motions)");
  }
  const bool filter = options.filter_test || options.split.find("test") == std::string::npos;
  for (const auto& id : humanml3d::read_split(layout.split_path(options.split))) {
    const std::string path = layout.motion_path(id);
    MOTLAB_CHECK(fs::exists(path), layout.split_path(options.split), ": id '", id,
                 "' has no motion file ", path, " (run `motlab data check ", layout.root, "`)");
    torch::Tensor features = npy::load(path).to(torch::kFloat32);
    MOTLAB_CHECK(features.dim() == 2 && features.size(1) == nfeats, path, ": expected (T, ", nfeats,
                 "), got ", features.sizes());
    check_finite(features, path, "frame");
    if (options.normalize) features = (features - mean_) / (std_ + 1e-12);
    Entry entry;
    for (const auto& line : humanml3d::read_captions(layout.text_path(id))) {
      if (line.text.empty()) continue;
      auto [begin, end] = line.frames(features.size(0), layout.fps);
      const int64_t length = end - begin;
      if (length <= 0) continue;
      if (filter && (length < options.min_frames || length > options.max_frames)) continue;
      entry.captions.push_back(line);
    }
    if (entry.captions.empty()) {
      ++dropped_;
      continue;
    }
    entry.features = features;
    entries_.push_back(std::move(entry));
    ids_.push_back(id);
  }
  MOTLAB_CHECK(!entries_.empty(), layout.split_path(options.split), ": no usable motion-caption ",
               "pair (", dropped_, " motions dropped by the length filter ", options.min_frames,
               "..", options.max_frames, " frames or for lack of captions)");
  log::info("data", options.split + ": " + std::to_string(entries_.size()) + " motions (" +
                        std::to_string(dropped_) + " dropped) from " + layout.root);
}

Sample MotionTextDataset::get(size_t index, std::mt19937_64* rng) const {
  const Entry& entry = entries_.at(index);
  size_t choice = 0;
  if (rng && options_.sample_caption) {
    choice = std::uniform_int_distribution<size_t>(0, entry.captions.size() - 1)(*rng);
  } else {
    choice =
        std::min<size_t>(static_cast<size_t>(options_.caption_index), entry.captions.size() - 1);
  }
  const humanml3d::CaptionLine& line = entry.captions[choice];
  auto [begin, end] = line.frames(entry.features.size(0), options_.layout.fps);
  return Sample{ids_[index], entry.features.narrow(0, begin, end - begin), line.text};
}

std::vector<std::string> MotionTextDataset::eval_captions() const {
  std::vector<std::string> out;
  for (size_t k = 0; k < entries_.size(); ++k) out.push_back(get(k).caption);
  return out;
}

std::vector<std::string> MotionTextDataset::all_captions() const {
  std::vector<std::string> out;
  for (const auto& entry : entries_)
    for (const auto& line : entry.captions) out.push_back(line.text);
  return out;
}

MotionBatch collate(const std::vector<Sample>& samples, const torch::Device& device) {
  MOTLAB_CHECK(!samples.empty(), "collate: empty batch");
  int64_t longest = 0;
  for (const auto& s : samples) longest = std::max(longest, s.motion.size(0));
  const int64_t batch = static_cast<int64_t>(samples.size());
  const int64_t nfeats = samples[0].motion.size(1);
  MotionBatch out;
  out.features = torch::zeros({batch, longest, nfeats});
  out.lengths = torch::empty({batch}, torch::kLong);
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t length = samples[b].motion.size(0);
    out.features[b].narrow(0, 0, length).copy_(samples[b].motion);
    out.lengths[b] = length;
    out.ids.push_back(samples[b].id);
  }
  out.mask = torch::arange(longest).unsqueeze(0) < out.lengths.unsqueeze(1);
  out.features = out.features.to(device);
  out.mask = out.mask.to(device);
  out.lengths = out.lengths.to(device);
  return out;
}

torch::Tensor resample_frames(const torch::Tensor& motion, int64_t frames) {
  MOTLAB_CHECK(motion.dim() == 2 && frames > 0, "resample_frames: expected [T, F] and frames > 0");
  const int64_t length = motion.size(0);
  if (length == frames) return motion;
  torch::Tensor x = motion.t().unsqueeze(0);  // [1, F, T]
  torch::Tensor y;
  if (length < frames) {
    namespace F = torch::nn::functional;
    y = F::interpolate(x, F::InterpolateFuncOptions()
                              .size(std::vector<int64_t>{frames})
                              .mode(torch::kLinear)
                              .align_corners(false));
  } else {
    y = torch::adaptive_avg_pool1d(x, {frames});
  }
  return y.squeeze(0).t().contiguous();
}

BatchLoader::BatchLoader(const MotionTextDataset& dataset, int64_t batch_size, bool shuffle,
                         bool drop_last, uint64_t seed, torch::Device device, size_t prefetch)
    : dataset_(dataset),
      batch_size_(batch_size),
      shuffle_(shuffle),
      drop_last_(drop_last),
      seed_(seed),
      device_(device),
      prefetch_(std::max<size_t>(1, prefetch)) {
  MOTLAB_CHECK(batch_size > 0, "batch size must be positive, got ", batch_size);
}

BatchLoader::~BatchLoader() { stop(); }

void BatchLoader::shard(int rank, int world) {
  MOTLAB_CHECK(world >= 1 && rank >= 0 && rank < world, "data loader: rank ", rank,
               " of world size ", world);
  MOTLAB_CHECK(batch_size_ >= world, "trainer.batch_size ", batch_size_,
               " is the global batch: it must be >= the ", world, " ranks it is split across");
  shard_rank_ = rank;
  shard_world_ = world;
}

int64_t BatchLoader::batches_per_epoch() const {
  const int64_t n = static_cast<int64_t>(dataset_.size());
  return drop_last_ ? n / batch_size_ : (n + batch_size_ - 1) / batch_size_;
}

void BatchLoader::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancel_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void BatchLoader::start_epoch(int64_t epoch) {
  stop();
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.clear();
  cancel_ = false;
  done_ = false;
  error_.clear();
  worker_ = std::thread([this, epoch] { produce(epoch); });
}

void BatchLoader::produce(int64_t epoch) {
  try {
    // One generator per epoch: the order and sampled captions depend only on (seed, epoch).
    std::mt19937_64 rng(derive_seed(seed_, "loader/epoch" + std::to_string(epoch)));
    std::vector<size_t> order(dataset_.size());
    std::iota(order.begin(), order.end(), 0);
    if (shuffle_) std::shuffle(order.begin(), order.end(), rng);
    const int64_t batches = batches_per_epoch();
    for (int64_t b = 0; b < batches; ++b) {
      std::vector<Sample> samples;
      const size_t begin = static_cast<size_t>(b * batch_size_);
      const size_t end = std::min(order.size(), begin + static_cast<size_t>(batch_size_));
      for (size_t k = begin; k < end; ++k) samples.push_back(dataset_.get(order[k], &rng));
      if (shard_world_ > 1) {
        const auto [first, last] =
            dist::shard_of(static_cast<int64_t>(samples.size()), shard_rank_, shard_world_);
        samples = std::vector<Sample>(samples.begin() + first, samples.begin() + last);
        MOTLAB_CHECK(!samples.empty(), "data loader: batch ", b + 1, " has fewer pairs than the ",
                     shard_world_, " ranks (lower the world size or raise trainer.batch_size)");
      }
      Batch batch;
      batch.motions = collate(samples, device_);
      for (const auto& s : samples) batch.captions.push_back(s.caption);
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return cancel_ || queue_.size() < prefetch_; });
      if (cancel_) return;
      queue_.push_back(std::move(batch));
      cv_.notify_all();
    }
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = error_text(e);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  done_ = true;
  cv_.notify_all();
}

bool BatchLoader::next(Batch* out) {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return !queue_.empty() || done_; });
  wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MOTLAB_CHECK(error_.empty(), "data loader: ", error_);
  if (queue_.empty()) return false;
  *out = std::move(queue_.front());
  queue_.pop_front();
  cv_.notify_all();
  return true;
}

}  // namespace motlab::data
