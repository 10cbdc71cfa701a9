#include "framework/train/trainer.h"
#include "framework/artifacts/run_dir.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "framework/config/config.h"
#include "framework/core/autocast.h"
#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/dist/data_parallel.h"
#include "framework/dist/dist.h"
#include "framework/eval/retrieval_metrics.h"
#include "framework/train/checkpoint.h"

namespace motlab::train {

namespace {

// An interrupt (SIGINT/SIGTERM) on any rank stops every rank at the same step.
bool stop_requested() {
  if (!dist::active()) return interrupt_requested();
  torch::Tensor flag = torch::tensor({interrupt_requested() ? 1.0f : 0.0f});
  dist::all_reduce_max(flag);
  return flag.item<float>() > 0;
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

// Everything the trainer must restore to continue exactly where it stopped.
struct TrainerState {
  int64_t epoch = 0;           // the epoch in progress (or next to start)
  int64_t batch_in_epoch = 0;  // micro-batches of `epoch` already consumed
  int64_t optimizer_steps = 0;
  double best_value = -std::numeric_limits<double>::infinity();
  int64_t best_epoch = -1;
  int64_t bad_epochs = 0;
  bool finished = false;
  bool early_stopped = false;
  std::map<std::string, double> best_metrics;
  std::vector<std::map<std::string, double>> history;
  // Running sums of the epoch in progress (so a mid-epoch resume logs the same epoch loss).
  double loss_sum = 0;
  int64_t loss_count = 0;
  std::map<std::string, double> part_sums;

  std::string to_json() const {
    nlohmann::json j;
    j["epoch"] = epoch;
    j["batch_in_epoch"] = batch_in_epoch;
    j["optimizer_steps"] = optimizer_steps;
    j["best_value"] = std::isfinite(best_value) ? nlohmann::json(best_value) : nlohmann::json();
    j["best_epoch"] = best_epoch;
    j["bad_epochs"] = bad_epochs;
    j["finished"] = finished;
    j["early_stopped"] = early_stopped;
    j["best_metrics"] = best_metrics;
    j["history"] = history;
    j["loss_sum"] = loss_sum;
    j["loss_count"] = loss_count;
    j["part_sums"] = part_sums;
    return j.dump();
  }
  static TrainerState from_json(const std::string& text, const std::string& where) {
    TrainerState s;
    try {
      nlohmann::json j = nlohmann::json::parse(text);
      s.epoch = j.at("epoch");
      s.batch_in_epoch = j.at("batch_in_epoch");
      s.optimizer_steps = j.at("optimizer_steps");
      if (!j.at("best_value").is_null()) s.best_value = j.at("best_value");
      s.best_epoch = j.at("best_epoch");
      s.bad_epochs = j.at("bad_epochs");
      s.finished = j.at("finished");
      s.early_stopped = j.at("early_stopped");
      s.best_metrics = j.at("best_metrics").get<std::map<std::string, double>>();
      s.history = j.at("history").get<std::vector<std::map<std::string, double>>>();
      s.loss_sum = j.at("loss_sum");
      s.loss_count = j.at("loss_count");
      s.part_sums = j.at("part_sums").get<std::map<std::string, double>>();
    } catch (const std::exception& e) {
      MOTLAB_FAIL("checkpoint ", where, ": malformed trainer state: ", error_text(e));
    }
    return s;
  }
};

}  // namespace

void RetrievalModel::train(bool on) {
  text->train(on);
  motion->train(on);
  loss->train(on);
}

std::vector<torch::Tensor> RetrievalModel::trainable_parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& [name, module] : modules())
    for (const auto& p : module->parameters())
      if (p.requires_grad()) out.push_back(p);
  return out;
}

std::map<std::string, std::shared_ptr<torch::nn::Module>> RetrievalModel::modules() const {
  return {{"text_encoder", text}, {"motion_encoder", motion}, {"loss", loss}};
}

