// motlab sweep status <sweep dir>
#include "framework/core/error.h"
#include "framework/run/runner.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {
int sweep_status_command(CommandLine& cl) {
  std::string sweep_dir;
  cl.describe(
        "  Updates <sweep dir>/multirun.yaml from the scheduler (launcher=slurm) and the\n"
        "  jobs' metrics.json, and prints every job's status. Exit code: 3 some are still\n"
        "  queued or running, else 1 a job did not finish, else 0.")
      .positional("sweep dir", &sweep_dir, "a sweep's folder (motlab run -m)")
      .parse();
  return sweep_status(sweep_dir);
}
}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("sweep status",
               "the jobs of a sweep: refreshed from SLURM and their run dirs (after --no-wait)",
               motlab::cli::sweep_status_command);
