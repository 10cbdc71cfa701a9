#include "framework/run/runner.h"

#include <dlfcn.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "framework/artifacts/run_dir.h"
#include "framework/config/overrides.h"
#include "framework/config/search_path.h"
#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/install_paths.h"
#include "framework/core/log.h"
#include "framework/core/process_setup.h"
#include "framework/core/progress.h"
#include "framework/core/strings.h"
#include "framework/dist/dist.h"
#include "framework/io/atomic_file.h"
#include "framework/registry/plugins.h"
#include "framework/run/job_scheduler.h"
#include "framework/run/launcher.h"
#include "framework/run/task.h"
#include "framework/train/trainer.h"

namespace motlab {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string timestamp(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), format, &tm);
  return buffer;
}

// results/<kind>/<name>/<date>/<time>, with _1, _2 ... when two runs start in the same second.
std::string fresh_dir(const std::string& results_dir, const std::string& kind,
                      const std::string& name) {
  fs::path base = fs::path(results_dir) / kind / name / timestamp("%Y-%m-%d");
  std::string time = timestamp("%H-%M-%S");
  fs::path dir = base / time;
  for (int k = 1; fs::exists(dir); ++k) dir = base / (time + "_" + std::to_string(k));
  fs::create_directories(dir);
  return dir.string();
}

std::string yaml_of_list(const std::vector<std::string>& items) {
  std::vector<Config> values;
  for (const auto& item : items) values.push_back(Config::string(item));
  return Config::list(values).to_yaml();
}

std::string yaml_of_map(const std::map<std::string, std::string>& items) {
  std::vector<Config::Item> values;
  for (const auto& [k, v] : items) values.emplace_back(k, Config::string(v));
  return Config::dict(values).to_yaml();
}

Config resolve_for(const Composed& composed, const std::string& output_dir, int job_num) {
  RuntimeInfo runtime;
  runtime.choices = composed.choices;
  runtime.output_dir = output_dir;
  runtime.job_num = job_num;
  runtime.overrides = composed.overrides;
  return resolve(composed.config, runtime);
}

std::string results_dir_of(const Config& resolved) {
  return resolved.get<std::string>("results_dir", "results");
}

void write_metrics_json(const std::string& dir, const std::string& status, const std::string& error,
                        const Config& resolved, const std::string& task, const std::string& device,
                        double wall, const RunContext* run, const std::string& started) {
  RunSummary summary;
  summary.status = status;
  summary.error = error;
  json& book = summary.bookkeeping;
  book["task"] = task;
  book["experiment"] = resolved.get<std::string>("run.name", "");
  book["seed"] = resolved.get<int64_t>("seed", 0);
  book["device"] = device;
  book["wall_time_s"] = wall;
  book["started_at"] = started;
  book["git_sha"] = MOTLAB_GIT_SHA;
  book["motlab_version"] = motlab_version();
  book["torch_version"] = torch_version();
  book["openblas_core"] = openblas_core_name();  // kernels decide float rounding
  if (run) {
    summary.info = run->infos();
    for (const auto& [k, v] : run->metrics()) summary.metrics[k] = v;
  }
  RunDir(dir).write_summary(summary);
}

}  // namespace

std::string default_config_dir() {
  if (const char* env = std::getenv("MOTLAB_CONFIG_DIR")) return env;
  return motlab_home() + "/configs";
}

ComposeRequest compose_request_for(const RunRequest& request) {
  ComposeRequest out;
  out.config_dir = request.config_dir.empty() ? default_config_dir() : request.config_dir;
  out.search_path = extra_config_folders();
  out.primary = request.config_name;
  out.overrides = request.overrides;
  out.complete = complete_group_node;
  return out;
}

