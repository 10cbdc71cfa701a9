#include "framework/data/data_config.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/data/synth/generator.h"

namespace motlab::data {

DataSettings prepare_data(const Config& node) {
  Options o(node, "data");
  DataSettings s;
  humanml3d::Layout& layout = s.base.layout;
  layout.root = o.required<std::string>("root");
  layout.motion_dir = o.get<std::string>("motion_dir", layout.motion_dir);
  layout.joints_dir = o.get<std::string>("joints_dir", layout.joints_dir);
  layout.text_dir = o.get<std::string>("text_dir", layout.text_dir);
  layout.split_dir = o.get<std::string>("split_dir", layout.split_dir);
  layout.fps = o.get<double>("fps", layout.fps);
  layout.nfeats = o.get<int64_t>("nfeats", layout.nfeats);
  s.base.min_frames = o.get<int64_t>("min_frames", s.base.min_frames);
  s.base.max_frames = o.get<int64_t>("max_frames", s.base.max_frames);
  s.base.normalize = o.get<bool>("normalize", s.base.normalize);
  s.base.caption_index = o.get<int64_t>("caption_index", s.base.caption_index);
  s.train_split = o.get<std::string>("train_split", s.train_split);
  s.val_split = o.get<std::string>("val_split", s.val_split);
  s.test_split = o.get<std::string>("test_split", s.test_split);
  Config synth_node;
  if (o.has("synth")) synth_node = o.node("synth");
  o.finish();
  if (synth_node.is_dict()) {
    s.synthetic = true;
    synth::ensure_synth_dataset(layout.root, synth::synth_options_from_config(synth_node));
  }
  MOTLAB_CHECK(std::filesystem::is_directory(layout.root), node["root"].describe(),
               ": data folder '", layout.root,
               "' does not exist (set data.root=<HumanML3D folder>; see README, Real data)");
  return s;
}

DatasetOptions split_options(const DataSettings& settings, const std::string& split,
                             bool training) {
  DatasetOptions options = settings.base;
  options.split = split;
  options.sample_caption = training;
  return options;
}

}  // namespace motlab::data
