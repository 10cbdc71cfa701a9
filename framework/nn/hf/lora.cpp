#include "framework/nn/hf/lora.h"

#include <c10/core/impl/LocalDispatchKeySet.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/io/safetensors.h"
#include "framework/io/weight_loading.h"

namespace motlab::nn {

LoraLinearImpl::LoraLinearImpl(int64_t in_features, int64_t out_features, bool with_bias)
    : in_features_(in_features), out_features_(out_features) {
  weight = register_parameter("weight", torch::empty({out_features, in_features}));
  // torch.nn.Linear's initialisation (checkpoints overwrite it).
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (with_bias) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
    bias = register_parameter("bias", torch::empty({out_features}).uniform_(-bound, bound));
  }
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = torch::nn::functional::linear(x, weight, bias);
  if (has_adapter() && !merged_) {
    torch::Tensor h = x.to(lora_A->weight.scalar_type());
    if (dropout_ > 0 && is_training()) h = torch::dropout(h, dropout_, /*train=*/true);
    y = y + (lora_B(lora_A(h)) * scaling_).to(y.scalar_type());
  }
  return y;
}

void LoraLinearImpl::add_adapter(const LoraSettings& options) {
  MOTLAB_CHECK(!has_adapter(), "LoRA: the module already has an adapter");
  MOTLAB_CHECK(options.r > 0, "LoRA: r must be > 0, got ", options.r);
  lora_A = register_module(
      "lora_A", torch::nn::Linear(torch::nn::LinearOptions(in_features_, options.r).bias(false)));
  lora_B = register_module(
      "lora_B", torch::nn::Linear(torch::nn::LinearOptions(options.r, out_features_).bias(false)));
  {
    torch::NoGradGuard no_grad;
    torch::nn::init::kaiming_uniform_(lora_A->weight, std::sqrt(5.0));
    lora_B->weight.zero_();
  }
  lora_A->to(weight.device(), torch::kFloat);
  lora_B->to(weight.device(), torch::kFloat);
  scaling_ = options.scaling();
  dropout_ = options.dropout;
  weight.set_requires_grad(false);
  if (bias.defined()) bias.set_requires_grad(false);
}

void LoraLinearImpl::merge() {
  if (!has_adapter() || merged_) return;
  torch::NoGradGuard no_grad;
  torch::Tensor delta = torch::matmul(lora_B->weight, lora_A->weight) * scaling_;
  weight.add_(delta.to(weight.scalar_type()));
  merged_ = true;
}

std::vector<int64_t> tensor_stamp(const std::vector<torch::Tensor>& tensors) {
  std::vector<int64_t> stamp;
  for (const auto& t : tensors) {
    if (!t.defined()) {
      stamp.insert(stamp.end(), {0, 0, 0, 0});
      continue;
    }
    // Module::to() keeps the TensorImpl and its version but swaps the data: the data pointer,
    // dtype and device tell.
    stamp.push_back(reinterpret_cast<int64_t>(t.unsafeGetTensorImpl()));
    stamp.push_back(static_cast<int64_t>(t._version()));
    stamp.push_back(reinterpret_cast<int64_t>(t.data_ptr()));
    stamp.push_back(static_cast<int64_t>(t.scalar_type()) * 65536 +
                    static_cast<int64_t>(t.device().type()) * 256 + t.device().index());
  }
  return stamp;
}

torch::Tensor LoraLinearImpl::inference_weight() {
  if (!has_adapter() || merged_) return weight;
  std::vector<int64_t> stamp = tensor_stamp({weight, lora_A->weight, lora_B->weight});
  if (!folded_.defined() || stamp != folded_stamp_) {
    torch::NoGradGuard no_grad;
    // In float32 even under autocast (which would run this matmul in bfloat16).
    c10::impl::ExcludeDispatchKeyGuard no_autocast(c10::autocast_dispatch_keyset);
    torch::Tensor delta =
        torch::matmul(lora_B->weight.to(torch::kFloat), lora_A->weight.to(torch::kFloat)) *
        scaling_;
    folded_ = (weight.to(torch::kFloat) + delta.to(weight.device())).to(weight.scalar_type());
    folded_stamp_ = std::move(stamp);
  }
  return folded_;
}

