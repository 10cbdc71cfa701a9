// motlab sweep status <sweep dir>
#include "experiments/cli.h"
#include "framework/core/error.h"
#include "framework/run/runner.h"

namespace motlab::cli {
namespace {
int sweep_status_command(const std::vector<std::string>& args) {
  MOTLAB_CHECK(args.size() == 1, "motlab sweep status: expected one sweep directory, got ",
               args.size(), " arguments");
  return sweep_status(args[0]);
}
}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("sweep status",
               "the jobs of a sweep: refreshed from SLURM and their run dirs (after --no-wait)",
               "usage: motlab sweep status <sweep dir>\n"
               "  Updates <sweep dir>/multirun.yaml from the scheduler (launcher=slurm) and the\n"
               "  jobs' metrics.json, and prints every job's status. Exit code: 3 some are still\n"
               "  queued or running, else 1 a job did not finish, else 0.\n",
               motlab::cli::sweep_status_command);
