// motlab hidden-states --model-dir D --ids ids.npy [--mask mask.npy] --out h.npy
//                      [--dtype f32|bf16] [--device cpu|cuda] [--adapter A] [--save-adapter S]
// Runs any registered Hugging Face backbone (config.json model_type: qwen2, distilbert, ...) on
// token ids [B, L] (int64/int32 .npy) and writes its last hidden state [B, L, H] as float32 .npy.
// --adapter loads a PEFT LoRA adapter folder (unmerged) before the forward; --save-adapter writes
// it back in motlab's PEFT layout (the motlab <-> PEFT round trip of
// tools/parity/peft_roundtrip.py). The parity scripts in tools/parity/ compare this output with
// transformers.
#include <iostream>

#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/data/npy.h"
#include "framework/nn/hf/backbone.h"
#include "framework/nn/hf/lora.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

int hidden_states_command(CommandLine& cl) {
  std::string model_dir, ids_path, mask_path, out_path, dtype = "f32", device = "cpu", adapter,
                                                        save_adapter;
  cl.describe("  writes the backbone's last hidden state [B, L, H] (float32) for token ids [B, L]")
      .text("model-dir", &model_dir, "D", "a Hugging Face model folder (required)")
      .text("ids", &ids_path, "ids.npy", "token ids [B, L], int64 or int32 (required)")
      .text("mask", &mask_path, "mask.npy", "attention mask shaped like the ids (default: ones)")
      .text("out", &out_path, "h.npy", "where the hidden states go (required)")
      .choice("dtype", &dtype, {"f32", "float32", "bf16", "bfloat16"}, "compute type")
      .text("device", &device, "D", "cpu or cuda")
      .text("adapter", &adapter, "peft_dir", "a PEFT LoRA adapter folder, loaded unmerged")
      .text("save-adapter", &save_adapter, "out_dir",
            "write the adapter back in motlab's PEFT layout (needs --adapter)")
      .parse();
  MOTLAB_CHECK(!model_dir.empty() && !ids_path.empty() && !out_path.empty(),
               "motlab hidden-states: --model-dir, --ids and --out are required (see motlab "
               "hidden-states --help)");
  HfBackboneSettings options;
  options.model_dir = model_dir;
  options.device = resolve_device(device);
  options.dtype = dtype == "f32" || dtype == "float32" ? "float32" : "bfloat16";
  torch::Tensor ids = npy::load(ids_path);
  MOTLAB_CHECK(ids.dim() == 2 && !ids.is_floating_point(), "motlab hidden-states: ", ids_path,
               " must hold integer token ids [B, L], got ", ids.sizes(), " ", ids.scalar_type());
  torch::Tensor mask = mask_path.empty() ? torch::ones_like(ids) : npy::load(mask_path);
  MOTLAB_CHECK(mask.sizes() == ids.sizes() && !mask.is_floating_point(),
               "motlab hidden-states: ", mask_path, " must be an integer mask shaped like the ids ",
               ids.sizes(), ", got ", mask.sizes());
  auto backbone = load_hf_backbone(options);
  if (!adapter.empty()) {
    // The backbone holds the decoder under "<model_type>."; PEFT names start "base_model.model.".
    const std::string module_prefix = backbone->model_type() + ".";
    nn::load_lora_adapter(*backbone, adapter, "base_model.model.", module_prefix);
    if (!save_adapter.empty())
      nn::save_lora_adapter(*backbone, nn::read_lora_config(adapter), save_adapter, model_dir,
                            "base_model.model.", module_prefix);
  }
  MOTLAB_CHECK(save_adapter.empty() || !adapter.empty(),
               "motlab hidden-states: --save-adapter needs --adapter");
  backbone->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor hidden = backbone->last_hidden_state(ids.to(torch::kLong).to(options.device),
                                                     mask.to(torch::kLong).to(options.device));
  npy::save(out_path, hidden.to(torch::kCPU, torch::kFloat).contiguous());
  std::cout << backbone->model_type() << " " << hidden.sizes() << " -> " << out_path << "\n";
  return 0;
}

}  // namespace

MOTLAB_COMMAND("hidden-states",
               "last hidden states of a Hugging Face backbone (qwen2, distilbert, ...) for ids.npy",
               hidden_states_command);

}  // namespace motlab::cli
