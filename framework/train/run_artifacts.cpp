#include "framework/train/run_artifacts.h"
#include "framework/artifacts/run_dir.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/train/checkpoint.h"

namespace motlab::train {

namespace {
const Config& run_config(const RunDir& run, const std::string& node) {
  const Config& config = run.resolved_config("loading the run's " + node);
  MOTLAB_CHECK(config.has(node) && !config[node].is_null(), run.resolved_config_file(),
               " selects no ", node);
  return config;
}
}  // namespace

std::shared_ptr<MotionEncoder> load_motion_encoder(const RunDir& run, const BuildContext& ctx,
                                                   const std::string& expected_key) {
  const Config& config = run_config(run, "motion_encoder");
  const std::string key = component_key(config["motion_encoder"]);
  MOTLAB_CHECK(expected_key.empty() || key == expected_key, run.resolved_config_file(),
               ": the run trained a '", key, "' motion encoder, not the '", expected_key,
               "' one expected here");
  const std::string weights = run.model_weights_file("motion_encoder");
  MOTLAB_CHECK(file_exists(weights), run.path(), ": no trained weights (", weights,
               "): did the run finish?");
  BuildContext own = ctx;
  own.root = config;
  auto encoder = motion_encoder_family().build(config["motion_encoder"], own);
  load_module(weights, *encoder);
  return encoder;
}

std::shared_ptr<TextEncoder> load_text_encoder(const RunDir& run, const BuildContext& ctx) {
  const Config& config = run_config(run, "text_encoder");
  BuildContext own = ctx;
  own.root = config;
  auto encoder = text_encoder_family().build(config["text_encoder"], own);
  load_module(run.model_weights_file("text_encoder"), *encoder);
  return encoder;
}

}  // namespace motlab::train