namespace {

std::vector<std::pair<std::string, LoraLinearImpl*>> lora_linears(torch::nn::Module& model) {
  std::vector<std::pair<std::string, LoraLinearImpl*>> out;
  for (const auto& item : model.named_modules("", /*include_self=*/false))
    if (auto* linear = dynamic_cast<LoraLinearImpl*>(item.value().get()))
      out.emplace_back(item.key(), linear);
  return out;
}

bool targeted(const std::string& name, const std::vector<std::string>& targets) {
  for (const auto& target : targets)
    if (name == target ||
        (name.size() > target.size() &&
         name.compare(name.size() - target.size() - 1, target.size() + 1, "." + target) == 0))
      return true;
  return false;
}

}  // namespace

std::vector<std::string> add_lora_adapters(torch::nn::Module& model, const LoraSettings& options) {
  // PEFT's mark_only_lora_as_trainable: the whole base model is frozen.
  for (auto& p : model.parameters()) p.set_requires_grad(false);
  std::vector<std::string> adapted;
  for (auto& [name, linear] : lora_linears(model))
    if (targeted(name, options.target_modules)) {
      linear->add_adapter(options);
      adapted.push_back(name);
    }
  std::string targets;
  for (const auto& t : options.target_modules) targets += " " + t;
  MOTLAB_CHECK(!adapted.empty(), "LoRA: no module matches target_modules [", targets, " ]");
  return adapted;
}

void merge_lora_adapters(torch::nn::Module& model) {
  for (auto& [name, linear] : lora_linears(model)) linear->merge();
}

void save_lora_adapter(const torch::nn::Module& model, const LoraSettings& options,
                       const std::string& dir, const std::string& base_model,
                       const std::string& name_prefix, const std::string& module_prefix) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (auto& [name, linear] : lora_linears(const_cast<torch::nn::Module&>(model))) {
    if (!linear->has_adapter()) continue;
    MOTLAB_CHECK(!linear->merged(), "LoRA: cannot save the adapter of ", name,
                 ": it is merged into the base weight");
    const std::string peft_name =
        name_prefix +
        (name.rfind(module_prefix, 0) == 0 ? name.substr(module_prefix.size()) : name);
    tensors.emplace_back(peft_name + ".lora_A.weight", linear->lora_A->weight.detach());
    tensors.emplace_back(peft_name + ".lora_B.weight", linear->lora_B->weight.detach());
  }
  MOTLAB_CHECK(!tensors.empty(), "LoRA: the model has no adapter to save");
  nlohmann::ordered_json config;
  config["peft_type"] = "LORA";
  config["task_type"] = nullptr;
  config["base_model_name_or_path"] = base_model;
  config["r"] = options.r;
  config["lora_alpha"] = options.alpha;
  config["lora_dropout"] = options.dropout;
  config["target_modules"] = options.target_modules;
  config["bias"] = "none";
  config["fan_in_fan_out"] = false;
  config["use_rslora"] = false;
  config["use_dora"] = false;
  config["init_lora_weights"] = true;
  config["inference_mode"] = true;
  config["modules_to_save"] = nullptr;
  config["layers_to_transform"] = nullptr;
  config["layers_pattern"] = nullptr;
  config["rank_pattern"] = nlohmann::json::object();
  config["alpha_pattern"] = nlohmann::json::object();
  make_dirs(dir);
  write_file_atomic(dir + "/adapter_config.json", config.dump(2) + "\n");
  io::save_safetensors(dir + "/adapter_model.safetensors", tensors);
}

