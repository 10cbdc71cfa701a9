// What task=pretrain_qwen2 and task=pretrain_distilbert share: the captions they pretrain on, the
// training loop over token sequences (random batches, AdamW, warm-up x cosine learning rate,
// gradient clipping, loss bookkeeping) and the Hugging Face folder they write. The model, its
// tokenizer and its objective (next token, masked tokens) stay with each task.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "framework/config/config.h"

namespace motlab::train {

// The captions of the training split of `config`'s `data` node (prepared as task=train prepares
// it); `task` names the task in errors (no `data` node, no caption).
std::vector<std::string> training_captions(const Config& config, const std::string& task);

struct CaptionPretrainingSettings {
  // "pretrain_qwen2": the progress label ("pretrain qwen2"), the interrupt error and the seed of
  // the batches ("<task>/batches").
  std::string task;
  std::string loss;  // "lm": the metrics.csv column train/lm_loss
  int64_t steps = 0, batch_size = 0, warmup_steps = 0;
  double lr = 0, weight_decay = 0;
};

struct CaptionPretrainingResult {
  double first_loss = 0;  // of the first step
  double last_loss = 0;   // mean over the last 20 steps
  int64_t parameters = 0;
};

// One step's sequences (batch_size of them, drawn with replacement) -> the loss of the step. `rng`
// is the generator they were drawn with (an objective that draws more, e.g. masking, uses it).
using SequenceBatch = std::vector<const std::vector<int64_t>*>;
using SequenceBatchLoss =
    std::function<torch::Tensor(const SequenceBatch& batch, std::mt19937_64& rng)>;

// `steps` AdamW steps on `model` (train mode during the loop, eval mode after), each on a batch of
// `sequences` drawn with a generator seeded from (`seed`, "<task>/batches"). The learning rate of
// step s (0-based) is lr * min(1, (s + 1) / warmup_steps) * (1 + cos(pi * s / steps)) / 2: the
// cosine runs over all steps, warm-up included (not train::lr_factor's schedule). Gradients are
// clipped to a global L2 norm of 1. `row` gets {step, train/<loss>_loss} every 50 steps and after
// the last one. Throws when an interrupt is requested.
CaptionPretrainingResult pretrain_on_sequences(
    torch::nn::Module& model, const std::vector<std::vector<int64_t>>& sequences,
    const CaptionPretrainingSettings& settings, uint64_t seed, const SequenceBatchLoss& batch_loss,
    const std::function<void(const std::map<std::string, double>&)>& row);

// Writes `dir`/model.safetensors (`state`) and `dir`/config.json (`config`).
void write_hf_model(const std::string& dir,
                    const std::vector<std::pair<std::string, torch::Tensor>>& state,
                    const nlohmann::json& config);

}  // namespace motlab::train
