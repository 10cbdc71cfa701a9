// launcher `local`: a sweep's jobs as `motlab run` child processes on this host, at most `jobs`
// at once (framework/run/job_scheduler.h).
#include "framework/core/error.h"
#include "framework/run/launcher.h"

namespace motlab {
namespace {
class LocalLauncher : public Launcher {
 public:
  explicit LocalLauncher(int parallel) : parallel_(parallel) {}
  void launch(std::vector<Job>& jobs, const SweepLaunch& sweep) override {
    MOTLAB_CHECK(sweep.wait, "launcher=local runs its jobs as children of this process: ",
                 "--no-wait needs a cluster launcher (launcher=slurm)");
    run_jobs(jobs, parallel_, sweep.launch, "sweep", sweep.on_change);
  }

 private:
  int parallel_;
};
}  // namespace

MOTLAB_REGISTER(launcher_family, "local", "child processes on this host, `jobs` at once",
                OptionSchema().option<int64_t>("jobs", 1, "jobs that run at once"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Launcher> {
                  const auto jobs = o.get<int64_t>("jobs");
                  MOTLAB_CHECK(jobs >= 1 && jobs <= 4096, o.describe("jobs"),
                               ": launcher.jobs must be >= 1 (jobs run at once), got ", jobs);
                  return std::make_shared<LocalLauncher>(static_cast<int>(jobs));
                });
}  // namespace motlab
