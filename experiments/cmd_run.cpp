// motlab run [-m|--multirun] [--config-dir D] [--config-name N] [--cfg job] [--resolve]
//            [--info defaults] [overrides...]
#include <iostream>

#include "experiments/cli.h"
#include "framework/config/compose.h"
#include "framework/core/error.h"
#include "framework/run/runner.h"

namespace motlab::cli {
namespace {

int run_command(const std::vector<std::string>& args) {
  RunRequest request;
  bool print_config = false, resolve_config = false, info_defaults = false;
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string& a = args[k];
    auto next = [&](const char* what) -> std::string {
      MOTLAB_CHECK(k + 1 < args.size(), "motlab run: ", a, " needs ", what);
      return args[++k];
    };
    if (a == "-m" || a == "--multirun") {
      request.multirun = true;
    } else if (a == "--config-dir" || a == "-cp") {
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
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: motlab run [-m] [--config-dir D] [--config-name N] [--cfg job] "
                   "[--resolve] [--info defaults] [key=value ...]\n";
      return 0;
    } else {
      MOTLAB_CHECK(a.empty() || a[0] != '-' || a.rfind("~", 0) == 0, "motlab run: unknown flag '",
                   a, "'");
      request.overrides.push_back(a);
    }
  }
  if (print_config || info_defaults) {
    expand_sweep(request.overrides, Config(), request.multirun);  // rejects bare sweeps
    ComposeRequest compose_request{
        request.config_dir.empty() ? default_config_dir() : request.config_dir, request.config_name,
        request.overrides};
    Composed composed = compose(compose_request);
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
  if (request.multirun) return run_sweep(request);
  expand_sweep(request.overrides, Config(), false);  // a comma list without -m is an error
  const char* job_dir = std::getenv("MOTLAB_JOB_DIR");
  const char* job_num = std::getenv("MOTLAB_JOB_NUM");
  return run_job(request, job_dir ? job_dir : "", job_num ? std::atoi(job_num) : 0);
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("run", "compose a config and run its task (-m: a sweep of jobs)",
               motlab::cli::run_command);
