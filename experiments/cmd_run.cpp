// motlab run [-m|--multirun] [--config-dir D] [--config-name N] [--cfg job] [--resolve]
//            [--info defaults] [--job-dir D --job-num N] [overrides...]
#include <iostream>

#include "experiments/cli.h"
#include "framework/config/compose.h"
#include "framework/core/error.h"
#include "framework/run/runner.h"

namespace motlab::cli {
namespace {

const char* kRunUsage =
    "usage: motlab run [-m [--no-wait]] [--config-dir D] [--config-name N] [--cfg job] "
    "[--resolve]\n"
    "                  [--info defaults] [key=value ...]\n"
    "  -m, --multirun     expand sweeps (a,b  range(..)  choice(..)  sweep.params) into jobs;\n"
    "                     a config that selects no launcher runs them with launcher=local\n"
    "                     (one job at a time), as Hydra's basic launcher\n"
    "  --no-wait          with -m and launcher=slurm: submit and return (motlab sweep status)\n"
    "  --config-dir D     primary config folder instead of the built-in configs/\n"
    "  --config-name N    primary config (default: config)\n"
    "  --cfg job          print the composed config and exit (--resolve: interpolated)\n"
    "  --info defaults    print the final defaults list and exit\n"
    "  --job-dir D        write the job into D (sweeps and pipelines pass it to their jobs)\n"
    "  --job-num N        the job's number in its sweep (${motlab:job.num})\n"
    "Further config folders: motlab --config-path DIR run ...; plugins: motlab --plugin LIB run\n"
    "... or a `plugins:` list in a config.\n";

int run_command(const std::vector<std::string>& args) {
  RunRequest request;
  bool print_config = false, resolve_config = false, info_defaults = false;
  std::string job_dir;
  int job_num = 0;
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string& a = args[k];
    auto next = [&](const char* what) -> std::string {
      MOTLAB_CHECK(k + 1 < args.size(), "motlab run: ", a, " needs ", what);
      return args[++k];
    };
    if (a == "-m" || a == "--multirun") {
      request.multirun = true;
    } else if (a == "--no-wait") {
      request.wait = false;
    } else if (a == "--config-dir") {
      request.config_dir = next("a directory");
    } else if (a == "--config-name" || a == "-cn") {
      request.config_name = next("a config name");
    } else if (a == "--cfg") {
      std::string what = next("'job'");
      MOTLAB_CHECK(what == "job", "motlab run: --cfg supports 'job', got '", what, "'");
      print_config = true;
    } else if (a == "--resolve") {
      resolve_config = true;
    } else if (a == "--info") {
      std::string what = next("'defaults'");
      MOTLAB_CHECK(what == "defaults", "motlab run: --info supports 'defaults', got '", what, "'");
      info_defaults = true;
    } else if (a == "--job-dir") {
      job_dir = next("a directory");
    } else if (a == "--job-num") {
      const std::string text = next("a number");
      size_t used = 0;
      try {
        job_num = std::stoi(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      MOTLAB_CHECK(used == text.size() && job_num >= 0, "motlab run: --job-num needs a number ",
                   ">= 0, got '", text, "'");
    } else {
      MOTLAB_CHECK(a.empty() || a[0] != '-' || a.rfind("~", 0) == 0, "motlab run: unknown flag '",
                   a, "' (see motlab run --help)");
      request.overrides.push_back(a);
    }
  }
  if (print_config || info_defaults) {
    expand_sweep(request.overrides, Config(), request.multirun);  // rejects bare sweeps
    Composed composed = compose_for_run(request);
    if (info_defaults) std::cout << render_defaults(composed.defaults);
    if (print_config) {
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
  return run_job(request, job_dir, job_num);
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("run", "compose a config and run its task (-m: a sweep of jobs)",
               motlab::cli::kRunUsage, motlab::cli::run_command);