namespace {
// An embedding's pieces in a BatchGather (latent is mean's piece when it is the same tensor).
struct EmbeddingPieces {
  size_t mean = 0;
  std::optional<size_t> logvar, latent;
};

EmbeddingPieces add_embedding(dist::BatchGather& gather, const Embedding& local) {
  EmbeddingPieces pieces;
  pieces.mean = gather.add(local.mean);
  if (local.logvar.defined()) pieces.logvar = gather.add(local.logvar);
  if (local.latent.defined() && !local.latent.is_same(local.mean))
    pieces.latent = gather.add(local.latent);
  return pieces;
}

Embedding gathered_embedding(const dist::BatchGather& gather, const EmbeddingPieces& pieces,
                             const Embedding& local) {
  Embedding out;
  out.mean = gather.tensor(pieces.mean);
  if (pieces.logvar) out.logvar = gather.tensor(*pieces.logvar);
  if (pieces.latent)
    out.latent = gather.tensor(*pieces.latent);
  else if (local.latent.defined())
    out.latent = out.mean;
  return out;
}
}  // namespace

LossOutput RetrievalModel::loss_on(const data::Batch& batch, bool global_batch) {
  LossInputs inputs;
  inputs.motion = motion->encode(batch.motions);
  inputs.text = text->encode(batch.captions);
  const bool with_motions = loss->needs_motions();
  if (with_motions) inputs.motions = &batch.motions;
  const std::vector<std::string>* captions = &batch.captions;
  std::vector<std::string> global_captions;
  MotionBatch global_motions;
  if (global_batch && dist::active()) {
    // The global batch in two collectives (shapes, then every piece's bytes at once).
    dist::BatchGather gather;
    const EmbeddingPieces motion_pieces = add_embedding(gather, inputs.motion);
    const EmbeddingPieces text_pieces = add_embedding(gather, inputs.text);
    std::optional<size_t> caption_piece, features_piece, mask_piece, lengths_piece;
    if (similarity) caption_piece = gather.add(batch.captions);
    if (with_motions) {
      // Padded to the longest motion of the global batch, as one process's collate pads it.
      features_piece = gather.add(batch.motions.features, /*pad_dim1=*/true);
      mask_piece = gather.add(batch.motions.mask, /*pad_dim1=*/true);
      lengths_piece = gather.add(batch.motions.lengths);
    }
    gather.run();
    inputs.motion = gathered_embedding(gather, motion_pieces, inputs.motion);
    inputs.text = gathered_embedding(gather, text_pieces, inputs.text);
    if (caption_piece) {
      global_captions = gather.strings(*caption_piece);
      captions = &global_captions;
    }
    if (with_motions) {
      global_motions.features = gather.tensor(*features_piece);
      global_motions.mask = gather.tensor(*mask_piece);
      global_motions.lengths = gather.tensor(*lengths_piece);
      inputs.motions = &global_motions;
    }
  }
  if (similarity) {
    // The similarity of the global batch's captions (a model like tfidf depends on the whole set
    // it is given, as in one process).
    torch::NoGradGuard no_grad;
    const torch::Tensor caption_embeddings =
        similarity->embed(*captions).to(batch.motions.features.device());
    inputs.caption_similarity =
        torch::matmul(caption_embeddings, caption_embeddings.t()).to(torch::kFloat);
  }
  return loss->compute(inputs);
}

RetrievalModel build_retrieval_model(const Config& config, const BuildContext& ctx,
                                     const std::string& task) {
  for (const char* group : {"text_encoder", "motion_encoder", "loss"})
    MOTLAB_CHECK(config.has(group) && !config[group].is_null(), "task '", task, "' needs ", group,
                 "=<option> (or a method=<option> that selects it)");
  RetrievalModel model;
  model.text = text_encoder_family().build(config["text_encoder"], ctx);
  model.motion = motion_encoder_family().build(config["motion_encoder"], ctx);
  model.loss = loss_family().build(config["loss"], ctx);
  if (config.has("text_similarity") && !config["text_similarity"].is_null())
    model.similarity = text_similarity_family().build(config["text_similarity"], ctx);
  return model;
}

