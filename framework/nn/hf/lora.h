// LoRA as PEFT implements it (shared/specs/models.md 3.5): a frozen Linear plus a low-rank update
//   y = x W^T + b + dropout(x) A^T B^T * scaling,  A [r, in], B [out, r], scaling = alpha / r,
// A ~ kaiming_uniform(a = sqrt(5)), B = 0 (a no-op at start). Parameter names follow PEFT
// (`<module>.lora_A.weight`, `<module>.lora_B.weight`), and adapters are saved and loaded in PEFT's
// layout (adapter_config.json + adapter_model.safetensors), so they move between motlab and PEFT.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

namespace motlab::nn {

struct LoraSettings {
  int64_t r = 8;  // PEFT defaults
  double alpha = 8;
  double dropout = 0.0;
  std::vector<std::string> target_modules{"q_proj", "v_proj"};  // PEFT's default for qwen2
  double scaling() const { return alpha / static_cast<double>(r); }
};

// A Linear whose parameters are named like torch.nn.Linear ("weight", "bias"), so base checkpoints
// load unchanged, and which can carry a LoRA adapter.
class LoraLinearImpl : public torch::nn::Module {
 public:
  LoraLinearImpl(int64_t in_features, int64_t out_features, bool bias);
  torch::Tensor forward(const torch::Tensor& x);  // [..., in] -> [..., out]

  // Adds lora_A / lora_B (PEFT initialisation) and freezes weight/bias.
  void add_adapter(const LoraSettings& options);
  bool has_adapter() const { return !lora_A.is_empty(); }
  // W += scaling * B A; the adapter stops contributing (PEFT merge_and_unload semantics).
  void merge();
  bool merged() const { return merged_; }
  // The weight inference multiplies by: `weight`, or with an unmerged adapter
  // weight + scaling * B A (summed in float32, stored in weight's dtype), cached until weight, A
  // or B change (in place or replaced). In bfloat16 the adapter's smallest effects round away, as
  // in PEFT's merge_and_unload. No autograd: call under NoGradGuard.
  torch::Tensor inference_weight();

  torch::Tensor weight, bias;                          // [out, in], [out] or undefined
  torch::nn::Linear lora_A{nullptr}, lora_B{nullptr};  // [r, in], [out, r]

 private:
  int64_t in_features_, out_features_;
  double scaling_ = 1.0, dropout_ = 0.0;
  bool merged_ = false;
  torch::Tensor folded_;               // inference_weight() with an unmerged adapter
  std::vector<int64_t> folded_stamp_;  // what folded_ was computed from (tensor_stamp)
};

// Identity, in-place version and data of tensors, to tell whether a cache computed from them is
// stale: (TensorImpl address, version counter, data pointer, dtype + device) of each.
std::vector<int64_t> tensor_stamp(const std::vector<torch::Tensor>& tensors);
TORCH_MODULE(LoraLinear);

// Freezes every parameter of `model` and adds (trainable) adapters to every LoraLinear whose name
// ends in one of options.target_modules (".q_proj" ...), as PEFT's get_peft_model does. Returns
// the adapted module names. Throws when nothing matches.
std::vector<std::string> add_lora_adapters(torch::nn::Module& model, const LoraSettings& options);

// Merges every adapter into its base weight.
void merge_lora_adapters(torch::nn::Module& model);

// Writes <dir>/adapter_config.json and <dir>/adapter_model.safetensors. `name_prefix` is what PEFT
// puts before the module names ("base_model.model." for a PeftModel around a *ForCausalLM whose
// decoder is `model.`); `base_model` is recorded as base_model_name_or_path.
// `module_prefix` is the part of motlab's module names that PEFT does not have (e.g. "qwen2." when
// the decoder sits inside a wrapper module).
void save_lora_adapter(const torch::nn::Module& model, const LoraSettings& options,
                       const std::string& dir, const std::string& base_model,
                       const std::string& name_prefix = "base_model.model.",
                       const std::string& module_prefix = "");

// Reads the adapter config (r, lora_alpha, lora_dropout, target_modules; rejects options motlab
// does not implement, e.g. use_dora, use_rslora, fan_in_fan_out, bias != none).
LoraSettings read_lora_config(const std::string& dir);

// Adds adapters as the folder's config says and loads their weights; a missing, unexpected or
// mis-shaped tensor is an error naming it and both shapes.
void load_lora_adapter(torch::nn::Module& model, const std::string& dir,
                       const std::string& name_prefix = "base_model.model.",
                       const std::string& module_prefix = "");

}  // namespace motlab::nn
