#include "framework/data/data_config.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/data/synth/generator.h"
#include "framework/registry/registry.h"

namespace motlab::data {

const OptionSchema& data_option_schema() {
  static const OptionSchema schema = [] {
    const humanml3d::Layout layout;
    const DatasetOptions dataset;
    const DataSettings settings;
    return OptionSchema()
        .required<std::string>("root", "the dataset folder (HumanML3D layout)")
        .option<std::string>("motion_dir", layout.motion_dir, "263-d features, <id>.npy")
        .option<std::string>("joints_dir", layout.joints_dir, "3D joints, <id>.npy")
        .option<std::string>("text_dir", layout.text_dir,
                             "captions, <id>.txt (texts_ko for the Korean ones)")
        .option<std::string>("split_dir", layout.split_dir,
                             "split files' folder relative to root (\"\" = root)")
        .option<double>("fps", layout.fps, "frames per second of the features")
        .option<int64_t>("nfeats", layout.nfeats, "feature size")
        .option<int64_t>("min_frames", dataset.min_frames, "shorter pairs are dropped (TMR: 40)")
        .option<int64_t>("max_frames", dataset.max_frames, "longer pairs are dropped (TMR: 196)")
        .option<bool>("normalize", dataset.normalize, "(x - Mean) / (Std + 1e-12)")
        .option<int64_t>("caption_index", dataset.caption_index,
                         "the caption of a motion used for evaluation (TMR: the first)")
        .option<std::string>("train_split", settings.train_split, "split file of training")
        .option<std::string>("val_split", settings.val_split, "split file of validation")
        .option<std::string>("test_split", settings.test_split, "split file of the test set")
        .optional_group("synth", synth::synth_option_schema(),
                        "the built-in procedural dataset, generated at root on first use");
  }();
  return schema;
}

MOTLAB_REGISTER_GROUP("data", "the dataset of a run (HumanML3D layout)", data_option_schema());

DataSettings prepare_data(const Config& node) {
  const Options o(node, data_option_schema(), "data");
  DataSettings s;
  humanml3d::Layout& layout = s.base.layout;
  layout.root = o.get<std::string>("root");
  layout.motion_dir = o.get<std::string>("motion_dir");
  layout.joints_dir = o.get<std::string>("joints_dir");
  layout.text_dir = o.get<std::string>("text_dir");
  layout.split_dir = o.get<std::string>("split_dir");
  layout.fps = o.get<double>("fps");
  layout.nfeats = o.get<int64_t>("nfeats");
  s.base.min_frames = o.get<int64_t>("min_frames");
  s.base.max_frames = o.get<int64_t>("max_frames");
  s.base.normalize = o.get<bool>("normalize");
  s.base.caption_index = o.get<int64_t>("caption_index");
  s.train_split = o.get<std::string>("train_split");
  s.val_split = o.get<std::string>("val_split");
  s.test_split = o.get<std::string>("test_split");
  if (!o.is_null("synth")) {
    s.synthetic = true;
    const OptionSchema& synth_schema = *data_option_schema().find("synth")->group;
    synth::ensure_synth_dataset(layout.root, synth::read_synth_options(Options(
                                                 o.node("synth"), synth_schema, "data.synth")));
  }
  MOTLAB_CHECK(std::filesystem::is_directory(layout.root), o.describe("root"), ": data folder '",
               layout.root,
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
