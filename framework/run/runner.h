// `motlab run`: compose a config, create the job's run directory, run the selected task, and
// record everything needed to rebuild and re-evaluate it. Multirun expands a sweep and launches
// each job as a child process (at most launcher.jobs at once); finished jobs are skipped when a
// sweep directory is re-used, failed or missing ones are run again.
#pragma once
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "framework/config/compose.h"

namespace motlab {

struct RunRequest {
  std::string config_dir;  // default: default_config_dir()
  std::string config_name = "config";
  std::vector<std::string> overrides;
  bool multirun = false;
};

// $MOTLAB_CONFIG_DIR, else <source tree>/configs.
std::string default_config_dir();

// Composes and runs one job. `job_dir` empty: a new results/runs/<experiment>/<date>/<time> dir.
// Returns 0 on success, 1 when the task failed (recorded in metrics.json as status failed).
int run_job(const RunRequest& request, const std::string& job_dir = "", int job_num = 0);

// Expands the sweep and runs every job in child processes. Returns non-zero if any job failed.
int run_sweep(const RunRequest& request);

// A run directory's metrics.json status ("ok", "failed", "running"; "" when absent/unreadable)
// and the command-line overrides it recorded.
std::string run_status(const std::string& dir);
std::vector<std::string> run_overrides(const std::string& dir);

// Starts `motlab run <overrides>` as a child process writing into `dir` (stdout/stderr go to
// dir/console.txt). Returns its pid; the caller waits for it.
pid_t launch_run_process(const std::vector<std::string>& overrides, const std::string& dir,
                         int job_num, const RunRequest& request);

// The run directory a single job would use (for tests and `--cfg`).
std::string experiment_name(const Config& composed,
                            const std::map<std::string, std::string>& choices);

}  // namespace motlab
