// `motlab run`: compose a config, create the job's run directory, run the selected task, and
// record everything needed to rebuild and re-evaluate it. Multirun expands a sweep and launches
// each job as a child process (framework/run/job_scheduler.h, at most launcher.jobs at once);
// finished jobs are skipped when a sweep directory is re-used, failed or missing ones run again.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "framework/config/compose.h"

namespace motlab {

struct RunRequest {
  std::string config_dir;  // the primary config folder; default: default_config_dir()
  std::string config_name = "config";
  std::vector<std::string> overrides;
  bool multirun = false;
  bool wait = true;  // sweeps: false submits to a cluster launcher and returns (--no-wait)
};

// $MOTLAB_CONFIG_DIR, else motlab's built-in configs/ (motlab_home()/configs).
std::string default_config_dir();

// The composition of a run: the request's folder, the process's config search path (further
// folders, plugins' folders) and the declared options of every component. Plugins a config lists
// under `plugins:` are loaded first (their config folders join the search path).
ComposeRequest compose_request_for(const RunRequest& request);
Composed compose_for_run(const RunRequest& request);

// Composes and runs one job. `job_dir` empty: a new results/runs/<experiment>/<date>/<time> dir.
// Returns 0 on success, 1 when the task failed (recorded in metrics.json as status failed).
int run_job(const RunRequest& request, const std::string& job_dir = "", int job_num = 0);

// Records `reason` in <dir>/metrics.json as a failure when the run never recorded its end (its
// status is still "running", or there is no metrics.json), keeping everything else in it.
void mark_run_failed(const std::string& dir, const std::string& reason);

// Expands the sweep and runs its jobs through the configured launcher (launcher=local: child
// processes; launcher=slurm: a job array). Returns non-zero if any job failed.
int run_sweep(const RunRequest& request);

// `motlab sweep status <dir>`: refreshes the jobs an earlier (--no-wait) submission left queued
// or running from the scheduler and the job directories, rewrites multirun.yaml and prints a
// table. Returns 3 while some are queued or running, else 1 when one failed, else 0.
int sweep_status(const std::string& sweep_dir);

// A run directory's metrics.json status ("ok", "failed", "running"; "" when absent/unreadable)
// and the command-line overrides it recorded.
std::string run_status(const std::string& dir);
std::vector<std::string> run_overrides(const std::string& dir);

// The run directory a single job would use (for tests and `--cfg`).
std::string experiment_name(const Config& composed,
                            const std::map<std::string, std::string>& choices);

}  // namespace motlab
