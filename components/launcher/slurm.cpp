// launcher `slurm`: a sweep becomes one SLURM job array. The sbatch script is written into
// <sweep dir>/slurm/ (readable, re-submittable by hand), submitted with `sbatch`, and followed
// with `squeue` until every task left the queue; a task's final SLURM state comes from `sacct`
// when the cluster keeps accounting, else from `scontrol show job` (finished jobs stay there for
// MinJobAge). A job's status is its own metrics.json's "ok", else SLURM's state when SLURM ended
// it (TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, ...), else "failed" with the job's
// own error. Options follow Hydra's submitit launcher.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "framework/artifacts/run_dir.h"
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/io/atomic_file.h"
#include "framework/run/launcher.h"
#include "framework/run/runner.h"

namespace motlab {
namespace {

struct SlurmLauncherSettings {
  std::string partition;
  int64_t timeout_min = 60, cpus_per_task = 1, gpus_per_node = 0, tasks_per_node = 1, nodes = 1;
  double mem_gb = 0;
  std::string account, qos, constraint;
  int64_t array_parallelism = 256;
  Config additional_parameters;  // {sbatch option: value}
  Config setup;                  // shell lines
  std::string job_name;
  double poll_s = 2;
};

// additional_parameters, parsed: {sbatch option, value ("" = a flag)} in the config's order.
using SbatchParameters = std::vector<std::pair<std::string, std::string>>;

SettingsSchema<SlurmLauncherSettings> slurm_launcher_settings() {
  using S = SlurmLauncherSettings;
  return SettingsSchema<S>()
      .option("partition", &S::partition, "SLURM partition (empty: the cluster's default)")
      .option("timeout_min", &S::timeout_min, "time limit of each job, minutes", at_least(1))
      .option("cpus_per_task", &S::cpus_per_task, "CPUs per task", at_least(1))
      .option("gpus_per_node", &S::gpus_per_node, "GPUs per node (0: none requested)", at_least(0))
      .option("tasks_per_node", &S::tasks_per_node, "tasks per node (> 1: data-parallel ranks)",
              at_least(1))
      .option("nodes", &S::nodes, "nodes per job (> 1: data-parallel across nodes)", at_least(1))
      .option("mem_gb", &S::mem_gb, "memory per node, GB (0: the cluster's default)", at_least(0))
      .option("account", &S::account, "account to charge (empty: default)")
      .option("qos", &S::qos, "quality of service (empty: default)")
      .option("constraint", &S::constraint, "node features required (empty: none)")
      .option("array_parallelism", &S::array_parallelism, "jobs of the array that run at once",
              at_least(1))
      .node("additional_parameters", &S::additional_parameters,
            "further sbatch options {key: value} -> #SBATCH --key=value")
      .node("setup", &S::setup, "shell lines run before each job (module load ..., source venv)")
      .option("job_name", &S::job_name, "SLURM job name (empty: motlab-<sweep dir name>)")
      .option("poll_s", &S::poll_s, "seconds between squeue polls while waiting", above(0));
}

// Runs argv (no shell); stdout and stderr into *output. Returns the exit code (127: not found).
int capture(const std::vector<std::string>& argv, std::string* output) {
  int pipe_fds[2];
  MOTLAB_CHECK(::pipe(pipe_fds) == 0, "cannot create a pipe for ", argv[0]);
  const pid_t pid = ::fork();
  MOTLAB_CHECK(pid >= 0, "cannot start ", argv[0]);
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  output->clear();
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof(buffer))) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    output->append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t k = 0;
  while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
  return text.substr(k);
}

// Single quotes for bash: 'it'\''s'.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string self_executable() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  MOTLAB_CHECK(!ec, "cannot find this motlab executable (/proc/self/exe)");
  return path.string();
}

// States in which SLURM itself ended a job (the job's own record, if any, is not the story).
bool ended_by_slurm(const std::string& state) {
  static const std::set<std::string> states{"TIMEOUT",   "CANCELLED", "OUT_OF_MEMORY", "NODE_FAIL",
                                            "PREEMPTED", "DEADLINE",  "BOOT_FAIL",     "REVOKED"};
  return states.count(state) > 0;
}

