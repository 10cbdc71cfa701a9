#include "framework/train/schedule.h"

#include <algorithm>
#include <cmath>

#include "framework/core/error.h"

namespace motlab::train {

double lr_factor(const ScheduleSettings& options, int64_t step) {
  if (options.warmup_steps > 0 && step < options.warmup_steps)
    return static_cast<double>(step + 1) / static_cast<double>(options.warmup_steps);
  if (options.kind == "constant") return 1.0;
  const double span =
      static_cast<double>(std::max<int64_t>(1, options.total_steps - options.warmup_steps));
  const double progress = std::clamp((step - options.warmup_steps) / span, 0.0, 1.0);
  return options.min_lr_ratio +
         (1.0 - options.min_lr_ratio) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

void validate(const ScheduleSettings& options, const std::string& where) {
  MOTLAB_CHECK(options.kind == "constant" || options.kind == "cosine", where,
               ": schedule must be 'constant' or 'cosine', got '", options.kind, "'");
  MOTLAB_CHECK(options.warmup_steps >= 0, where, ": warmup_steps must be >= 0, got ",
               options.warmup_steps);
  MOTLAB_CHECK(options.min_lr_ratio >= 0 && options.min_lr_ratio <= 1, where,
               ": min_lr_ratio must be in [0, 1], got ", options.min_lr_ratio);
}

}  // namespace motlab::train
