// The `data` config node (configs/data/*.yaml) -> dataset options for each split. A node with a
// `synth` sub-node names the built-in procedural dataset: it is generated at `root` on first use
// (or reused when `root` holds one made with the same options), so the default experiments need
// no download.
#pragma once
#include <optional>
#include <string>

#include "framework/config/settings.h"
#include "framework/data/dataset.h"
#include "framework/data/synth/generator.h"

namespace motlab::data {

struct DataSettings {
  DatasetSettings base;  // split, sample_caption unset
  std::string train_split = "train", val_split = "val", test_split = "test";
  std::optional<synth::SynthSettings> synth;  // the built-in dataset, generated at root
  bool synthetic() const { return synth.has_value(); }
};

// The options of a `data` node (configs/data/*.yaml; defaults: Layout, DatasetSettings,
// DataSettings).
const SettingsSchema<DataSettings>& data_settings();

// Reads the node (unknown keys are errors naming the key), generates the synthetic dataset when
// the node asks for one, and checks that `root` exists.
DataSettings prepare_data(const Config& node);

// Options of one split: training splits sample a random caption per fetch (TMR).
DatasetSettings split_options(const DataSettings& settings, const std::string& split,
                              bool training);

}  // namespace motlab::data