bool final_status(const std::string& status) {
  return status != "pending" && status != "running" && status != "submitted";
}

class SlurmLauncher : public Launcher {
 public:
  SlurmLauncher(SlurmLauncherSettings options, SbatchParameters additional_parameters,
                std::vector<std::string> setup)
      : options_(std::move(options)),
        additional_parameters_(std::move(additional_parameters)),
        setup_(std::move(setup)) {}

  void launch(std::vector<Job>& jobs, const SweepLaunch& sweep) override {
    // A job an earlier --no-wait submission still has in the queue is not submitted twice.
    refresh(jobs, sweep);
    for (const Job& job : jobs)
      MOTLAB_CHECK(final_status(job.status) || job.scheduler_id.empty(), job.dir, ": ", job.name,
                   " is still ", job.status, " in SLURM as ", job.scheduler_id,
                   ": wait for it (motlab sweep status ", sweep.sweep_dir, ") or scancel it");
    // Everything that did not finish is (re-)submitted.
    std::vector<Job*> to_submit;
    for (Job& job : jobs) {
      if (job.status == "ok" || job.status == "skipped") continue;
      job.status = "pending";
      to_submit.push_back(&job);
    }
    if (to_submit.empty()) return;
    const std::string script = write_script(to_submit, sweep);
    std::string output;
    const int rc = capture({"sbatch", "--parsable", script}, &output);
    MOTLAB_CHECK(
        rc == 0, "sbatch ", script, " failed (exit ", rc, "): ", trimmed(output),
        rc == 127 ? " (is SLURM installed? tools/slurm_cluster.sh starts a local one)" : "");
    std::string array_id = trimmed(output);
    if (const size_t semicolon = array_id.find(';'); semicolon != std::string::npos)
      array_id.resize(semicolon);  // "<id>;<cluster>"
    const size_t newline = array_id.rfind('\n');
    if (newline != std::string::npos) array_id = array_id.substr(newline + 1);
    for (Job* job : to_submit) {
      job->scheduler_id = array_id + "_" + std::to_string(job->number);
      job->status = "submitted";
      job->reason.clear();
    }
    log::info("slurm", "submitted job array " + array_id + " (" + std::to_string(to_submit.size()) +
                           " jobs, at most " + std::to_string(options_.array_parallelism) +
                           " at once): " + script);
    if (sweep.on_change) sweep.on_change();
    if (!sweep.wait) {
      log::info("slurm", "not waiting: motlab sweep status " + sweep.sweep_dir + " reads it later");
      return;
    }
    std::string last_line;
    while (true) {
      refresh(jobs, sweep);
      int active = 0, running = 0;
      for (const Job* job : to_submit) {
        active += !final_status(job->status);
        running += job->status == "running";
      }
      const std::string line = std::to_string(running) + " running, " +
                               std::to_string(active - running) + " queued, " +
                               std::to_string(to_submit.size() - active) + " finished of " +
                               std::to_string(to_submit.size());
      if (line != last_line) log::info("slurm", array_id + ": " + line);
      last_line = line;
      if (active == 0) break;
      if (interrupt_requested()) {
        log::info("slurm", "interrupted: the jobs keep running in SLURM; motlab sweep status " +
                               sweep.sweep_dir + " follows them");
        break;
      }
      std::this_thread::sleep_for(std::chrono::duration<double>(options_.poll_s));
    }
  }

