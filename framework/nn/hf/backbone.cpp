#include "framework/nn/hf/backbone.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/io/hf_config.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(hf_backbone_family, "hf_backbone", "",
                     "Hugging Face transformer architectures, keyed by config.json model_type",
                     std::shared_ptr<HfBackbone>, const HfBackboneOptions&)

std::shared_ptr<HfBackbone> load_hf_backbone(const HfBackboneOptions& options) {
  const std::string config_path = options.model_dir + "/config.json";
  MOTLAB_CHECK(std::filesystem::exists(config_path), "model folder '", options.model_dir,
               "': no config.json (expected a Hugging Face model folder)");
  const auto config = io::HfConfig::load(config_path);
  const std::string model_type = config.get_string("model_type");
  return hf_backbone_family().create(model_type, config_path + " (model_type)", options);
}

}  // namespace motlab