LoraSettings read_lora_config(const std::string& dir) {
  const std::string path = dir + "/adapter_config.json";
  MOTLAB_CHECK(file_exists(path), "LoRA adapter folder '", dir, "': no adapter_config.json");
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(read_file(path));
  } catch (const std::exception& e) {
    MOTLAB_FAIL(path, ": not valid JSON (", error_text(e), ")");
  }
  auto require = [&](const char* key) -> const nlohmann::json& {
    MOTLAB_CHECK(config.contains(key) && !config[key].is_null(), path, ": key '", key,
                 "' is missing");
    return config[key];
  };
  MOTLAB_CHECK(config.value("peft_type", "LORA") == "LORA", path, ": peft_type '",
               config.value("peft_type", ""), "' is not LORA");
  LoraSettings options;
  MOTLAB_CHECK(require("r").is_number_integer(), path, ": key 'r' must be an integer");
  options.r = require("r").get<int64_t>();
  MOTLAB_CHECK(options.r >= 1 && options.r <= 4096, path, ": key 'r' must be in [1, 4096], got ",
               options.r);
  MOTLAB_CHECK(require("lora_alpha").is_number(), path, ": key 'lora_alpha' must be a number");
  options.alpha = require("lora_alpha").get<double>();
  options.dropout = config.value("lora_dropout", 0.0);
  const auto& targets = require("target_modules");
  MOTLAB_CHECK(targets.is_array(), path,
               ": key 'target_modules' must be a list of module names (a regex string is not "
               "supported)");
  options.target_modules.clear();
  for (const auto& t : targets) options.target_modules.push_back(t.get<std::string>());
  for (const char* flag : {"use_rslora", "use_dora", "fan_in_fan_out"})
    MOTLAB_CHECK(!config.value(flag, false), path, ": '", flag,
                 "': true is not supported by motlab's LoRA");
  MOTLAB_CHECK(config.value("bias", std::string("none")) == "none", path,
               ": key 'bias' must be \"none\"");
  return options;
}

void load_lora_adapter(torch::nn::Module& model, const std::string& dir,
                       const std::string& name_prefix, const std::string& module_prefix) {
  const LoraSettings options = read_lora_config(dir);
  add_lora_adapters(model, options);
  const std::string file = dir + "/adapter_model.safetensors";
  MOTLAB_CHECK(file_exists(file), "LoRA adapter folder '", dir,
               "': no adapter_model.safetensors (a PyTorch .bin adapter is not supported; "
               "re-save it with safe_serialization=True)");
  const io::Checkpoint checkpoint = io::Checkpoint::open(file);
  std::map<std::string, torch::Tensor> adapter;
  for (const auto& name : checkpoint.names()) {
    std::string key = name;
    if (key.rfind(name_prefix, 0) == 0) key = key.substr(name_prefix.size());
    // PEFT may keep the adapter name ("...lora_A.default.weight") in some versions.
    for (const char* suffix : {".lora_A.default.weight", ".lora_B.default.weight"}) {
      const std::string s = suffix;
      if (key.size() > s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0)
        key = key.substr(0, key.size() - s.size()) + s.substr(0, 7) + ".weight";
    }
    adapter[module_prefix + key] = checkpoint.tensor(name);
  }
  io::WeightLoadSettings load_options;
  load_options.rename_layer_norm_gamma_beta = false;
  // The model's own base tensors plus the file's adapter tensors: a missing, unexpected or
  // mis-shaped adapter tensor is then reported by load_weights like any checkpoint problem.
  std::map<std::string, torch::Tensor> full;
  for (const auto& [name, tensor] : io::module_state(model)) {
    if (name.find(".lora_A.") == std::string::npos && name.find(".lora_B.") == std::string::npos)
      full[name] = tensor;
  }
  for (const auto& [name, tensor] : adapter) full[name] = tensor;
  io::load_weights(model, full, load_options, file);
}

}  // namespace motlab::nn