  void refresh(std::vector<Job>& jobs, const SweepLaunch& sweep) override {
    std::set<std::string> arrays;
    for (const Job& job : jobs)
      if (!job.scheduler_id.empty() && !final_status(job.status))
        arrays.insert(job.scheduler_id.substr(0, job.scheduler_id.find('_')));
    if (arrays.empty()) return;
    std::map<std::string, std::string> queued;  // "1234_3" -> PENDING | RUNNING | ...
    for (const auto& id : arrays) {
      std::string output;
      const int rc = capture({"squeue", "-h", "-r", "-j", id, "-o", "%i|%T"}, &output);
      // squeue answers an error for an id it no longer knows: then nothing of it is queued.
      if (rc != 0) continue;
      for (const auto& line : split_lines(output)) {
        const size_t bar = line.find('|');
        if (bar != std::string::npos) queued[line.substr(0, bar)] = line.substr(bar + 1);
      }
    }
    bool changed = false;
    for (Job& job : jobs) {
      if (job.scheduler_id.empty() || final_status(job.status)) continue;
      auto it = queued.find(job.scheduler_id);
      if (it != queued.end() && it->second != "COMPLETING") {
        const std::string now = it->second == "RUNNING" ? "running" : "pending";
        changed = changed || now != job.status;
        job.status = now;
        continue;
      }
      if (it != queued.end()) continue;  // completing: its final state comes next poll
      finish(job, sweep);
      changed = true;
    }
    if (changed && sweep.on_change) sweep.on_change();
  }

 private:
  static std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream stream(text);
    for (std::string line; std::getline(stream, line);)
      if (!trimmed(line).empty()) out.push_back(trimmed(line));
    return out;
  }

  // SLURM's final state of a task: sacct where accounting is kept, else scontrol.
  static std::string slurm_state(const std::string& id) {
    std::string output;
    if (capture({"sacct", "-n", "-X", "-P", "-j", id, "-o", "State"}, &output) == 0) {
      const auto lines = split_lines(output);
      if (!lines.empty()) {
        std::string state = lines.front();
        if (const size_t space = state.find(' '); space != std::string::npos)
          state.resize(space);  // "CANCELLED by 0"
        return state;
      }
    }
    if (capture({"scontrol", "-o", "show", "job", id}, &output) == 0) {
      const size_t at = output.find("JobState=");
      if (at != std::string::npos) {
        size_t end = output.find_first_of(" \n", at);
        return output.substr(at + 9, end == std::string::npos ? std::string::npos : end - at - 9);
      }
    }
    return "UNKNOWN";
  }

  void finish(Job& job, const SweepLaunch& sweep) const {
    const std::string state = slurm_state(job.scheduler_id);
    const std::string own = run_status(job.dir);
    const std::string out_file = sweep.sweep_dir + "/slurm/" + job.scheduler_id + ".out";
    if (own == "ok" && !ended_by_slurm(state)) {
      job.status = "ok";
      job.reason.clear();
    } else if (ended_by_slurm(state)) {
      job.status = state;
      job.reason = "SLURM ended it: " + state + " (see " + out_file + ")";
      mark_run_failed(job.dir, "SLURM: " + state);
    } else {
      job.status = "failed";
      std::string error;
      try {
        error = RunDir(job.dir).summary().error;
      } catch (const std::exception&) {
      }
      job.reason = (error.empty() ? "SLURM state " + state : error) + " (see " + out_file + ")";
      mark_run_failed(job.dir, "SLURM state " + state);
    }
    log::info("slurm", job.name + " (" + job.scheduler_id + ") " + job.status +
                           (job.reason.empty() ? "" : ": " + job.reason));
  }

  std::string write_script(const std::vector<Job*>& to_submit, const SweepLaunch& sweep) {
    const std::string folder = sweep.sweep_dir + "/slurm";
    make_dirs(folder);
    int submission = 0;
    while (file_exists(folder + "/submit_" + std::to_string(submission) + ".sbatch")) ++submission;
    const std::string path = folder + "/submit_" + std::to_string(submission) + ".sbatch";
    std::string indices;
    for (const Job* job : to_submit)
      indices += (indices.empty() ? "" : ",") + std::to_string(job->number);
    std::ostringstream s;
    s << "#!/bin/bash\n";
    s << "# Written by motlab for the sweep in " << sweep.sweep_dir << "; re-submit by hand with\n"
      << "#   sbatch " << path << "\n";
    const std::string name = options_.job_name.empty()
                                 ? std::filesystem::path(sweep.sweep_dir).filename().string()
                                 : options_.job_name;
    s << "#SBATCH --job-name=" << (name.empty() ? "motlab" : "motlab-" + name) << "\n";
    s << "#SBATCH --array=" << indices << "%" << options_.array_parallelism << "\n";
    s << "#SBATCH --output=" << folder << "/%A_%a.out\n";
    s << "#SBATCH --time=" << options_.timeout_min << "\n";
    s << "#SBATCH --nodes=" << options_.nodes << "\n";
    s << "#SBATCH --ntasks-per-node=" << options_.tasks_per_node << "\n";
    s << "#SBATCH --cpus-per-task=" << options_.cpus_per_task << "\n";
    if (options_.gpus_per_node > 0)
      s << "#SBATCH --gpus-per-node=" << options_.gpus_per_node << "\n";
    if (options_.mem_gb > 0)
      s << "#SBATCH --mem=" << static_cast<int64_t>(options_.mem_gb * 1024) << "M\n";
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"partition", options_.partition},
                                                          {"account", options_.account},
                                                          {"qos", options_.qos},
                                                          {"constraint", options_.constraint}})
      if (!value.empty()) s << "#SBATCH --" << key << "=" << value << "\n";
    for (const auto& [key, value] : additional_parameters_)
      s << "#SBATCH --" << key << (value.empty() ? "" : "=" + value) << "\n";
    s << "set -eo pipefail\n";
    for (const auto& line : setup_) s << line << "\n";
    s << "case \"$SLURM_ARRAY_TASK_ID\" in\n";
    for (const Job* job : to_submit) {
      s << "  " << job->number << ") args=(";
      bool first = true;
      for (const auto& a : job_arguments(*job, sweep.launch)) {
        s << (first ? "" : " ") << shell_quote(a);
        first = false;
      }
      s << ") ;;\n";
    }
    s << "  *) echo \"no job $SLURM_ARRAY_TASK_ID in this sweep\" >&2; exit 2 ;;\n";
    s << "esac\n";
    const std::string motlab = shell_quote(self_executable());
    if (options_.tasks_per_node * options_.nodes > 1) {
      s << "# " << options_.tasks_per_node * options_.nodes
        << " tasks: the ranks of one data-parallel job (SLURM_PROCID, SLURM_NTASKS, ...)\n";
      s << "srun --kill-on-bad-exit=1 " << motlab << " \"${args[@]}\"\n";
    } else {
      s << "exec " << motlab << " \"${args[@]}\"\n";
    }
    write_file_atomic(path, s.str());
    std::filesystem::permissions(path, std::filesystem::perms::owner_exec,
                                 std::filesystem::perm_options::add);
    return path;
  }

  SlurmLauncherSettings options_;
  SbatchParameters additional_parameters_;  // options_.additional_parameters, parsed
  std::vector<std::string> setup_;
};

}  // namespace

