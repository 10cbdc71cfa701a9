// What a training run leaves in its directory, and how later jobs (the fused encoder, `motlab
// eval`) rebuild trained encoders from it:
//   <run>/config_resolved.yaml         the resolved config (written by `motlab run`)
//   <run>/model/text_encoder.pt        weights of the best epoch (parameters + buffers)
//   <run>/model/motion_encoder.pt
//   <run>/model/loss.pt                e.g. TMR's motion decoder
//   <run>/checkpoints/{best,last}.pt   full trainer checkpoints (optimizer, RNG, trainer state)
//   <run>/embeddings/test_{text,motion}.npy, test_ids.txt, test_captions.txt
//   <run>/metrics.csv, metrics.json
// The encoders are rebuilt from the run's own `text_encoder` / `motion_encoder` config nodes.
#pragma once
#include <memory>
#include <string>

#include "framework/model/interfaces.h"

namespace motlab::train {

std::string model_weights_path(const std::string& run_dir, const std::string& part);
// Builds the run's motion encoder from its config and loads its trained weights (on ctx.device).
// Errors name the run directory and the missing file.
// `expected_key` (e.g. "tmr"): the run's motion encoder must be that component (error otherwise).
std::shared_ptr<MotionEncoder> load_motion_encoder(const std::string& run_dir,
                                                   const BuildContext& ctx,
                                                   const std::string& expected_key = "");
std::shared_ptr<TextEncoder> load_text_encoder(const std::string& run_dir, const BuildContext& ctx);

}  // namespace motlab::train
