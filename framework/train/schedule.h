// Learning-rate schedules as a pure function of the optimizer step, so a resumed run needs only
// the step count to continue exactly.
#pragma once
#include <cstdint>
#include <string>

namespace motlab::train {

struct ScheduleSettings {
  std::string kind = "constant";  // constant | cosine
  int64_t warmup_steps = 0;       // linear warm-up from lr/warmup_steps to lr
  int64_t total_steps = 0;        // cosine: steps over which lr decays to min_lr_ratio * lr
  double min_lr_ratio = 0.0;
};

// Multiplier of the base lr for optimizer step `step` (0-based: the first update uses step 0).
//   warm-up (step < warmup):  (step + 1) / warmup
//   constant:                 1
//   cosine:                   min + (1 - min) * (1 + cos(pi * p)) / 2,
//                             p = (step - warmup) / max(1, total - warmup) clamped to [0, 1]
double lr_factor(const ScheduleSettings& options, int64_t step);

// Throws motlab::Error naming `where` for an unknown kind or negative/inconsistent steps.
void validate(const ScheduleSettings& options, const std::string& where);

}  // namespace motlab::train