MOTLAB_REGISTER(
    launcher_family, "slurm", "a SLURM job array (sbatch), waited for with squeue/sacct",
    slurm_launcher_settings().options(),
    [](const Options& o, const BuildContext&) -> std::shared_ptr<Launcher> {
      const SlurmLauncherSettings s = slurm_launcher_settings().read(o);
      SbatchParameters additional_parameters;
      const Config& extra = s.additional_parameters;
      if (!extra.is_null()) {
        MOTLAB_CHECK(extra.is_dict(), extra.describe(),
                     ": additional_parameters must be a mapping {sbatch option: value}");
        for (const auto& [key, value] : extra.items()) {
          MOTLAB_CHECK(value.is_scalar() || value.is_null(), value.describe(),
                       ": an sbatch option's value must be a scalar");
          MOTLAB_CHECK(key.find_first_of(" \n=") == std::string::npos, extra.describe(), ": '", key,
                       "' is not an sbatch option name");
          additional_parameters.emplace_back(key, value.is_null() ? "" : value.scalar_text());
        }
      }
      std::vector<std::string> setup;
      if (!s.setup.is_null()) {
        MOTLAB_CHECK(s.setup.is_list(), s.setup.describe(),
                     ": setup must be a list of shell lines");
        for (size_t k = 0; k < s.setup.size(); ++k) setup.push_back(s.setup.at(k).scalar_text());
      }
      return std::make_shared<SlurmLauncher>(s, std::move(additional_parameters), std::move(setup));
    });
}  // namespace motlab
