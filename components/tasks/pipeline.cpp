// Task `pipeline`: an experiment made of several runs (e.g. train TMR, the sLLM method, a CNN
// encoder, then the fused encoder on the two earlier runs; then tables). Each stage is a
// `motlab run <overrides>` child process writing into <this run>/stages/<name>; a stage's
// overrides may name an earlier stage's directory as {stage:<name>}, which also orders them.
// Independent stages run in parallel up to `jobs`. Re-running the pipeline on the same directory
// (run.dir=<dir>) skips stages that finished with the same overrides.
//
//   task:
//     _target_: pipeline
//     jobs: 1
//     stages:
//       sllm: [method=sllm, size=tiny]
//       fused: [method=sllm_fused, "motion_encoder.tmr_run={stage:sllm}", ...]
//     common: [device=cuda]   # appended to every stage's overrides (so they win)
//     tables: {table1: ...}   # table / plot nodes written after the stages
//     plots: {recall: ...}
#include <sys/wait.h>

#include <cerrno>
#include <map>
#include <set>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/io/atomic_file.h"
#include "framework/run/runner.h"
#include "framework/run/stage_reports.h"
#include "framework/run/task.h"

namespace motlab {
namespace {

struct Stage {
  std::string name;
  std::vector<std::string> overrides;  // with {stage:<name>} placeholders
  std::set<std::string> after;         // stages named by placeholders
  std::string dir;
  std::string status = "pending";  // pending, running, ok, failed, skipped, blocked
  pid_t pid = 0;
};

// Names referenced as {stage:<name>} in `text`.
std::set<std::string> referenced_stages(const std::string& text) {
  std::set<std::string> out;
  for (size_t at = text.find("{stage:"); at != std::string::npos; at = text.find("{stage:", at)) {
    const size_t end = text.find('}', at);
    if (end == std::string::npos) break;
    out.insert(text.substr(at + 7, end - at - 7));
    at = end;
  }
  return out;
}

std::string substitute(std::string text, const std::map<std::string, Stage>& stages) {
  for (const auto& name : referenced_stages(text)) {
    const std::string placeholder = "{stage:" + name + "}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at))
      text.replace(at, placeholder.size(), stages.at(name).dir);
  }
  return text;
}

class PipelineTask : public Task {
 public:
  PipelineTask(std::vector<Stage> stages, int jobs, Config tables, Config plots)
      : order_(std::move(stages)),
        jobs_(jobs),
        tables_(std::move(tables)),
        plots_(std::move(plots)) {}

