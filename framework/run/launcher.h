// How a sweep's jobs run: a component of the `launcher` family, selected by the config's
// `launcher` group (launcher=local: child processes on this host; launcher=slurm: a SLURM job
// array). The sweep (framework/run/runner.cpp) expands the jobs, skips finished ones and records
// every status change in <sweep dir>/multirun.yaml; the launcher runs the rest.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "framework/registry/registry.h"
#include "framework/run/job_scheduler.h"

namespace motlab {

struct SweepLaunch {
  std::string sweep_dir;
  JobLaunch launch;  // config folders and plugins of this process, for the jobs
  bool wait = true;  // false (--no-wait): submit and return; `motlab sweep status` reads later
  std::function<void()> on_change;  // after every job status change (rewrites multirun.yaml)
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Runs (or, without wait, submits) every job whose status is "pending"; sets each job's final
  // status and reason ("ok", "failed", or the scheduler's state such as "TIMEOUT").
  virtual void launch(std::vector<Job>& jobs, const SweepLaunch& sweep) = 0;
  // Refreshes jobs that were submitted earlier and not final yet (`motlab sweep status`, a
  // re-run of the sweep). Default: nothing (local jobs end with their parent).
  virtual void refresh(std::vector<Job>& jobs, const SweepLaunch& sweep) {}
};

MOTLAB_DECLARE_FAMILY(launcher_family, Launcher)

}  // namespace motlab
