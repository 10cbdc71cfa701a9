#include "framework/data/data_config.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/registry/registry.h"

namespace motlab::data {

namespace {
SettingsSchema<humanml3d::Layout> layout_settings() {
  using S = humanml3d::Layout;
  return SettingsSchema<S>()
      .required("root", &S::root, "the dataset folder (HumanML3D layout)")
      .option("motion_dir", &S::motion_dir, "263-d features, <id>.npy")
      .option("joints_dir", &S::joints_dir, "3D joints, <id>.npy")
      .option("text_dir", &S::text_dir, "captions, <id>.txt (texts_ko for the Korean ones)")
      .option("split_dir", &S::split_dir, "split files' folder relative to root (\"\" = root)")
      .option("fps", &S::fps, "frames per second of the features", above(0))
      .option("nfeats", &S::nfeats, "feature size (components read it as ${data.nfeats})",
              above(0));
}

SettingsSchema<DatasetSettings> dataset_settings() {
  using S = DatasetSettings;
  return SettingsSchema<S>()
      .flat(&S::layout, layout_settings())
      .option("min_frames", &S::min_frames, "shorter pairs are dropped (TMR: 40)", at_least(0))
      .option("max_frames", &S::max_frames, "longer pairs are dropped (TMR: 196)", above(0))
      .option("normalize", &S::normalize, "(x - Mean) / (Std + 1e-12)")
      .option("caption_index", &S::caption_index,
              "the caption of a motion used for evaluation (TMR: the first)", at_least(0));
}
}  // namespace

const SettingsSchema<DataSettings>& data_settings() {
  using S = DataSettings;
  static const auto schema =
      SettingsSchema<S>()
          .flat(&S::base, dataset_settings())
          .option("train_split", &S::train_split, "split file of training")
          .option("val_split", &S::val_split, "split file of validation")
          .option("test_split", &S::test_split, "split file of the test set")
          .optional_group("synth", &S::synth, synth::synth_settings(),
                          "the built-in procedural dataset, generated at root on first use");
  return schema;
}

MOTLAB_REGISTER_GROUP("data", "the dataset of a run (HumanML3D layout)", data_settings().options());

DataSettings prepare_data(const Config& node) {
  const Options o(node, data_settings().options(), "data");
  const DataSettings s = data_settings().read(o);
  if (s.synth) synth::ensure_synth_dataset(s.base.layout.root, *s.synth);
  MOTLAB_CHECK(std::filesystem::is_directory(s.base.layout.root), o.describe("root"),
               ": data folder '", s.base.layout.root,
               "' does not exist (set data.root=<HumanML3D folder>; see README, Real data)");
  return s;
}

DatasetSettings split_options(const DataSettings& settings, const std::string& split,
                              bool training) {
  DatasetSettings options = settings.base;
  options.split = split;
  options.sample_caption = training;
  return options;
}

}  // namespace motlab::data
