// Training checkpoints: one file holding the modules' parameters and buffers, the optimizer's
// state, the random generators' states and the trainer's own state (epoch, step, schedule step,
// history) as JSON. Written to a temporary sibling and renamed, so a killed run always leaves
// the previous complete checkpoint behind.
#pragma once
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>

namespace motlab::train {

// Every default generator this process uses: CPU, and each visible CUDA device.
struct RngStates {
  torch::Tensor cpu;
  std::vector<torch::Tensor> cuda;
};
RngStates capture_rng();
void restore_rng(const RngStates& states);

struct Checkpoint {
  std::map<std::string, std::shared_ptr<torch::nn::Module>> modules;  // name -> module
  torch::optim::Optimizer* optimizer = nullptr;
  bool with_rng = true;
  std::string state_json = "{}";  // the trainer's own state
};

// Writes `path` atomically (temp file + rename).
void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);
// Throws naming `path` when it is absent or not a readable checkpoint archive (a damaged file),
// without building any model: a check before anything is written into a run directory.
void check_checkpoint(const std::string& path);
// Loads into the given modules/optimizer (all must be present in the file), restores the RNG
// when with_rng, and returns the trainer state JSON. Errors name the file and the missing entry.
std::string load_checkpoint(const std::string& path, const Checkpoint& checkpoint);

// A module's parameters and buffers alone (what `motlab eval` reloads), written atomically.
void save_module(const std::string& path, torch::nn::Module& module);
void load_module(const std::string& path, torch::nn::Module& module);

}  // namespace motlab::train