  void run(RunContext& run) override {
    std::map<std::string, Stage> stages;
    for (auto stage : order_) {
      stage.dir = run.path("stages/" + stage.name);
      stages[stage.name] = stage;
    }
    for (auto& [name, stage] : stages) {
      std::vector<std::string> resolved;
      for (const auto& o : stage.overrides) resolved.push_back(substitute(o, stages));
      stage.overrides = resolved;
      stage.overrides.push_back("run.dir=" + stage.dir);
      if (run_status(stage.dir) == "ok" && run_overrides(stage.dir) == stage.overrides) {
        stage.status = "skipped";
        log::info("pipeline", "stage " + name + " already done: " + stage.dir);
      }
    }
    RunRequest request;
    request.config_dir = default_config_dir();
    int running = 0, started = 0;
    std::map<pid_t, std::string> by_pid;
    auto done = [&](const std::string& name) {
      const auto& s = stages.at(name).status;
      return s == "ok" || s == "skipped";
    };
    while (true) {
      for (const auto& proto : order_) {
        Stage& stage = stages.at(proto.name);
        if (stage.status != "pending" || running >= jobs_ || interrupt_requested()) continue;
        bool ready = true, blocked = false;
        for (const auto& dependency : stage.after) {
          ready = ready && done(dependency);
          const auto& s = stages.at(dependency).status;
          blocked = blocked || s == "failed" || s == "blocked";
        }
        if (blocked) {
          stage.status = "blocked";
          continue;
        }
        if (!ready) continue;
        stage.status = "running";
        stage.pid = launch_run_process(stage.overrides, stage.dir, started++, request);
        by_pid[stage.pid] = stage.name;
        ++running;
        std::string line;
        for (const auto& o : stage.overrides) line += " " + o;
        log::info("pipeline", "stage " + stage.name + " started:" + line);
      }
      if (running == 0) break;
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, 0);
      if (pid < 0) {
        if (errno == EINTR) continue;
        break;
      }
      auto it = by_pid.find(pid);
      if (it == by_pid.end()) continue;
      Stage& stage = stages.at(it->second);
      --running;
      const bool ok =
          WIFEXITED(status) && WEXITSTATUS(status) == 0 && run_status(stage.dir) == "ok";
      stage.status = ok ? "ok" : "failed";
      log::info("pipeline", "stage " + stage.name + " " + stage.status +
                                (ok ? "" : " (see " + stage.dir + "/log.txt)"));
    }
    std::string summary = "stage,status,dir\n";
    std::vector<std::string> failed;
    for (const auto& proto : order_) {
      const Stage& stage = stages.at(proto.name);
      summary += stage.name + "," + stage.status + "," + stage.dir + "\n";
      const bool ok = stage.status == "ok" || stage.status == "skipped";
      if (!ok) failed.push_back(stage.name);
      run.set_metric("stage_ok/" + stage.name, ok ? 1.0 : 0.0);
    }
    write_file_atomic(run.path("stages.csv"), summary);
    MOTLAB_CHECK(!interrupt_requested(), "pipeline interrupted; re-run with run.dir=", run.dir(),
                 " to continue (finished stages are skipped)");
    std::string names;
    for (const auto& n : failed) names += " " + n;
    MOTLAB_CHECK(failed.empty(), "pipeline: stages not finished:", names, " (see ", run.dir(),
                 "/stages/<name>/log.txt)");
    std::map<std::string, std::string> stage_dirs;
    for (const auto& [name, stage] : stages) stage_dirs[name] = stage.dir;
    run_stage_reports(tables_, plots_, stage_dirs, run);
  }

 private:
  std::vector<Stage> order_;
  int jobs_;
  Config tables_, plots_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "pipeline",
                "several runs as one experiment (stages with {stage:<name>} dependencies), then "
                "reports",
                [](const Config& node) -> std::shared_ptr<Task> {
                  Options options(node, "task 'pipeline'");
                  const int jobs = static_cast<int>(options.get<int64_t>("jobs", 1));
                  Config stages_node = options.node("stages");
                  Config common = options.has("common") ? options.node("common") : Config();
                  Config tables = options.has("tables") ? options.node("tables") : Config();
                  Config plots = options.has("plots") ? options.node("plots") : Config();
                  options.finish();
                  MOTLAB_CHECK(jobs >= 1, node.describe(), ": task.jobs must be >= 1");
                  MOTLAB_CHECK(stages_node.is_dict() && stages_node.size() > 0,
                               stages_node.describe(),
                               ": task.stages must map stage names to override lists");
                  MOTLAB_CHECK(common.is_null() || common.is_list(), common.describe(),
                               ": task.common must be a list of overrides for every stage");
                  std::vector<Stage> stages;
                  std::set<std::string> names;
                  for (const auto& [name, list] : stages_node.items()) {
                    MOTLAB_CHECK(list.is_list(), list.describe(), ": stage '", name,
                                 "' must be a list of overrides");
                    Stage stage;
                    stage.name = name;
                    for (size_t k = 0; k < list.size(); ++k) {
                      stage.overrides.push_back(list.at(k).scalar_text());
                      for (const auto& dep : referenced_stages(stage.overrides.back())) {
                        MOTLAB_CHECK(names.count(dep), list.at(k).describe(), ": stage '", name,
                                     "' refers to {stage:", dep,
                                     "}, which is not an earlier stage");
                        stage.after.insert(dep);
                      }
                    }
                    for (size_t k = 0; !common.is_null() && k < common.size(); ++k) {
                      stage.overrides.push_back(common.at(k).scalar_text());
                      MOTLAB_CHECK(referenced_stages(stage.overrides.back()).empty(),
                                   common.at(k).describe(),
                                   ": task.common overrides cannot name a stage");
                    }
                    names.insert(name);
                    stages.push_back(stage);
                  }
                  return std::make_shared<PipelineTask>(stages, jobs, tables, plots);
                });
}  // namespace motlab