TrainStep::TrainStep(const TrainerSettings& options, RetrievalModel& model, torch::Device device)
    : options_(options), model_(model), autocast_(options.bf16 && device.is_cuda()) {
  parameters_ = model_.trainable_parameters();
  MOTLAB_CHECK(!parameters_.empty(), "trainer: the model has no trainable parameter");
  optimizer_ =
      std::make_unique<ForeachAdamW>(parameters_, torch::optim::AdamWOptions(options_.lr)
                                                      .weight_decay(options_.weight_decay)
                                                      .betas({options_.beta1, options_.beta2})
                                                      .eps(options_.eps));
}

LossOutput TrainStep::forward_backward(const data::Batch& batch, bool global_negatives) {
  LossOutput out;
  {
    AutocastGuard guard(autocast_);
    out = model_.loss_on(batch, global_negatives);
  }
  (out.total / static_cast<double>(options_.accumulate)).backward();
  return out;
}

void TrainStep::apply(double lr) {
  dist::average_gradients(parameters_);
  if (options_.grad_clip > 0) torch::nn::utils::clip_grad_norm_(parameters_, options_.grad_clip);
  set_lr(*optimizer_, lr);
  optimizer_->step();
  zero_gradients(parameters_);
}

EncodedSet encode_dataset(RetrievalModel& model, const data::MotionTextDataset& dataset,
                          int64_t batch_size, torch::Device device, bool shard_across_ranks) {
  torch::NoGradGuard no_grad;
  model.train(false);
  EncodedSet out;
  out.captions = dataset.eval_captions();
  out.ids = dataset.ids();
  const bool sharded = shard_across_ranks && dist::active();
  std::vector<torch::Tensor> texts, motions;
  int64_t batch_index = 0;
  for (size_t begin = 0; begin < dataset.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(dataset.size(), begin + static_cast<size_t>(batch_size));
    std::vector<data::Sample> samples;
    std::vector<std::string> captions;
    for (size_t k = begin; k < end; ++k) {
      samples.push_back(dataset.get(k));
      captions.push_back(samples.back().caption);
      out.frames.push_back(samples.back().motion.size(0));
    }
    if (sharded && batch_index++ % dist::world_size() != dist::rank()) {
      const auto rows = static_cast<int64_t>(end - begin);
      motions.push_back(torch::zeros({rows, model.motion->embedding_dim()}));
      texts.push_back(torch::zeros({rows, model.text->embedding_dim()}));
      continue;
    }
    motions.push_back(
        model.motion->encode(data::collate(samples, device)).mean.to(torch::kFloat).cpu());
    texts.push_back(model.text->encode(captions).mean.to(torch::kFloat).cpu());
  }
  MOTLAB_CHECK(!texts.empty(), "cannot evaluate on an empty dataset");
  out.text = torch::cat(texts);
  out.motion = torch::cat(motions);
  if (sharded) {
    std::vector<torch::Tensor> both{out.text, out.motion};
    dist::all_reduce_sum(both);
  }
  return out;
}

std::map<std::string, double> retrieval_scores(const EncodedSet& set, const std::string& prefix) {
  torch::Tensor sim = eval::cosine_similarity_matrix(set.text, set.motion);
  auto metrics = eval::retrieval_metrics(sim, {}, std::nullopt, /*round=*/false);
  std::map<std::string, double> out = metrics.flat(prefix);
  out[prefix + "rsum"] = metrics.t2m.r1 + metrics.t2m.r5 + metrics.t2m.r10 + metrics.m2t.r1 +
                         metrics.m2t.r5 + metrics.m2t.r10;
  return out;
}

ScheduleSettings TrainerSettings::schedule_settings(int64_t total_steps) const {
  ScheduleSettings out;
  out.kind = schedule;
  out.warmup_steps = warmup_steps;
  out.min_lr_ratio = min_lr_ratio;
  out.total_steps = total_steps;
  return out;
}

