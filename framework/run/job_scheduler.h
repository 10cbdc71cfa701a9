// The one local job scheduler of sweeps (`motlab run -m`) and pipelines (task=pipeline): each job
// is a `motlab run` child process (fork + exec of this executable) writing into its own run
// directory; at most N run at once, in order as their dependencies allow. Everything a child
// needs travels as explicit arguments: config dir, config search path, plugins, job dir and
// job number.
#pragma once
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace motlab {

struct Job {
  std::string name;                    // for logs: "3" (a sweep job), "tmr" (a pipeline stage)
  int number = 0;                      // ${motlab:job.num}
  std::vector<std::string> overrides;  // its command-line overrides
  std::string dir;                     // its run directory
  std::vector<size_t> after;           // jobs (indices) that must finish first
  // pending | skipped (finished earlier) | running | ok | failed | blocked (a dependency failed)
  std::string status = "pending";
  std::string reason;  // why it failed ("exit code 1", "killed by signal 9 (SIGKILL)")
  pid_t pid = 0;
  std::string scheduler_id;  // a cluster scheduler's id of the job ("1234_3": SLURM array task)
};

// Where a child's configuration and components come from: those of this process.
struct JobLaunch {
  std::string config_dir;                // the primary config folder
  std::vector<std::string> config_path;  // further config folders (--config-path)
  std::string config_name = "config";
  std::vector<std::string> plugins;  // plugin libraries to load (--plugin)
};

// This process's config folders and loaded plugins, for its children.
JobLaunch current_job_launch(const std::string& config_dir, const std::string& config_name);

// `motlab run` arguments that reproduce `job` under `launch` (argv[1:]).
std::vector<std::string> job_arguments(const Job& job, const JobLaunch& launch);

// Starts `motlab run <job_arguments>` (stdout/stderr to <dir>/console.txt); returns its pid.
pid_t start_job_process(const Job& job, const JobLaunch& launch);

// Runs `job` as `nproc` data-parallel ranks on this host (RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, a free MASTER_PORT, as torchrun sets them), their
// output on this process's. When one rank fails the others get a grace period to stop on their
// own (they name the failed rank), then SIGTERM, then SIGKILL; SIGINT/SIGTERM here reach every
// rank. Returns "" when every rank exited 0, else which rank failed first and how.
std::string run_local_ranks(const Job& job, const JobLaunch& launch, int nproc);

// Runs every pending job, at most `parallel` at once, lowest index first among those whose
// `after` jobs are ok or skipped; a job after a failed or blocked one becomes blocked. A job is ok
// when it exits 0 and its metrics.json says ok; a failed job's reason is recorded, and a
// metrics.json that still says "running" (a killed child) is rewritten as failed with it.
// `on_change` runs after every status change; no new job starts once an interrupt was requested.
void run_jobs(std::vector<Job>& jobs, int parallel, const JobLaunch& launch,
              const std::string& log_topic, const std::function<void()>& on_change);

}  // namespace motlab
