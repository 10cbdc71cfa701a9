// motlab run [-m] [--config-dir D] [--config-name N] [--cfg job] [key=value ...]
#include <iostream>

#include "framework/config/compose.h"
#include "framework/core/error.h"
#include "framework/run/runner.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

int run_command(CommandLine& cl) {
  RunRequest request;
  bool no_wait = false, resolve_config = false;
  std::string print_config, info, job_dir;
  int64_t job_num = 0;
  cl.describe(
        "  composes the config (configs/config.yaml and its defaults, then the overrides) and\n"
        "  runs its task. Overrides: key=value, +key=value (add), ++key=value (add or set),\n"
        "  ~key (delete), group=option; with -m, a,b  range(..)  choice(..) and sweep.params\n"
        "  expand into jobs. Further config folders: motlab --config-path DIR run ...; plugins:\n"
        "  motlab --plugin LIB run ... or a `plugins:` list in a config.")
      .alias("-cn", "--config-name")
      .alias("-cd", "--config-dir")
      .flag("multirun,m", &request.multirun,
            "expand sweeps into jobs; a config that selects no launcher runs them with "
            "launcher=local (one job at a time), as Hydra's basic launcher")
      .flag("no-wait", &no_wait,
            "with -m and launcher=slurm: submit and return (motlab sweep status)")
      .text("config-dir", &request.config_dir, "DIR",
            "primary config folder instead of the built-in configs/ (-cd)")
      .text("config-name", &request.config_name, "NAME", "primary config (-cn; default: config)")
      .choice("cfg", &print_config, {"job"}, "print the composed config and exit")
      .flag("resolve", &resolve_config, "with --cfg job: print it interpolated")
      .choice("info", &info, {"defaults"}, "print the final defaults list and exit")
      .text("job-dir", &job_dir, "DIR",
            "write the job into DIR (sweeps and pipelines pass it to their jobs)")
      .integer("job-num", &job_num, 0, 1 << 30, "N",
               "the job's number in its sweep (${motlab:job.num})")
      .rest("key=value", &request.overrides, "config overrides")
      .parse();
  request.wait = !no_wait;
  for (const auto& a : request.overrides)
    MOTLAB_CHECK(a.empty() || a[0] != '-', "motlab run: unknown flag '", a,
                 "' (see motlab run --help)");
  const bool info_defaults = !info.empty();
  if (!print_config.empty() || info_defaults) {
    expand_sweep(request.overrides, Config(), request.multirun);  // rejects bare sweeps
    Composed composed = compose_for_run(request);
    if (info_defaults) std::cout << render_defaults(composed.defaults);
    if (!print_config.empty()) {
      Config out = composed.config;
      if (resolve_config) {
        RuntimeInfo runtime;
        runtime.choices = composed.choices;
        runtime.overrides = composed.overrides;
        out = resolve(out, runtime);
      }
      std::cout << out.to_yaml();
    }
    return 0;
  }
  MOTLAB_CHECK(request.wait || request.multirun, "motlab run: --no-wait is for sweeps (-m)");
  if (request.multirun) return run_sweep(request);
  expand_sweep(request.overrides, Config(), false);  // a comma list without -m is an error
  return run_job(request, job_dir, static_cast<int>(job_num));
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("run", "compose a config and run its task (-m: a sweep of jobs)",
               motlab::cli::run_command);