const SettingsSchema<TrainerSettings>& trainer_settings() {
  using S = TrainerSettings;
  static const auto schema =
      SettingsSchema<S>()
          .option("epochs", &S::epochs, "training epochs", above(0))
          .option("batch_size", &S::batch_size, "pairs per micro-batch", above(0))
          .option("eval_batch_size", &S::eval_batch_size, "pairs per batch when encoding", above(0))
          .option("lr", &S::lr, "AdamW learning rate", above(0))
          .option("weight_decay", &S::weight_decay, "AdamW weight decay", at_least(0))
          .option("beta1", &S::beta1, "AdamW beta1", between(0, 1))
          .option("beta2", &S::beta2, "AdamW beta2", between(0, 1))
          .option("eps", &S::eps, "AdamW epsilon", at_least(0))
          .choice("schedule", &S::schedule, {"constant", "cosine"}, "learning-rate schedule")
          .option("warmup_steps", &S::warmup_steps, "linear warm-up steps", at_least(0))
          .option("min_lr_ratio", &S::min_lr_ratio, "cosine floor, as a share of lr", between(0, 1))
          .option("grad_clip", &S::grad_clip, "max global L2 norm of the gradients (0 = off)",
                  at_least(0))
          .option("accumulate", &S::accumulate, "micro-batches per optimizer step", at_least(1))
          .option("bf16", &S::bf16, "bf16 autocast on CUDA (ignored on CPU)")
          .option("patience", &S::patience, "epochs without improvement before stopping (0 = off)",
                  at_least(0))
          .option("min_delta", &S::min_delta, "smallest improvement of `monitor` that counts")
          .option("monitor", &S::monitor, "validation metric that picks the best epoch")
          .option("max_batches_per_epoch", &S::max_batches_per_epoch, "0 = whole epoch",
                  at_least(0))
          .option("prefetch", &S::prefetch, "batches prepared ahead", at_least(0))
          .option("shuffle", &S::shuffle, "shuffle the training pairs every epoch")
          .option("drop_last", &S::drop_last, "drop the last incomplete batch")
          .option("nproc_per_node", &S::nproc_per_node,
                  "data-parallel ranks motlab starts on this host when no launcher (torchrun, "
                  "srun) did; batch_size is the global batch",
                  between(1, 1024))
          .choice("dist_backend", &S::dist_backend, {"auto", "gloo", "nccl"},
                  "data-parallel backend (auto: nccl on CUDA, gloo on CPU)")
          .option("dist_timeout_s", &S::dist_timeout_s,
                  "seconds a rank waits for the others (rendezvous, each collective)", above(0))
          .choice("negatives", &S::negatives, {"global", "local"},
                  "data parallel: global (the loss sees every rank's pairs: 2 ranks x 16 = 1 x "
                  "32) | local (each rank's own pairs only)");
  return schema;
}

MOTLAB_REGISTER_GROUP("trainer", "optimisation settings of task=train",
                      trainer_settings().options());

TrainerSettings read_trainer_settings(const Config& node) {
  return trainer_settings().read(node, "trainer");
}

Trainer::Trainer(TrainerSettings options, RetrievalModel model,
                 const data::MotionTextDataset& train, const data::MotionTextDataset& val,
                 torch::Device device, uint64_t seed, RowSink epoch_row)
    : options_(std::move(options)),
      model_(std::move(model)),
      train_(train),
      val_(val),
      device_(device),
      seed_(seed),
      epoch_row_(std::move(epoch_row)) {
  MOTLAB_CHECK(!options_.dir.empty(), "trainer: an output directory is required");
  MOTLAB_CHECK(model_.text && model_.motion && model_.loss,
               "trainer: text encoder, motion encoder and loss are required");
}

std::string Trainer::last_checkpoint() const {
  return RunDir(options_.dir).checkpoint_file("last");
}
std::string Trainer::best_checkpoint() const {
  return RunDir(options_.dir).checkpoint_file("best");
}

