#include "framework/nn/hf/backbone.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/io/hf_config.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(hf_backbone_family, HfBackbone, "hf_backbone", "",
                     "Hugging Face transformer architectures, keyed by config.json model_type")

namespace {
const char* dtype_name(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kBFloat16:
      return "bfloat16";
    case torch::kHalf:
      return "float16";
    default:
      return "float32";
  }
}
}  // namespace

OptionSchema hf_backbone_option_schema() {
  return OptionSchema()
      .required<std::string>("model_dir", "folder with config.json and *.safetensors")
      .option<std::string>("dtype", "float32",
                           "compute dtype of the weights: float32 | "
                           "bfloat16 | float16");
}

HfBackboneOptions read_hf_backbone_options(const Options& options, const BuildContext& ctx) {
  HfBackboneOptions out;
  out.model_dir = options.get<std::string>("model_dir");
  out.device = ctx.device;
  const std::string dtype = options.get<std::string>("dtype");
  if (dtype == "bfloat16")
    out.dtype = torch::kBFloat16;
  else if (dtype == "float16")
    out.dtype = torch::kHalf;
  else
    MOTLAB_CHECK(dtype == "float32", options.describe("dtype"),
                 ": dtype must be float32, bfloat16 or float16, got '", dtype, "'");
  return out;
}

std::shared_ptr<HfBackbone> load_hf_backbone(const HfBackboneOptions& options) {
  const std::string config_path = options.model_dir + "/config.json";
  MOTLAB_CHECK(std::filesystem::exists(config_path), "model folder '", options.model_dir,
               "': no config.json (expected a Hugging Face model folder)");
  const auto config = io::HfConfig::load(config_path);
  const std::string model_type = config.get_string("model_type");
  BuildContext ctx;
  ctx.device = options.device;
  const Config node = Config::dict({{"model_dir", Config::string(options.model_dir)},
                                    {"dtype", Config::string(dtype_name(options.dtype))}});
  return hf_backbone_family().create(model_type, node, ctx, config_path + " (model_type)");
}

}  // namespace motlab
