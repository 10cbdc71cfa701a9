// Motion-text pairs from a HumanML3D-layout folder, as TMR serves them: normalised features,
// length filtering, one random caption (and its sub-segment) per motion per epoch in training,
// caption `caption_index` (TMR: 0) for evaluation, padded batches with masks, and a loader that
// prepares the next batch in a worker thread.
#pragma once
#include <torch/torch.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "framework/data/humanml3d.h"
#include "framework/model/interfaces.h"

namespace motlab::data {

struct DatasetSettings {
  humanml3d::Layout layout;
  std::string split = "train";
  int64_t min_frames = 40;      // pairs shorter than this are dropped (after sub-segment cropping)
  int64_t max_frames = 196;     // longer ones are dropped
  bool filter_test = false;     // TMR never filters a split named "test"
  bool normalize = true;        // (x - Mean) / (Std + 1e-12)
  bool sample_caption = false;  // training: a random caption per fetch; else caption_index
  int64_t caption_index = 0;
};

struct Sample {
  std::string id;
  torch::Tensor motion;  // [T, F] float32 (normalised when enabled)
  std::string caption;
};

class MotionTextDataset {
 public:
  explicit MotionTextDataset(const DatasetSettings& options);

  size_t size() const { return entries_.size(); }
  const std::vector<std::string>& ids() const { return ids_; }
  // rng given: a uniformly random usable caption (and its sub-segment); else caption_index.
  Sample get(size_t index, std::mt19937_64* rng = nullptr) const;
  // The evaluation caption of every motion, in ids() order.
  std::vector<std::string> eval_captions() const;
  // Every usable caption of every motion (for caption caches and tokenizer corpora).
  std::vector<std::string> all_captions() const;
  const torch::Tensor& mean() const { return mean_; }
  const torch::Tensor& std() const { return std_; }
  int64_t dropped() const { return dropped_; }  // motions without a usable pair

 private:
  struct Entry {
    torch::Tensor features;                        // [T, F] whole motion, normalised
    std::vector<humanml3d::CaptionLine> captions;  // usable ones only
  };
  DatasetSettings options_;
  std::vector<Entry> entries_;
  std::vector<std::string> ids_;
  torch::Tensor mean_, std_;
  int64_t dropped_ = 0;
};

// Pads samples to the longest: MotionBatch{features [B,T,F], mask [B,T], lengths [B], ids}.
MotionBatch collate(const std::vector<Sample>& samples, const torch::Device& device);

// Resamples a motion [T, F] to `frames`: linear interpolation when shorter (align_corners=false,
// as torch.nn.functional.interpolate's default), adaptive average pooling when longer.
torch::Tensor resample_frames(const torch::Tensor& motion, int64_t frames);

struct Batch {
  MotionBatch motions;
  std::vector<std::string> captions;
};

// Shuffled (seeded, per epoch) batches prepared one ahead in a worker thread. Deterministic:
// the order and the sampled captions depend only on (seed, epoch).
class BatchLoader {
 public:
  BatchLoader(const MotionTextDataset& dataset, int64_t batch_size, bool shuffle, bool drop_last,
              uint64_t seed, torch::Device device = torch::kCPU, size_t prefetch = 2);
  ~BatchLoader();
  void start_epoch(int64_t epoch);
  bool next(Batch* out);  // false at the end of the epoch
  int64_t batches_per_epoch() const;
  // Data-parallel: every batch of `batch_size` (the global batch) is split across `world` ranks
  // and this loader yields rank `rank`'s rows (dist::shard_of), so the ranks together see
  // exactly the batches one loader would; captions are sampled as one loader samples them.
  void shard(int rank, int world);
  double wait_seconds() const { return wait_seconds_; }  // time next() spent waiting

 private:
  void produce(int64_t epoch);
  void stop();
  const MotionTextDataset& dataset_;
  int64_t batch_size_;
  bool shuffle_, drop_last_;
  uint64_t seed_;
  torch::Device device_;
  size_t prefetch_;
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  bool done_ = true, cancel_ = false;
  std::string error_;
  double wait_seconds_ = 0;
  int shard_rank_ = 0, shard_world_ = 1;
};

}  // namespace motlab::data
