// launcher `local`: a sweep's jobs as `motlab run` child processes on this host, at most `jobs`
// at once (framework/run/job_scheduler.h). It is the launcher family's default: a multirun whose
// config selects no launcher (a user's own primary config) runs with it, one job at a time.
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/run/launcher.h"

namespace motlab {
namespace {
struct LocalLauncherSettings {
  int64_t jobs = 1;
};

SettingsSchema<LocalLauncherSettings> local_launcher_settings() {
  using S = LocalLauncherSettings;
  // at_least(1) rather than between(1, 4096): "must be >= 1" is the message users (and
  // tests/run/bad_inputs_slow_test.cpp) see for launcher.jobs=0.
  return SettingsSchema<S>()
      .option("jobs", &S::jobs, "jobs that run at once", at_least(1))
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.jobs <= 4096, where("jobs"), ": must be <= 4096, got ", s.jobs);
      });
}

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
                local_launcher_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Launcher> {
                  const LocalLauncherSettings s = local_launcher_settings().read(o);
                  return std::make_shared<LocalLauncher>(static_cast<int>(s.jobs));
                });
// A multirun whose config selects no launcher runs here, as Hydra's basic launcher does.
MOTLAB_REGISTER_DEFAULT(launcher_family, "local");
}  // namespace motlab
