#include "framework/train/run_artifacts.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/train/checkpoint.h"

namespace motlab::train {

namespace {
Config run_config(const std::string& run_dir, const std::string& node) {
  const std::string path = run_dir + "/config_resolved.yaml";
  MOTLAB_CHECK(std::filesystem::exists(path), "run directory '", run_dir,
               "' has no config_resolved.yaml (is it a finished training run?)");
  Config config = Config::from_yaml_file(path);
  MOTLAB_CHECK(config.has(node) && !config[node].is_null(), path, " selects no ", node);
  return config;
}
}  // namespace

std::string model_weights_path(const std::string& run_dir, const std::string& part) {
  return run_dir + "/model/" + part + ".pt";
}

std::shared_ptr<MotionEncoder> load_motion_encoder(const std::string& run_dir,
                                                   const BuildContext& ctx,
                                                   const std::string& expected_key) {
  Config config = run_config(run_dir, "motion_encoder");
  const std::string key = component_key(config["motion_encoder"]);
  MOTLAB_CHECK(expected_key.empty() || key == expected_key, run_dir,
               "/config_resolved.yaml: the run trained a '", key, "' motion encoder, not the '",
               expected_key, "' one expected here");
  MOTLAB_CHECK(file_exists(model_weights_path(run_dir, "motion_encoder")), run_dir,
               ": no trained weights (", model_weights_path(run_dir, "motion_encoder"),
               "): did the run finish?");
  BuildContext own = ctx;
  own.root = config;
  auto encoder = motion_encoder_family().build(config["motion_encoder"], own);
  load_module(model_weights_path(run_dir, "motion_encoder"), *encoder);
  return encoder;
}

std::shared_ptr<TextEncoder> load_text_encoder(const std::string& run_dir,
                                               const BuildContext& ctx) {
  Config config = run_config(run_dir, "text_encoder");
  BuildContext own = ctx;
  own.root = config;
  auto encoder = text_encoder_family().build(config["text_encoder"], own);
  load_module(model_weights_path(run_dir, "text_encoder"), *encoder);
  return encoder;
}

}  // namespace motlab::train