namespace {
// `plugins:` entries of a composed config that are not loaded yet: relative paths are taken from
// the folder of the file that lists them (the command line: the working directory).
std::vector<std::pair<std::string, std::string>> unloaded_config_plugins(const Config& config) {
  std::vector<std::pair<std::string, std::string>> out;
  Config list;
  if (!config.find("plugins", &list) || list.is_null()) return out;
  MOTLAB_CHECK(list.is_list(), list.describe(),
               ": plugins must be a list of plugin libraries, got ", list.kind_name());
  for (size_t k = 0; k < list.size(); ++k) {
    const Config entry = list.at(k);
    MOTLAB_CHECK(entry.kind() == Config::Kind::kString, entry.describe(),
                 ": a plugin entry must be a library path or name");
    std::string spec = entry.as_string();
    const std::string& file = entry.where().file;
    if (spec.find('/') != std::string::npos && spec[0] != '/' && !file.empty())
      spec = (fs::path(file).parent_path() / spec).lexically_normal().string();
    bool loaded = false;
    std::error_code ec;
    const std::string canonical = fs::canonical(spec, ec).string();
    for (const auto& plugin : loaded_plugins())
      loaded = loaded || (!ec && plugin.file == canonical);
    if (!loaded) out.emplace_back(spec, entry.where().str());
  }
  return out;
}
}  // namespace

Composed compose_for_run(const RunRequest& request) {
  // Plugins named in a config may provide the very options it selects: look with a lenient
  // probe, load what it names, compose again (a plugin's config may name further plugins).
  for (int round = 0;; ++round) {
    ComposeRequest probe = compose_request_for(request);
    probe.probe = true;
    const auto pending = unloaded_config_plugins(compose(probe).config);
    if (pending.empty() || round == 8) break;
    for (const auto& [spec, where] : pending) load_plugin(spec, where);
  }
  return compose(compose_request_for(request));
}

std::string experiment_name(const Config& composed,
                            const std::map<std::string, std::string>& choices) {
  std::string name = composed.get<std::string>("run.name", "");
  if (!name.empty() && name.find("${") == std::string::npos) return name;
  auto it = choices.find("experiment");
  if (it != choices.end() && it->second != "null") return it->second;
  it = choices.find("task");
  if (it != choices.end() && it->second != "null") return it->second;
  return "run";
}

namespace {

// Settings that may change when a run is resumed (training longer, other resources).
bool may_change_on_resume(const std::string& key) {
  for (const char* allowed : {"resume", "task.resume", "trainer.epochs", "threads", "device", "run",
                              "cache_dir", "results_dir", "plugins"}) {
    const std::string prefix = allowed;
    if (key == prefix || key.rfind(prefix + ".", 0) == 0) return true;
  }
  return false;
}

void differing_keys(const Config& a, const Config& b, const std::string& path,
                    std::vector<std::string>* out) {
  if (a.is_dict() && b.is_dict()) {
    std::set<std::string> keys;
    for (const auto& k : a.keys()) keys.insert(k);
    for (const auto& k : b.keys()) keys.insert(k);
    for (const auto& k : keys) {
      const std::string child = path.empty() ? k : path + "." + k;
      Config x, y;
      const bool in_a = a.find(k, &x), in_b = b.find(k, &y);
      if (in_a && in_b)
        differing_keys(x, y, child, out);
      else
        out->push_back(child);
    }
    return;
  }
  if (a != b) out->push_back(path);
}

std::string shown_value(const Config& config, const std::string& key) {
  Config value;
  if (!config.find(key, &value)) return "<absent>";
  return value.is_scalar() ? value.scalar_text() : value.to_json();
}

// Before anything is written into `dir`: a finished result is never replaced unless the user
// says so (run.overwrite=true), and a resume must describe the same run as the one it continues.
// Returns true when a finished run is resumed (to train longer).
// The saved run's settings that differ from `resolved` beyond what may change on a resume.
std::vector<std::string> changed_settings(const Config& saved, const Config& resolved) {
  std::vector<std::string> all, differing;
  differing_keys(saved, resolved, "", &all);
  for (const auto& key : all)
    if (!may_change_on_resume(key))
      differing.push_back(key + " (" + shown_value(saved, key) + " -> " +
                          shown_value(resolved, key) + ")");
  return differing;
}

bool guard_existing_run(const std::string& dir, const Config& resolved, bool continues_in_place) {
  const RunDir run_dir(dir);
  const std::string status = run_dir.status();
  const std::string saved_config = run_dir.resolved_config_file();
  if (status.empty() && !file_exists(saved_config)) return false;  // a new directory
  const bool resume = resolved.get<bool>("resume", false);
  const bool overwrite = resolved.get<bool>("run.overwrite", false);
  if (!resume) {
    // A failed or interrupted run is run again in place (sweeps and pipelines retry this way); a
    // pipeline continues its own finished directory when nothing else changed.
    const bool same_pipeline =
        continues_in_place && file_exists(saved_config) &&
        changed_settings(Config::from_yaml_file(saved_config), resolved).empty();
    MOTLAB_CHECK(status != "ok" || overwrite || same_pipeline, dir,
                 " holds a finished run (metrics.json: status ok): choose another run.dir, "
                 "continue it with resume=true, or replace it with run.overwrite=true");
    return false;
  }
  MOTLAB_CHECK(file_exists(saved_config), dir, ": resume=true, but there is no run to resume (no ",
               "config_resolved.yaml)");
  const Config saved = Config::from_yaml_file(saved_config);
  const std::vector<std::string> differing = changed_settings(saved, resolved);
  MOTLAB_CHECK(differing.empty(), dir,
               ": resume=true with settings that differ from the run's: ", join_names(differing),
               ". Only trainer.epochs, threads and device may change on resume; start a new "
               "run.dir for other settings");
  if (status != "ok") return false;
  const int64_t before = saved.get<int64_t>("trainer.epochs", 0);
  const int64_t now = resolved.get<int64_t>("trainer.epochs", 0);
  MOTLAB_CHECK(now > before, dir, " holds a finished run: nothing to resume (raise trainer.epochs ",
               "above ", before, " to train longer, or give run.overwrite=true to start again)");
  return true;
}

}  // namespace

