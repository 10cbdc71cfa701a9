#include "framework/run/job_scheduler.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <thread>

#include "framework/config/search_path.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/dist/dist.h"
#include "framework/io/atomic_file.h"
#include "framework/registry/plugins.h"
#include "framework/run/runner.h"

namespace motlab {
namespace {

std::string signal_text(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return "killed by signal " + std::to_string(signal) +
         (abbrev ? " (SIG" + std::string(abbrev) + ")" : "");
}

}  // namespace

JobLaunch current_job_launch(const std::string& config_dir, const std::string& config_name) {
  JobLaunch launch;
  launch.config_dir = config_dir;
  launch.config_name = config_name;
  launch.config_path = extra_config_folders();
  for (const auto& plugin : loaded_plugins()) launch.plugins.push_back(plugin.file);
  return launch;
}

std::vector<std::string> job_arguments(const Job& job, const JobLaunch& launch) {
  std::vector<std::string> args;
  for (const auto& plugin : launch.plugins) {
    args.push_back("--plugin");
    args.push_back(plugin);
  }
  for (const auto& dir : launch.config_path) {
    args.push_back("--config-path");
    args.push_back(dir);
  }
  args.push_back("run");
  if (!launch.config_dir.empty()) {
    args.push_back("--config-dir");
    args.push_back(launch.config_dir);
  }
  args.push_back("--config-name");
  args.push_back(launch.config_name);
  args.push_back("--job-dir");
  args.push_back(job.dir);
  args.push_back("--job-num");
  args.push_back(std::to_string(job.number));
  for (const auto& o : job.overrides) args.push_back(o);
  return args;
}

namespace {
// argv for execv of this executable as `motlab <job_arguments>`; built before fork (no
// allocation in the child).
struct ExecArguments {
  ExecArguments(const Job& job, const JobLaunch& launch) : args{"motlab"} {
    for (auto& a : job_arguments(job, launch)) args.push_back(a);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
  }
  ExecArguments(const ExecArguments&) = delete;  // argv points into args
  std::vector<std::string> args;
  std::vector<char*> argv;
};
}  // namespace

pid_t start_job_process(const Job& job, const JobLaunch& launch) {
  make_dirs(job.dir);
  const ExecArguments exec(job, launch);
  const std::string console = job.dir + "/console.txt";
  const pid_t pid = ::fork();
  MOTLAB_CHECK(pid >= 0, "cannot start job ", job.name, ": fork failed (", std::strerror(errno),
               ")");
  if (pid == 0) {
    const int fd = ::open(console.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    ::execv("/proc/self/exe", exec.argv.data());
    ::_exit(127);
  }
  return pid;
}

std::string run_local_ranks(const Job& job, const JobLaunch& launch, int nproc) {
  MOTLAB_CHECK(nproc >= 1, "nproc_per_node must be >= 1, got ", nproc);
  make_dirs(job.dir);
  const ExecArguments exec(job, launch);
  // Ctrl-C or SIGTERM here must not kill this process first: its ranks would die with it
  // (PR_SET_PDEATHSIG) before saving; it forwards SIGTERM and waits instead.
  install_interrupt_handler();
  const std::string port = std::to_string(dist::free_local_port());
  std::map<pid_t, int> ranks;
  const pid_t launcher = ::getpid();
  for (int r = 0; r < nproc; ++r) {
    const pid_t pid = ::fork();
    MOTLAB_CHECK(pid >= 0, "cannot start rank ", r, ": fork failed (", std::strerror(errno), ")");
    if (pid == 0) {
      // The ranks die with this process (a killed launcher leaves no orphan training).
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != launcher) ::_exit(1);
      ::setenv("RANK", std::to_string(r).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      ::execv("/proc/self/exe", exec.argv.data());
      ::_exit(127);
    }
    ranks[pid] = r;
  }
  std::string failure;
  auto failed_at = std::chrono::steady_clock::time_point::max();
  bool terminated = false, killed = false, forwarded = false;
  while (!ranks.empty()) {
    int wait_status = 0;
    const pid_t pid = ::waitpid(-1, &wait_status, WNOHANG);
    if (pid > 0 && ranks.count(pid)) {
      const int r = ranks[pid];
      ranks.erase(pid);
      const bool ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
      if (!ok && failure.empty()) {
        failure = "rank " + std::to_string(r) + " " +
                  (WIFSIGNALED(wait_status)
                       ? signal_text(WTERMSIG(wait_status))
                       : "exited with code " + std::to_string(WEXITSTATUS(wait_status)));
        failed_at = std::chrono::steady_clock::now();
      }
      continue;
    }
    if (pid < 0 && errno != EINTR) break;
    if (interrupt_requested() && !forwarded) {
      for (const auto& [p, r] : ranks) ::kill(p, SIGTERM);
      forwarded = true;
    }
    const auto since = std::chrono::steady_clock::now() - failed_at;
    if (!failure.empty() && !terminated && since > std::chrono::seconds(30)) {
      for (const auto& [p, r] : ranks) ::kill(p, SIGTERM);
      terminated = true;
    }
    if (!failure.empty() && !killed && since > std::chrono::seconds(40)) {
      for (const auto& [p, r] : ranks) ::kill(p, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return failure;
}

void run_jobs(std::vector<Job>& jobs, int parallel, const JobLaunch& launch,
              const std::string& log_topic, const std::function<void()>& on_change) {
  MOTLAB_CHECK(parallel >= 1, "at most ", parallel, " jobs at once: expected >= 1");
  auto finished = [&](size_t k) { return jobs[k].status == "ok" || jobs[k].status == "skipped"; };
  auto broken = [&](size_t k) { return jobs[k].status == "failed" || jobs[k].status == "blocked"; };
  std::map<pid_t, size_t> running;
  while (true) {
    bool changed = false;
    for (size_t k = 0; k < jobs.size(); ++k) {
      Job& job = jobs[k];
      if (job.status != "pending") continue;
      bool ready = true, blocked = false;
      for (size_t dependency : job.after) {
        ready = ready && finished(dependency);
        blocked = blocked || broken(dependency);
      }
      if (blocked) {
        job.status = "blocked";
        job.reason = "an earlier job it needs did not finish";
        changed = true;
        continue;
      }
      if (!ready || static_cast<int>(running.size()) >= parallel || interrupt_requested()) continue;
      job.pid = start_job_process(job, launch);
      job.status = "running";
      running[job.pid] = k;
      std::string line;
      for (const auto& o : job.overrides) line += " " + o;
      log::info(log_topic, job.name + " started:" + line);
      changed = true;
    }
    if (changed && on_change) on_change();
    if (running.empty()) break;
    int wait_status = 0;
    const pid_t pid = ::waitpid(-1, &wait_status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    Job& job = jobs[it->second];
    running.erase(it);
    const std::string recorded = run_status(job.dir);
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0 && recorded == "ok") {
      job.status = "ok";
      job.reason.clear();
    } else {
      job.status = "failed";
      if (WIFSIGNALED(wait_status))
        job.reason = signal_text(WTERMSIG(wait_status));
      else if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0)
        job.reason = "exit code " + std::to_string(WEXITSTATUS(wait_status));
      else
        job.reason = "exited 0 but its metrics.json says '" + recorded + "'";
      // A child killed before it could record its end leaves "running" behind.
      if (recorded == "running" || recorded.empty()) mark_run_failed(job.dir, job.reason);
    }
    log::info(log_topic,
              job.name + " " + job.status +
                  (job.status == "ok" ? "" : ": " + job.reason + " (see " + job.dir + "/log.txt)"));
    if (on_change) on_change();
  }
}

}  // namespace motlab
