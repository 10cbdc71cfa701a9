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
#include <map>
#include <set>

#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/io/atomic_file.h"
#include "framework/run/job_scheduler.h"
#include "framework/run/runner.h"
#include "framework/run/stage_reports.h"
#include "framework/run/task.h"

namespace motlab {
namespace {

struct Stage {
  std::string name;
  std::vector<std::string> overrides;  // with {stage:<name>} placeholders
  std::set<std::string> after;         // stages named by placeholders
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

std::string substitute(std::string text, const std::map<std::string, std::string>& dirs) {
  for (const auto& name : referenced_stages(text)) {
    const std::string placeholder = "{stage:" + name + "}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at))
      text.replace(at, placeholder.size(), dirs.at(name));
  }
  return text;
}

struct PipelineSettings {
  int64_t jobs = 1;
  Config stages;
  std::vector<std::string> common;
  Config tables, plots;
};

SettingsSchema<PipelineSettings> pipeline_settings() {
  using S = PipelineSettings;
  return SettingsSchema<S>()
      .option("jobs", &S::jobs, "stages run at once when independent", at_least(1))
      .required("stages", &S::stages, "stage name -> list of overrides")
      .option("common", &S::common, "overrides appended to every stage's list (they win)")
      .node("tables", &S::tables, "name -> table node (configs/table/*), written at the end")
      .node("plots", &S::plots, "name -> plot node (configs/plot/*), drawn at the end")
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.stages.is_dict() && s.stages.size() > 0, s.stages.describe(),
                     ": task.stages must map stage names to override lists");
        for (const auto& c : s.common)
          MOTLAB_CHECK(referenced_stages(c).empty(), where("common"),
                       ": task.common overrides cannot name a stage ('", c, "')");
      });
}

class PipelineTask : public Task {
 public:
  PipelineTask(std::vector<Stage> stages, int jobs, Config tables, Config plots)
      : stages_(std::move(stages)),
        jobs_(jobs),
        tables_(std::move(tables)),
        plots_(std::move(plots)) {}

  bool continues_in_place() const override { return true; }

  void run(RunContext& run) override {
    std::map<std::string, std::string> dirs;
    std::map<std::string, size_t> index;
    for (const auto& stage : stages_) {
      dirs[stage.name] = run.path("stages/" + stage.name);
      index[stage.name] = index.size();
    }
    std::vector<Job> jobs;
    for (const auto& stage : stages_) {
      Job job;
      job.name = "stage " + stage.name;
      job.number = static_cast<int>(jobs.size());
      job.dir = dirs.at(stage.name);
      for (const auto& o : stage.overrides) job.overrides.push_back(substitute(o, dirs));
      job.overrides.push_back("run.dir=" + job.dir);
      for (const auto& dependency : stage.after) job.after.push_back(index.at(dependency));
      if (run_status(job.dir) == "ok" && run_overrides(job.dir) == job.overrides) {
        job.status = "skipped";
        log::info("pipeline", job.name + " already done: " + job.dir);
      }
      jobs.push_back(job);
    }
    // The stages see exactly this run's configuration sources: its config folders and plugins.
    const JobLaunch launch = current_job_launch(run.config_dir(), run.config_name());
    auto write_summary = [&] {
      std::string summary = "stage,status,dir\n";
      for (size_t k = 0; k < jobs.size(); ++k)
        summary += stages_[k].name + "," + jobs[k].status + "," + jobs[k].dir + "\n";
      write_file_atomic(run.path("stages.csv"), summary);
    };
    run_jobs(jobs, jobs_, launch, "pipeline", write_summary);
    std::vector<std::string> failed;
    for (size_t k = 0; k < jobs.size(); ++k) {
      const bool ok = jobs[k].status == "ok" || jobs[k].status == "skipped";
      if (!ok)
        failed.push_back(stages_[k].name + " (" + jobs[k].status +
                         (jobs[k].reason.empty() ? "" : ": " + jobs[k].reason) + ")");
      run.set_metric("stage_ok/" + stages_[k].name, ok ? 1.0 : 0.0);
    }
    write_summary();
    MOTLAB_CHECK(!interrupt_requested(), "pipeline interrupted; re-run with run.dir=", run.dir(),
                 " to continue (finished stages are skipped)");
    std::string names;
    for (const auto& n : failed) names += " " + n;
    MOTLAB_CHECK(failed.empty(), "pipeline: stages not finished:", names, " (see ", run.dir(),
                 "/stages/<name>/log.txt)");
    run_stage_reports(tables_, plots_, dirs, run);
  }

 private:
  std::vector<Stage> stages_;
  int jobs_;
  Config tables_, plots_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "pipeline",
                "several runs as one experiment (stages with {stage:<name>} dependencies), then "
                "reports",
                pipeline_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  const PipelineSettings s = pipeline_settings().read(o);
                  std::vector<Stage> stages;
                  std::set<std::string> names;
                  for (const auto& [name, list] : s.stages.items()) {
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
                    for (const auto& c : s.common) stage.overrides.push_back(c);
                    names.insert(name);
                    stages.push_back(stage);
                  }
                  return std::make_shared<PipelineTask>(stages, static_cast<int>(s.jobs), s.tables,
                                                        s.plots);
                });
}  // namespace motlab