namespace {
// trainer.nproc_per_node > 1 without a launcher: this process starts the ranks (torchrun's
// variables, a free port on 127.0.0.1) and waits for them; it writes nothing itself unless the
// ranks die before recording why.
int launch_local_ranks(const RunRequest& request, const std::string& dir, int job_num, int nproc) {
  Job job;
  job.name = "ranks";
  job.number = job_num;
  job.overrides = request.overrides;
  job.dir = dir;
  const JobLaunch launch =
      current_job_launch(compose_request_for(request).config_dir, request.config_name);
  log::info("dist", "starting " + std::to_string(nproc) + " local ranks for " + dir);
  const std::string failure = run_local_ranks(job, launch, nproc);
  if (failure.empty()) return 0;
  mark_run_failed(dir, failure);
  log::error("dist", failure + " (see " + dir + "/log.txt)");
  return 1;
}
}  // namespace

int run_job(const RunRequest& request, const std::string& job_dir_in, int job_num) {
  Composed composed = compose_for_run(request);
  // Resolve once to learn where results go, then again with the real output directory.
  Config provisional = resolve_for(composed, "", job_num);
  // Data parallel: ranks started by torchrun/srun (or by motlab below) meet first; rank 0 alone
  // picks the run directory and writes into it.
  const dist::Placement placement = dist::placement_from_environment();
  const auto nproc_per_node = provisional.get<int64_t>("trainer.nproc_per_node", 1);
  // A data-parallel run's settings are checked before any rank starts (a bad one would
  // otherwise reach every rank's rendezvous first).
  train::TrainerSettings parallel;
  if ((placement.world_size > 1 || nproc_per_node > 1) && provisional.has("trainer"))
    parallel = train::read_trainer_settings(provisional["trainer"]);
  if (placement.world_size > 1) {
    dist::GroupSettings group;
    group.backend = parallel.dist_backend;
    group.timeout_s = parallel.dist_timeout_s;
    torch::Device device = resolve_device(provisional.get<std::string>("device", "auto"));
    dist::initialize(placement, group, device);
    if (!dist::is_primary()) {
      // Rank 0 reports the run; the others only say what went wrong, and which rank they are.
      log::set_prefix("rank " + std::to_string(dist::rank()) + " ");
      if (log::level() < log::Level::kWarn) log::set_level(log::Level::kWarn);
    }
  }
  struct GroupShutdown {
    ~GroupShutdown() { dist::shutdown(); }
  } group_shutdown;
  std::string dir = job_dir_in;
  if (dir.empty() && dist::is_primary()) {
    std::string fixed = provisional.get<std::string>("run.dir", "");
    dir = fixed.empty() ? fresh_dir(results_dir_of(provisional), "runs",
                                    experiment_name(composed.config, composed.choices))
                        : fixed;
  }
  if (dist::active()) {
    if (dist::is_primary())
      dist::store_set("motlab/run_dir", dir);
    else
      dir = dist::store_get("motlab/run_dir");
  } else if (nproc_per_node > 1) {
    return launch_local_ranks(request, dir, job_num, static_cast<int>(nproc_per_node));
  }
  const bool primary = dist::is_primary();
  const RunDir run_dir(dir);
  Config resolved = resolve_for(composed, dir, job_num);
  resolved =
      resolved.with("run.name", Config::string(experiment_name(composed.config, composed.choices)));
  // The task is built once before anything is written (its options are checked; it says how it
  // treats a finished directory), and again below inside the recorded run.
  RunContext probe(resolved, dir, torch::kCPU, 0);
  std::shared_ptr<Task> probe_task;
  try {
    if (resolved.has("task._target_"))
      probe_task = task_family().build(resolved["task"], probe.build_context());
  } catch (const std::exception&) {
    // A bad task node fails again inside the recorded run, where metrics.json keeps the error.
  }
  MOTLAB_CHECK(!dist::active() || !probe_task || probe_task->data_parallel(), "task '",
               resolved.get<std::string>("task._target_", ""), "' does not run data-parallel (",
               dist::world_size(), " ranks were started): run it as one process");
  dist::primary_first([&] {
    if (!primary) return;
    if (guard_existing_run(dir, resolved, probe_task && probe_task->continues_in_place())) {
      // A finished run trains longer: what the resume reads is checked first, and the finished
      // metrics are kept beside the new ones.
      if (probe_task) probe_task->check_resume(probe);
      write_file_atomic(run_dir.file("metrics.before_resume.json"),
                        read_file(run_dir.summary_file()));
    }
    make_dirs(dir);
    write_file_atomic(run_dir.file("config.yaml"), composed.config.to_yaml());
    write_file_atomic(run_dir.resolved_config_file(), resolved.to_yaml());
    write_file_atomic(run_dir.file("overrides.yaml"), yaml_of_list(request.overrides));
    write_file_atomic(run_dir.file("choices.yaml"), yaml_of_map(composed.choices));
  });
  if (primary) log::set_file(run_dir.file("log.txt"));
  const std::string started = timestamp("%Y-%m-%dT%H:%M:%S");
  const auto start = std::chrono::steady_clock::now();
  const std::string task_key =
      resolved.has("task._target_") ? resolved.get<std::string>("task._target_") : "";
  std::string device_name = "cpu";
  std::unique_ptr<RunContext> run;
  std::string error;
  try {
    MOTLAB_CHECK(!task_key.empty(),
                 "the config selects no task (set task=<option>; `motlab list task` shows them)");
    const uint64_t seed = static_cast<uint64_t>(resolved.get<int64_t>("seed", 1234));
    seed_everything(seed);
    const int64_t threads = resolved.get<int64_t>("threads", 0);
    MOTLAB_CHECK(threads >= 0, "threads must be >= 0 (0 = LibTorch's default), got ", threads);
    if (threads > 0) {
      torch::set_num_threads(static_cast<int>(threads));
      // OpenBLAS keeps its own pool, whose idle threads spin in sched_yield: limit it too.
      using SetThreads = void (*)(int);
      if (auto set_blas =
              reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set_blas(static_cast<int>(threads));
    }
    torch::Device device = resolve_device(resolved.get<std::string>("device", "auto"));
    // One device per local rank.
    if (dist::active() && device.is_cuda() && !device.has_index())
      device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(placement.local_rank));
    device_name = device.str();
    run = std::make_unique<RunContext>(resolved, dir, device, seed);
    run->set_config_source(compose_request_for(request).config_dir, request.config_name);
    run->set_primary(primary);
    if (dist::active()) {
      run->set_info("dist_backend", dist::backend());
      run->set_info("dist_launcher", placement.launcher);
      run->set_metric("dist_world_size", dist::world_size());
    }
    // Before "running" is written: a signal seen after that is recorded, never a silent kill.
    install_interrupt_handler();
    if (primary)
      write_metrics_json(dir, "running", "", resolved, task_key, device_name, 0.0, run.get(),
                         started);
    log::info("run", "job dir " + dir);
    std::shared_ptr<Task> task = task_family().build(resolved["task"], run->build_context());
    task->run(*run);
    MOTLAB_CHECK(!interrupt_requested(), "interrupted by a signal; re-run with resume=true");
  } catch (const std::exception& e) {
    error = error_text(e);
    if (dist::active()) {
      if (error.rfind("rank ", 0) != 0)
        error = "rank " + std::to_string(dist::rank()) + ": " + error;
      dist::report_failure(error);
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (primary)
    write_metrics_json(dir, error.empty() ? "ok" : "failed", error, resolved, task_key, device_name,
                       wall, run.get(), started);
  if (!error.empty()) {
    log::error("run", "job failed: " + error);
    log::set_file("");
    return 1;
  }
  log::info("run", "done in " + std::to_string(wall) + " s: " + dir);
  log::set_file("");
  return 0;
}

namespace {

void write_multirun_yaml(const std::string& sweep_dir, const RunRequest& request,
                         const std::vector<Job>& jobs, const Config& launcher) {
  std::vector<Config::Item> root;
  root.emplace_back("command_overrides", Config::from_yaml_string(yaml_of_list(request.overrides)));
  root.emplace_back("config_name", Config::string(request.config_name));
  root.emplace_back("launcher", launcher);
  std::vector<Config> entries;
  for (const Job& job : jobs) {
    std::vector<Config::Item> entry;
    entry.emplace_back("num", Config::integer(job.number));
    entry.emplace_back("dir", Config::string(std::to_string(job.number)));
    entry.emplace_back("status", Config::string(job.status));
    if (!job.reason.empty()) entry.emplace_back("reason", Config::string(job.reason));
    if (!job.scheduler_id.empty())
      entry.emplace_back("scheduler_id", Config::string(job.scheduler_id));
    entry.emplace_back("overrides", Config::from_yaml_string(yaml_of_list(job.overrides)));
    entries.push_back(Config::dict(entry));
  }
  root.emplace_back("jobs", Config::list(entries));
  write_file_atomic(sweep_dir + "/multirun.yaml", Config::dict(root).to_yaml());
}

// Logs the sweep's totals; 3 while some are queued or running, else 1 when one failed, else 0.
int sweep_summary(const std::vector<Job>& jobs, const std::string& sweep_dir) {
  int ok = 0, active = 0;
  for (const auto& job : jobs) {
    ok += job.status == "ok" || job.status == "skipped";
    active += job.status == "submitted" || job.status == "pending" || job.status == "running";
  }
  const int failed = static_cast<int>(jobs.size()) - ok - active;
  log::info("sweep", std::to_string(ok) + " ok, " + std::to_string(failed) + " not finished" +
                         (active ? ", " + std::to_string(active) + " queued or running" : "") +
                         " -> " + sweep_dir);
  return active > 0 ? 3 : failed > 0 ? 1 : 0;
}

}  // namespace

void mark_run_failed(const std::string& dir, const std::string& reason) {
  const RunDir run_dir(dir);
  RunSummary summary;
  if (run_dir.has_summary()) {
    try {
      summary = run_dir.summary();
    } catch (const std::exception&) {
      summary = RunSummary();  // unreadable: replaced by a record that says why the run ended
    }
    if (summary.status != "running" && !summary.status.empty()) return;
  }
  summary.status = "failed";
  summary.error = reason;
  run_dir.write_summary(summary);
}

std::string run_status(const std::string& dir) { return RunDir(dir).status(); }

std::vector<std::string> run_overrides(const std::string& dir) {
  std::vector<std::string> out;
  const std::string file = RunDir(dir).file("overrides.yaml");
  if (!fs::exists(file)) return out;
  Config list = Config::from_yaml_file(file);
  for (size_t k = 0; k < list.size(); ++k) out.push_back(list.at(k).scalar_text());
  return out;
}

int run_sweep(const RunRequest& request) {
  // Compose once without the sweep values to read the sweep and launcher settings.
  RunRequest base_request = request;
  base_request.overrides.clear();
  for (const auto& text : request.overrides)
    if (!parse_override(text).is_sweep()) base_request.overrides.push_back(text);
  Composed base = compose_for_run(base_request);
  RuntimeInfo runtime;
  runtime.choices = base.choices;
  runtime.overrides = base.overrides;
  const Config settings =
      resolve_keys(base.config, runtime, {"sweep", "launcher", "results_dir", "run"});
  Config params;
  settings.find("sweep.params", &params);
  std::vector<std::vector<std::string>> expanded =
      expand_sweep(request.overrides, params, /*multirun=*/true);
  // A config that selects no launcher (a user's own primary config) sweeps with the family's
  // default, as Hydra falls back to its basic launcher.
  Config launcher_node;
  if (settings.has("launcher._target_")) {
    launcher_node = settings["launcher"];
  } else {
    const std::string fallback = launcher_family().default_key();
    MOTLAB_CHECK(!fallback.empty(), "the config selects no launcher and none is registered as the ",
                 "default (`motlab list launcher`)");
    launcher_node =
        complete_group_node("launcher", Config::dict({{"_target_", Config::string(fallback)}}));
    log::info("sweep", "the config selects no launcher: launcher=" + fallback + " (its defaults)");
  }
  std::shared_ptr<Launcher> launcher = launcher_family().build(launcher_node, BuildContext{});
  std::string sweep_dir = settings.get<std::string>("sweep.dir", "");
  if (sweep_dir.empty()) {
    std::string name = settings.get<std::string>("sweep.name", "");
    if (name.empty()) name = experiment_name(base.config, base.choices);
    sweep_dir = fresh_dir(results_dir_of(settings), "multirun", name);
  }
  const bool overwrite = settings.get<bool>("run.overwrite", false);
  // A re-used sweep dir: jobs an earlier submission left queued or running keep their scheduler
  // id, so the launcher follows them instead of submitting them twice.
  std::map<int, std::pair<std::string, std::string>> earlier;  // num -> (status, scheduler id)
  if (file_exists(sweep_dir + "/multirun.yaml")) {
    try {
      const Config previous = Config::from_yaml_file(sweep_dir + "/multirun.yaml");
      Config list;
      if (previous.find("jobs", &list) && list.is_list())
        for (size_t k = 0; k < list.size(); ++k) {
          const Config entry = list.at(k);
          if (entry.has("scheduler_id"))
            earlier[entry.get<int>("num")] = {entry.get<std::string>("status", ""),
                                              entry.get<std::string>("scheduler_id")};
        }
    } catch (const std::exception& e) {
      MOTLAB_FAIL(sweep_dir, "/multirun.yaml cannot be read (", error_text(e),
                  "): use another sweep.dir");
    }
  }
  std::vector<Job> jobs;
  for (size_t k = 0; k < expanded.size(); ++k) {
    Job job;
    job.name = "job " + std::to_string(k);
    job.number = static_cast<int>(k);
    // sweep.* and launcher.* steer this parent only; jobs never see them, so a re-run with
    // sweep.dir=... recognises the jobs it already finished.
    for (const auto& text : expanded[k]) {
      const std::string key = parse_override(text).key;
      if (key.rfind("sweep.", 0) != 0 && key.rfind("launcher.", 0) != 0 && key != "sweep" &&
          key != "launcher")
        job.overrides.push_back(text);
    }
    job.dir = sweep_dir + "/" + std::to_string(k);
    // A re-used sweep dir: a job whose metrics say ok with the same overrides is not re-run.
    if (run_status(job.dir) == "ok") {
      const std::vector<std::string> finished = run_overrides(job.dir);
      if (finished == job.overrides) {
        job.status = "skipped";
        log::info("sweep", job.name + " already done, skipped");
      } else {
        // Checked for every job before anything is written: a refused sweep leaves the dir as it
        // was.
        MOTLAB_CHECK(overwrite, job.dir, ": ", job.name, " finished with other settings (",
                     join_names(finished, "no overrides"), ") than this sweep gives it (",
                     join_names(job.overrides, "no overrides"),
                     "); use another sweep.dir, or replace finished jobs with ",
                     "run.overwrite=true");
      }
    }
    auto it = earlier.find(job.number);
    if (job.status == "pending" && it != earlier.end() &&
        (it->second.first == "submitted" || it->second.first == "pending" ||
         it->second.first == "running")) {
      job.status = it->second.first;
      job.scheduler_id = it->second.second;
    }
    jobs.push_back(job);
  }
  make_dirs(sweep_dir);
  write_multirun_yaml(sweep_dir, request, jobs, launcher_node);
  log::info("sweep", std::to_string(jobs.size()) + " jobs, launcher " +
                         launcher_node.get<std::string>("_target_") + ": " + sweep_dir +
                         " (re-run with sweep.dir=" + sweep_dir + " to resume)");
  SweepLaunch sweep;
  sweep.sweep_dir = sweep_dir;
  sweep.launch = current_job_launch(compose_request_for(request).config_dir, request.config_name);
  sweep.wait = request.wait;
  sweep.on_change = [&] { write_multirun_yaml(sweep_dir, request, jobs, launcher_node); };
  launcher->launch(jobs, sweep);
  write_multirun_yaml(sweep_dir, request, jobs, launcher_node);
  std::cout << sweep_dir << "\n";
  const int outcome = sweep_summary(jobs, sweep_dir);
  return !request.wait && outcome == 3 ? 0 : outcome;
}

int sweep_status(const std::string& sweep_dir) {
  const std::string path = sweep_dir + "/multirun.yaml";
  MOTLAB_CHECK(file_exists(path), sweep_dir, " is not a sweep directory (no multirun.yaml)");
  const Config saved = Config::from_yaml_file(path);
  MOTLAB_CHECK(saved.has("jobs") && saved["jobs"].is_list(), path, ": no `jobs` list");
  RunRequest request;
  request.config_name = saved.get<std::string>("config_name", "config");
  Config overrides;
  if (saved.find("command_overrides", &overrides) && overrides.is_list())
    for (size_t k = 0; k < overrides.size(); ++k)
      request.overrides.push_back(overrides.at(k).scalar_text());
  std::vector<Job> jobs;
  const Config list = saved["jobs"];
  for (size_t k = 0; k < list.size(); ++k) {
    const Config entry = list.at(k);
    Job job;
    job.number = entry.get<int>("num");
    job.name = "job " + std::to_string(job.number);
    job.dir = sweep_dir + "/" + entry.get<std::string>("dir", std::to_string(job.number));
    job.status = entry.get<std::string>("status", "pending");
    job.reason = entry.get<std::string>("reason", "");
    job.scheduler_id = entry.get<std::string>("scheduler_id", "");
    Config job_overrides;
    if (entry.find("overrides", &job_overrides) && job_overrides.is_list())
      for (size_t j = 0; j < job_overrides.size(); ++j)
        job.overrides.push_back(job_overrides.at(j).scalar_text());
    jobs.push_back(job);
  }
  Config launcher_node;
  if (saved.find("launcher", &launcher_node) && launcher_node.has("_target_")) {
    SweepLaunch sweep;
    sweep.sweep_dir = sweep_dir;
    sweep.on_change = [&] { write_multirun_yaml(sweep_dir, request, jobs, launcher_node); };
    launcher_family().build(launcher_node, BuildContext{})->refresh(jobs, sweep);
  }
  std::printf("%-5s %-14s %-12s %s\n", "job", "status", "scheduler", "overrides / reason");
  for (const auto& job : jobs) {
    std::string overrides_text;
    for (const auto& o : job.overrides) overrides_text += (overrides_text.empty() ? "" : " ") + o;
    std::printf("%-5d %-14s %-12s %s%s\n", job.number, job.status.c_str(),
                job.scheduler_id.empty() ? "-" : job.scheduler_id.c_str(), overrides_text.c_str(),
                job.reason.empty() ? "" : ("  [" + job.reason + "]").c_str());
  }
  return sweep_summary(jobs, sweep_dir);
}

}  // namespace motlab
