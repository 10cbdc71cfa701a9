#include "framework/run/launcher.h"

namespace motlab {
MOTLAB_DEFINE_FAMILY(launcher_family, Launcher, "launcher", "launcher",
                     "how `motlab run -m` runs a sweep's jobs (local processes, a SLURM array)")
}  // namespace motlab