TrainResult Trainer::fit() {
  data::BatchLoader loader(train_, options_.batch_size, options_.shuffle, options_.drop_last,
                           derive_seed(seed_, "train/loader"), device_,
                           static_cast<size_t>(options_.prefetch));
  if (dist::active()) loader.shard(dist::rank(), dist::world_size());
  const bool global_negatives = options_.negatives == "global";
  const bool primary = dist::is_primary();
  int64_t batches = loader.batches_per_epoch();
  if (options_.max_batches_per_epoch > 0)
    batches = std::min(batches, options_.max_batches_per_epoch);
  MOTLAB_CHECK(batches > 0, "trainer: the training set (", train_.size(),
               " pairs) gives no batch of ", options_.batch_size,
               " (lower trainer.batch_size or set trainer.drop_last=false)");
  const int64_t steps_per_epoch = (batches + options_.accumulate - 1) / options_.accumulate;
  const ScheduleSettings schedule = options_.schedule_settings(steps_per_epoch * options_.epochs);

  TrainStep step(options_, model_, device_);
  const std::vector<torch::Tensor>& parameters = step.parameters();
  torch::optim::AdamW& optimizer = step.optimizer();
  Checkpoint checkpoint;
  checkpoint.modules = model_.modules();
  checkpoint.optimizer = &optimizer;

  TrainerState state;
  if (options_.resume && std::filesystem::exists(last_checkpoint())) {
    state =
        TrainerState::from_json(load_checkpoint(last_checkpoint(), checkpoint), last_checkpoint());
    log::info("train", "resumed from " + last_checkpoint() + " at epoch " +
                           std::to_string(state.epoch + 1) + ", batch " +
                           std::to_string(state.batch_in_epoch));
  } else if (options_.resume) {
    log::info("train", "resume requested but " + last_checkpoint() + " is absent: starting fresh");
  }
  if (dist::active()) {
    // One start on every rank: rank 0's trained parameters and buffers (frozen pretrained
    // weights are loaded from the same files everywhere).
    std::vector<torch::Tensor> shared = parameters;
    for (const auto& [name, module] : model_.modules())
      for (const auto& b : module->buffers()) shared.push_back(b);
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> values;
    for (auto& t : shared) values.push_back(t.detach());
    dist::broadcast(values, 0);
  }
  for (const auto& row : state.history)
    if (epoch_row_ && primary) epoch_row_(row);

  TrainResult result;
  double wait_total = 0, step_time_total = 0;
  const double communication_before = dist::communication_seconds();
  int64_t steps_timed = 0;

  while (!state.finished && state.epoch < options_.epochs) {
    const int64_t epoch = state.epoch;
    loader.start_epoch(epoch);
    data::Batch batch;
    // Resuming mid-epoch: the loader's order depends only on (seed, epoch), so skipping the
    // consumed batches reproduces the rest of the epoch.
    for (int64_t k = 0; k < state.batch_in_epoch; ++k)
      MOTLAB_CHECK(loader.next(&batch), "trainer: checkpoint's batch position is past the epoch");
    model_.train(true);
    Progress progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(options_.epochs),
                      batches - state.batch_in_epoch, "step");
    double& loss_sum = state.loss_sum;
    std::map<std::string, double>& part_sums = state.part_sums;
    int64_t& loss_count = state.loss_count;
    bool interrupted = false;
    const double wait_before = loader.wait_seconds();
    optimizer.zero_grad();
    while (state.batch_in_epoch < batches) {
      const auto start = std::chrono::steady_clock::now();
      if (!loader.next(&batch)) break;
      const LossOutput out = step.forward_backward(batch, global_negatives);
      const double loss = out.total.item<double>();
      MOTLAB_CHECK(std::isfinite(loss), "trainer: loss is not finite at epoch ", epoch + 1,
                   " batch ", state.batch_in_epoch + 1);
      ++state.batch_in_epoch;
      loss_sum += loss;
      for (const auto& [k, v] : out.parts) part_sums[k] += v;
      ++loss_count;
      const bool boundary =
          state.batch_in_epoch % options_.accumulate == 0 || state.batch_in_epoch == batches;
      if (boundary) {
        step.apply(options_.lr * lr_factor(schedule, state.optimizer_steps));
        ++state.optimizer_steps;
      }
      step_time_total +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ++steps_timed;
      progress.update(1, {{"loss", loss_sum / loss_count}});
      // Stop only between optimizer steps so no accumulated gradient is lost.
      if (boundary && stop_requested() && state.batch_in_epoch < batches) {
        interrupted = true;
        break;
      }
    }
    progress.finish();
    const double epoch_wait = loader.wait_seconds() - wait_before;
    wait_total += epoch_wait;
    if (interrupted) {
      if (primary)
        save_checkpoint(last_checkpoint(), {checkpoint.modules, &optimizer, true, state.to_json()});
      log::info("train", "interrupted at epoch " + std::to_string(epoch + 1) + " batch " +
                             std::to_string(state.batch_in_epoch) + "; saved " + last_checkpoint());
      result.interrupted = true;
      break;
    }

    std::map<std::string, double> row =
        retrieval_scores(encode_dataset(model_, val_, options_.eval_batch_size, device_,
                                        /*shard_across_ranks=*/true),
                         "val/");
    row["epoch"] = static_cast<double>(epoch + 1);
    row["step"] = static_cast<double>(state.optimizer_steps);
    row["lr"] = options_.lr * lr_factor(schedule, std::max<int64_t>(0, state.optimizer_steps - 1));
    row["train/loss"] = loss_count ? loss_sum / loss_count : 0.0;
    for (const auto& [k, v] : part_sums) row["train/" + k] = v / std::max<int64_t>(1, loss_count);
    row["data_wait_ms_per_step"] = 1000.0 * epoch_wait / std::max<int64_t>(1, loss_count);
    auto monitored = row.find(options_.monitor);
    MOTLAB_CHECK(monitored != row.end(), "trainer.monitor '", options_.monitor,
                 "' is not a validation metric (e.g. val/rsum, val/t2m/R10)");
    log::info("train", "epoch " + std::to_string(epoch + 1) + ": loss " +
                           std::to_string(row["train/loss"]) + ", " + options_.monitor + " " +
                           std::to_string(monitored->second) + ", data wait " +
                           std::to_string(row["data_wait_ms_per_step"]) + " ms/step");
    state.history.push_back(row);
    if (epoch_row_ && primary) epoch_row_(row);
    state.epoch = epoch + 1;
    state.batch_in_epoch = 0;
    state.loss_sum = 0;
    state.loss_count = 0;
    state.part_sums.clear();
    if (monitored->second > state.best_value + options_.min_delta || state.best_epoch < 0) {
      state.best_value = monitored->second;
      state.best_epoch = epoch + 1;
      state.best_metrics = row;
      state.bad_epochs = 0;
    } else {
      ++state.bad_epochs;
    }
    if (options_.patience > 0 && state.bad_epochs >= options_.patience) {
      state.early_stopped = true;
      state.finished = true;
      log::info("train", "early stop: no improvement of " + options_.monitor + " for " +
                             std::to_string(state.bad_epochs) + " epochs");
    }
    if (state.epoch >= options_.epochs) state.finished = true;
    if (primary) {
      if (state.best_epoch == epoch + 1)
        save_checkpoint(best_checkpoint(), {checkpoint.modules, &optimizer, true, state.to_json()});
      save_checkpoint(last_checkpoint(), {checkpoint.modules, &optimizer, true, state.to_json()});
    }
    dist::barrier();  // the checkpoint is complete before any rank goes on (or stops)
    if (stop_requested()) {
      result.interrupted = !state.finished;
      break;
    }
  }
  result.epochs_completed = state.epoch;
  result.best_epoch = state.best_epoch;
  result.optimizer_steps = state.optimizer_steps;
  result.early_stopped = state.early_stopped;
  result.best_metrics = state.best_metrics;
  result.data_wait_s_per_step = steps_timed ? wait_total / steps_timed : 0.0;
  result.seconds_per_step = steps_timed ? step_time_total / steps_timed : 0.0;
  result.communication_s_per_step =
      steps_timed ? (dist::communication_seconds() - communication_before) / steps_timed : 0.0;
  return result;
}

void load_model_weights(const std::string& checkpoint, RetrievalModel& model) {
  Checkpoint c;
  c.modules = model.modules();
  c.with_rng = false;
  load_checkpoint(checkpoint, c);
}

}  // namespace motlab::train
