// Task `bench_train_step`: time of one contrastive training step of the configured method
// (text_encoder, motion_encoder, loss, text_similarity, trainer), i.e. train::TrainStep, the
// code Trainer::fit runs: forward of both encoders + loss (bf16 autocast on CUDA when
// trainer.bf16), backward, AdamW. The batch is fixed: the first `batch_size` training pairs of
// `data`, each motion resampled to exactly `frames` frames (no padding), already on the device,
// so the time is the step alone (no loading). `warmup` untimed steps, then `repeats` timed ones
// (CUDA synchronised), every one an AdamW step at trainer.lr (no schedule); median, mean, p10
// and p90 in ms, and the loss of the first and the last step.
// tools/parity/tmr_step_reference.py is the same step in plain eager PyTorch.
#include <algorithm>
#include <chrono>
#include <numeric>

#include "framework/config/settings.h"
#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/data/data_config.h"
#include "framework/data/dataset.h"
#include "framework/run/task.h"
#include "framework/train/trainer.h"

namespace motlab {
namespace {

struct BenchTrainStepSettings {
  int64_t batch_size = 32;
  int64_t frames = 196;
  int64_t warmup = 10;
  int64_t repeats = 50;
};

SettingsSchema<BenchTrainStepSettings> bench_train_step_settings() {
  using S = BenchTrainStepSettings;
  return SettingsSchema<S>()
      .option("batch_size", &S::batch_size, "pairs per step (the first of the split)", at_least(2))
      .option("frames", &S::frames, "every motion resampled to this many frames", at_least(1))
      .option("warmup", &S::warmup, "untimed steps first (the first one included)", at_least(1))
      .option("repeats", &S::repeats, "timed steps (median reported)", at_least(1));
}

double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto low = static_cast<size_t>(position);
  const size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (position - static_cast<double>(low)) * (values[high] - values[low]);
}

class BenchTrainStepTask : public Task {
 public:
  explicit BenchTrainStepTask(BenchTrainStepSettings options) : options_(options) {}

  void run(RunContext& run) override {
    const Config& config = run.config();
    for (const char* group : {"data", "trainer"})
      MOTLAB_CHECK(config.has(group) && !config[group].is_null(), "task 'bench_train_step' needs ",
                   group, "=<option> (or a method=<option> that selects it)");
    const data::DataSettings settings = data::prepare_data(config["data"]);
    data::MotionTextDataset train(data::split_options(settings, settings.train_split, false));
    MOTLAB_CHECK(train.size() >= static_cast<size_t>(options_.batch_size),
                 config["data"].describe(), ": the training split has ", train.size(),
                 " pairs; task.batch_size is ", options_.batch_size);
    train::RetrievalModel model =
        train::build_retrieval_model(config, run.build_context(), "bench_train_step");

    std::vector<data::Sample> samples;
    data::Batch batch;
    for (int64_t k = 0; k < options_.batch_size; ++k) {
      data::Sample sample = train.get(static_cast<size_t>(k));
      sample.motion = data::resample_frames(sample.motion, options_.frames);
      batch.captions.push_back(sample.caption);
      samples.push_back(std::move(sample));
    }
    batch.motions = data::collate(samples, run.device());
    model.text->prepare(batch.captions);
    if (model.similarity) model.similarity->prepare(batch.captions);

    train::TrainerSettings trainer = train::read_trainer_settings(config["trainer"]);
    trainer.accumulate = 1;
    model.train(true);
    train::TrainStep step(trainer, model, run.device());
    log::info("bench", "train step of " + component_key(config["text_encoder"]) + " + " +
                           component_key(config["motion_encoder"]) + " + " +
                           component_key(config["loss"]) + ", batch " +
                           std::to_string(options_.batch_size) + " x " +
                           std::to_string(options_.frames) + " frames on " + run.device().str() +
                           (trainer.bf16 && run.device().is_cuda() ? " (bf16 autocast)" : ""));
    auto one_step = [&] {
      const LossOutput out = step.forward_backward(batch, /*global_negatives=*/false);
      step.apply(trainer.lr);
      return out.total.detach();
    };
    const double first_loss = one_step().item<double>();
    for (int64_t k = 1; k < options_.warmup; ++k) one_step();
    std::vector<double> ms;
    torch::Tensor last;
    for (int64_t k = 0; k < options_.repeats; ++k) {
      synchronize_device(run.device());
      const auto start = std::chrono::steady_clock::now();
      last = one_step();
      synchronize_device(run.device());
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    const double last_loss = last.item<double>();
    MOTLAB_CHECK(std::isfinite(first_loss) && std::isfinite(last_loss),
                 "bench_train_step: the loss is not finite (first ", first_loss, ", last ",
                 last_loss, ")");
    const double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
    run.set_metric("median_ms", percentile(ms, 0.5));
    run.set_metric("mean_ms", mean);
    run.set_metric("p10_ms", percentile(ms, 0.1));
    run.set_metric("p90_ms", percentile(ms, 0.9));
    run.set_metric("first_loss", first_loss);
    run.set_metric("last_loss", last_loss);
    run.set_metric("trainable_parameters", static_cast<double>(nn_parameter_count(step)));
    log::info("bench", "median " + std::to_string(percentile(ms, 0.5)) + " ms/step (p10 " +
                           std::to_string(percentile(ms, 0.1)) + ", p90 " +
                           std::to_string(percentile(ms, 0.9)) + "); loss " +
                           std::to_string(first_loss) + " -> " + std::to_string(last_loss));
  }

 private:
  static int64_t nn_parameter_count(const train::TrainStep& step) {
    int64_t n = 0;
    for (const auto& p : step.parameters()) n += p.numel();
    return n;
  }

  BenchTrainStepSettings options_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "bench_train_step",
                "time of one training step (forward, backward, AdamW) of the configured method",
                bench_train_step_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  return std::make_shared<BenchTrainStepTask>(bench_train_step_settings().read(o));
                });

}  // namespace motlab
