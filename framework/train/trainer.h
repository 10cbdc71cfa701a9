// The training loop shared by every method: AdamW, warm-up + cosine/constant schedule, gradient
// clipping and accumulation, bf16 autocast on CUDA, validation retrieval metrics every epoch,
// best/last checkpoints, early stopping, interrupt-safe saving and exact resumption.
//
// Determinism: batches depend only on (seed, epoch) (data::BatchLoader), the schedule only on the
// optimizer step, and checkpoints hold the generators' states, so a run resumed from any saved
// checkpoint (epoch end, or mid-epoch after SIGINT/SIGTERM) reproduces the uninterrupted run.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "framework/config/settings.h"
#include "framework/data/dataset.h"
#include "framework/model/interfaces.h"
#include "framework/train/foreach_adamw.h"
#include "framework/train/schedule.h"

namespace motlab::train {

// The trained parts of a retrieval method. `similarity` (optional) gives the caption cosine
// matrix the loss uses for negative filtering.
struct RetrievalModel {
  std::shared_ptr<TextEncoder> text;
  std::shared_ptr<MotionEncoder> motion;
  std::shared_ptr<Loss> loss;
  std::shared_ptr<TextSimilarity> similarity;

  void train(bool on);
  std::vector<torch::Tensor> trainable_parameters() const;
  // name -> module for checkpoints ("text_encoder", "motion_encoder", "loss").
  std::map<std::string, std::shared_ptr<torch::nn::Module>> modules() const;
  // With `global_batch` in a data-parallel group, the loss sees the whole global batch (every
  // rank's embeddings, gathered with their gradient; the caption similarity of all its
  // captions; its motions when the loss needs_motions()): negatives come from all ranks.
  // Encoder `tokens` are not gathered.
  LossOutput loss_on(const data::Batch& batch, bool global_batch = false);
};

// The config's text_encoder, motion_encoder, loss and (optional) text_similarity nodes built
// through their families; a missing one is an error naming `task` and the group.
RetrievalModel build_retrieval_model(const Config& config, const BuildContext& ctx,
                                     const std::string& task);

// Embeddings of every pair of a dataset (its evaluation captions), in dataset order.
struct EncodedSet {
  torch::Tensor text;    // [N, E] means
  torch::Tensor motion;  // [N, E] means
  std::vector<std::string> captions;
  std::vector<std::string> ids;
  std::vector<int64_t> frames;  // length of each motion
};
// `shard_across_ranks`: in a data-parallel group, batch b is encoded by rank b % world and the
// rows are summed across ranks (exact: the others hold zeros), so every rank gets the same
// embeddings one process would; every rank must call it.
EncodedSet encode_dataset(RetrievalModel& model, const data::MotionTextDataset& dataset,
                          int64_t batch_size, torch::Device device,
                          bool shard_across_ranks = false);

// Retrieval metrics (all pairs, TMR's definition) under `prefix` ("val/", "test/") plus
// "<prefix>rsum" = sum of R@1, R@5, R@10 in both directions.
std::map<std::string, double> retrieval_scores(const EncodedSet& set, const std::string& prefix);

struct TrainerSettings {
  int64_t epochs = 10;
  int64_t batch_size = 32;
  int64_t eval_batch_size = 256;
  double lr = 1e-4;
  double weight_decay = 0.0;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  std::string schedule = "constant";  // constant | cosine (train/schedule.h)
  int64_t warmup_steps = 0;
  double min_lr_ratio = 0.0;
  double grad_clip = 0.0;             // max global L2 norm; 0 = off
  int64_t accumulate = 1;             // micro-batches per optimizer step
  bool bf16 = true;                   // autocast to bf16 on CUDA; ignored on CPU
  int64_t patience = 0;               // epochs without improvement before stopping; 0 = off
  double min_delta = 0.0;             // improvement must exceed this
  std::string monitor = "val/rsum";   // higher is better
  int64_t max_batches_per_epoch = 0;  // 0 = whole epoch (benchmarks/tests use fewer)
  int64_t prefetch = 2;               // batches the loader prepares ahead
  bool shuffle = true;
  bool drop_last = true;
  // Data parallel (framework/dist): the ranks, group and negatives of a data-parallel run.
  int64_t nproc_per_node = 1;         // ranks motlab starts itself when no launcher did
  std::string dist_backend = "auto";  // auto | gloo | nccl
  double dist_timeout_s = 600;        // rendezvous and collectives
  std::string negatives = "global";   // global: negatives from every rank's pairs | local
  // Not options: set by the task.
  bool resume = false;  // continue from <dir>/checkpoints/last.pt when present
  std::string dir;      // output directory (checkpoints/ under it)

  // The learning-rate schedule over `total_steps` optimizer steps.
  ScheduleSettings schedule_settings(int64_t total_steps) const;
};

// The `trainer` config group (configs/trainer/*.yaml): its options, declared once.
const SettingsSchema<TrainerSettings>& trainer_settings();
TrainerSettings read_trainer_settings(const Config& node);

// One optimizer step as the trainer takes it, shared with task=bench_train_step so that a
// benchmark times exactly this code: forward of both encoders and the loss (bf16 autocast on
// CUDA when options.bf16), backward of loss / accumulate, and at an accumulation boundary the
// gradient all-reduce (data parallel), clipping, the learning rate, AdamW (ForeachAdamW: LibTorch's
// AdamW arithmetic on whole parameter lists) and zeroed gradients.
class TrainStep {
 public:
  TrainStep(const TrainerSettings& options, RetrievalModel& model, torch::Device device);
  // Forward and backward of one micro-batch; the loss as computed (not divided by accumulate).
  LossOutput forward_backward(const data::Batch& batch, bool global_negatives);
  // Averages gradients across ranks, clips, sets `lr`, steps AdamW and zeroes the gradients.
  void apply(double lr);
  torch::optim::AdamW& optimizer() { return *optimizer_; }
  const std::vector<torch::Tensor>& parameters() const { return parameters_; }

 private:
  const TrainerSettings& options_;
  RetrievalModel& model_;
  bool autocast_;
  std::vector<torch::Tensor> parameters_;
  std::unique_ptr<ForeachAdamW> optimizer_;
};

struct TrainResult {
  int64_t epochs_completed = 0;
  int64_t best_epoch = -1;
  int64_t optimizer_steps = 0;
  bool interrupted = false;
  bool early_stopped = false;
  std::map<std::string, double> best_metrics;  // validation metrics of the best epoch
  double data_wait_s_per_step = 0;             // mean time the loop waited for a batch
  double seconds_per_step = 0;                 // mean wall time of one micro-batch step
  double communication_s_per_step = 0;         // of which in collectives (data parallel)
};

class Trainer {
 public:
  // `epoch_row` receives each epoch's metrics row (metrics.csv); on resume the saved rows are
  // replayed first so the file is complete.
  using RowSink = std::function<void(const std::map<std::string, double>&)>;
  Trainer(TrainerSettings options, RetrievalModel model, const data::MotionTextDataset& train,
          const data::MotionTextDataset& val, torch::Device device, uint64_t seed,
          RowSink epoch_row);
  TrainResult fit();
  std::string last_checkpoint() const;
  std::string best_checkpoint() const;

 private:
  TrainerSettings options_;
  RetrievalModel model_;
  const data::MotionTextDataset& train_;
  const data::MotionTextDataset& val_;
  torch::Device device_;
  uint64_t seed_;
  RowSink epoch_row_;
};

// Loads the module weights of a checkpoint written by Trainer (no optimizer, no RNG).
void load_model_weights(const std::string& checkpoint, RetrievalModel& model);

}  // namespace motlab::train
