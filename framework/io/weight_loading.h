// Loads checkpoint tensors into a torch::nn::Module by name, with shape checks. Every problem
// (missing, unexpected or mis-shaped tensor) is collected and reported in one motlab::Error that
// names each tensor and both shapes.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "framework/io/safetensors.h"

namespace motlab::io {

struct WeightLoadSettings {
  // Checkpoint-name prefixes removed before matching (the first that matches is removed), e.g.
  // {"distilbert.", "roberta.", "model."}. A name that matches the module directly is never
  // stripped, so "model.embed_tokens.weight" still loads into a module with that exact name.
  std::vector<std::string> strip_prefixes;
  // Legacy BERT LayerNorm names: "...LayerNorm.gamma"/"beta" -> "weight"/"bias".
  bool rename_layer_norm_gamma_beta = true;
  // Arbitrary rename applied after prefix stripping: return the module name, or std::nullopt to
  // drop the checkpoint tensor silently.
  std::function<std::optional<std::string>(const std::string&)> rename;
  // Checkpoint tensors (names after renaming) that may be present without a module slot: an entry
  // matches a name equal to it, starting with it when it ends in '.', or containing it when it is
  // written "*substring*". E.g. {"lm_head.", "pooler.", "vocab_", "*position_ids*"}.
  std::vector<std::string> allow_unexpected;
  // Module tensors that may stay at their initial value when the checkpoint lacks them (same
  // pattern rules).
  std::vector<std::string> allow_missing;
  // Tied weights: module name -> module name whose checkpoint tensor also fills it when the
  // checkpoint lacks its own (e.g. {"lm_head.weight", "embed_tokens.weight"}).
  std::map<std::string, std::string> tied;
  // Module buffers (not parameters) are filled when present and never reported missing.
  bool buffers_optional = true;
};

struct WeightLoadReport {
  std::vector<std::string> loaded;           // module names filled
  std::vector<std::string> ignored;          // checkpoint names allowed as unexpected
  std::vector<std::string> missing_allowed;  // module names left at their initial value
  std::vector<std::string> tied;             // module names filled from their tied partner
};

// Copies every matching checkpoint tensor into the module's parameters and buffers (converted to
// each slot's dtype and device). Throws, listing all problems, when something does not fit.
WeightLoadReport load_weights(torch::nn::Module& module, const Checkpoint& checkpoint,
                              const WeightLoadSettings& options = {});

// The same from an in-memory name -> tensor map (used by tests and adapters).
WeightLoadReport load_weights(torch::nn::Module& module,
                              const std::map<std::string, torch::Tensor>& tensors,
                              const WeightLoadSettings& options = {},
                              const std::string& origin = "state dict");

// All parameters and buffers of a module by name, e.g. for save_safetensors.
std::vector<std::pair<std::string, torch::Tensor>> module_state(const torch::nn::Module& module);

// True when `name` matches one of the patterns (rules of WeightLoadSettings::allow_unexpected).
bool matches_name_pattern(const std::string& name, const std::vector<std::string>& patterns);

}  // namespace motlab::io
