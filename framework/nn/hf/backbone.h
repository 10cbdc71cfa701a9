// Hugging Face transformer backbones (Qwen2, DistilBERT, XLM-RoBERTa...) behind one interface, so
// that tools (parity checks, `motlab hidden-states`) and text components reach any architecture by
// its config.json `model_type`. Architectures register themselves in framework/nn/hf/<arch>.cpp.
//
// Shapes: B = batch, L = tokens, H = hidden size.
#pragma once
#include <torch/torch.h>

#include <memory>
#include <string>

#include "framework/config/settings.h"
#include "framework/registry/registry.h"

namespace motlab {

struct HfBackboneSettings {
  std::string model_dir;  // folder with config.json + *.safetensors (or *.safetensors.index.json)
  std::string dtype = "float32";  // compute dtype of the weights: float32 | bfloat16 | float16
  torch::Device device = torch::kCPU;
  torch::ScalarType scalar_type() const;
};

class HfBackbone : public torch::nn::Module {
 public:
  virtual ~HfBackbone() = default;
  // input_ids [B, L] int64, attention_mask [B, L] int64/bool (1 = real token; padding on the
  // right) -> last hidden state [B, L, H] (after the final norm where the architecture has one).
  virtual torch::Tensor last_hidden_state(const torch::Tensor& input_ids,
                                          const torch::Tensor& attention_mask) = 0;
  virtual int64_t hidden_size() const = 0;
  virtual std::string model_type() const = 0;
};

// Key = config.json `model_type` ("qwen2", "distilbert", "xlm-roberta", "bert"...). Every
// architecture takes the same options (model_dir, dtype; the device comes from the context).
MOTLAB_DECLARE_FAMILY(hf_backbone_family, HfBackbone)
// The options every architecture takes: model_dir (required) and dtype (float32 | bfloat16 |
// float16); the device comes from the BuildContext.
const SettingsSchema<HfBackboneSettings>& hf_backbone_settings();
HfBackboneSettings read_hf_backbone_settings(const Options& options, const BuildContext& ctx);

// Reads `<model_dir>/config.json`, builds the registered architecture and loads its weights.
std::shared_ptr<HfBackbone> load_hf_backbone(const HfBackboneSettings& options);

}  // namespace motlab
