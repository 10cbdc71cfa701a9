#include "framework/train/caption_pretraining.h"

#include <algorithm>
#include <cmath>

#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/progress.h"
#include "framework/data/data_config.h"
#include "framework/data/dataset.h"
#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"

namespace motlab::train {

std::vector<std::string> training_captions(const Config& config, const std::string& task) {
  MOTLAB_CHECK(config.has("data") && config["data"].is_dict(), "task '", task,
               "' needs a `data` node (data=<option>)");
  const data::DataSettings settings = data::prepare_data(config["data"]);
  data::MotionTextDataset train(data::split_options(settings, settings.train_split, false));
  std::vector<std::string> corpus = train.all_captions();
  MOTLAB_CHECK(!corpus.empty(), "task '", task, "': the training split has no caption");
  return corpus;
}

CaptionPretrainingResult pretrain_on_sequences(
    torch::nn::Module& model, const std::vector<std::vector<int64_t>>& sequences,
    const CaptionPretrainingSettings& settings, uint64_t seed, const SequenceBatchLoss& batch_loss,
    const std::function<void(const std::map<std::string, double>&)>& row) {
  torch::optim::AdamW optimizer(
      model.parameters(),
      torch::optim::AdamWOptions(settings.lr).weight_decay(settings.weight_decay));
  std::mt19937_64 rng(derive_seed(seed, settings.task + "/batches"));
  std::uniform_int_distribution<size_t> pick(0, sequences.size() - 1);
  std::string label = settings.task;  // "pretrain qwen2"
  std::replace(label.begin(), label.end(), '_', ' ');
  Progress progress(label, settings.steps, "step");
  CaptionPretrainingResult result;
  double recent_loss = 0;
  int64_t recent = 0;
  model.train();
  for (int64_t step = 0; step < settings.steps; ++step) {
    if (interrupt_requested()) MOTLAB_FAIL(settings.task, " interrupted");
    SequenceBatch batch;
    for (int64_t b = 0; b < settings.batch_size; ++b) batch.push_back(&sequences[pick(rng)]);
    const double warm = std::min(1.0, static_cast<double>(step + 1) / settings.warmup_steps);
    const double cosine = 0.5 * (1 + std::cos(M_PI * static_cast<double>(step) / settings.steps));
    for (auto& group : optimizer.param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(settings.lr * warm * cosine);
    torch::Tensor loss = batch_loss(batch, rng);
    optimizer.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model.parameters(), 1.0);
    optimizer.step();
    const double value = loss.item<double>();
    if (step == 0) result.first_loss = value;
    if (step >= settings.steps - 20) {
      recent_loss += value;
      ++recent;
    }
    progress.update(1, {{"loss", value}});
    if (step % 50 == 0 || step + 1 == settings.steps)
      row({{"step", static_cast<double>(step + 1)}, {"train/" + settings.loss + "_loss", value}});
  }
  progress.finish();
  model.eval();
  result.last_loss = recent ? recent_loss / recent : result.first_loss;
  for (const auto& p : model.parameters()) result.parameters += p.numel();
  return result;
}

void write_hf_model(const std::string& dir,
                    const std::vector<std::pair<std::string, torch::Tensor>>& state,
                    const nlohmann::json& config) {
  io::save_safetensors(dir + "/model.safetensors", state);
  io::HfConfig::from_json(config, dir + "/config.json").save(dir + "/config.json");
}

}  // namespace motlab::train
