// How later jobs (the fused encoder, `motlab index/search/serve`) rebuild a training run's
// encoders: from the run's own `text_encoder` / `motion_encoder` config nodes and its
// model/<part>.pt weights (the layout: framework/artifacts/run_dir.h).
#pragma once
#include <memory>
#include <string>

#include "framework/artifacts/run_dir.h"
#include "framework/model/interfaces.h"

namespace motlab::train {

// Builds the run's motion encoder from its config and loads its trained weights (on ctx.device).
// Errors name the run directory and the missing file.
// `expected_key` (e.g. "tmr"): the run's motion encoder must be that component (error otherwise).
// A RunDir parses config_resolved.yaml once for all its loads.
std::shared_ptr<MotionEncoder> load_motion_encoder(const RunDir& run, const BuildContext& ctx,
                                                   const std::string& expected_key = "");
std::shared_ptr<TextEncoder> load_text_encoder(const RunDir& run, const BuildContext& ctx);

}  // namespace motlab::train
