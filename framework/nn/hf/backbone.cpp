#include "framework/nn/hf/backbone.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/io/hf_config.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(hf_backbone_family, HfBackbone, "hf_backbone", "",
                     "Hugging Face transformer architectures, keyed by config.json model_type")

torch::ScalarType HfBackboneSettings::scalar_type() const {
  if (dtype == "bfloat16") return torch::kBFloat16;
  if (dtype == "float16") return torch::kHalf;
  return torch::kFloat32;
}

const SettingsSchema<HfBackboneSettings>& hf_backbone_settings() {
  using S = HfBackboneSettings;
  static const auto schema =
      SettingsSchema<S>()
          .required("model_dir", &S::model_dir, "folder with config.json and *.safetensors")
          .choice("dtype", &S::dtype, {"float32", "bfloat16", "float16"},
                  "compute dtype of the weights");
  return schema;
}

HfBackboneSettings read_hf_backbone_settings(const Options& options, const BuildContext& ctx) {
  HfBackboneSettings out = hf_backbone_settings().read(options);
  out.device = ctx.device;
  return out;
}

std::shared_ptr<HfBackbone> load_hf_backbone(const HfBackboneSettings& options) {
  const std::string config_path = options.model_dir + "/config.json";
  MOTLAB_CHECK(std::filesystem::exists(config_path), "model folder '", options.model_dir,
               "': no config.json (expected a Hugging Face model folder)");
  const auto config = io::HfConfig::load(config_path);
  const std::string model_type = config.get_string("model_type");
  BuildContext ctx;
  ctx.device = options.device;
  const Config node = Config::dict(
      {{"model_dir", Config::string(options.model_dir)}, {"dtype", Config::string(options.dtype)}});
  return hf_backbone_family().create(model_type, node, ctx, config_path + " (model_type)");
}

}  // namespace motlab
