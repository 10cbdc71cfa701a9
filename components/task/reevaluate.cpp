// Task `reevaluate`: re-encodes a finished training run's test captions with its trained text
// encoder under different inference settings (e.g. a KV-cache pruner: the KV-pruning ablation),
// against the run's saved test motion embeddings, and evaluates the protocols. Nothing is
// trained; the run's own weights and embeddings are read, never written.
//
//   task: {_target_: reevaluate, source_run: <dir>, protocols: {...}}
//   kv_pruner=<option>     the pruner the text encoder uses (configs/kv_pruner/*; null = none)

#include "framework/artifacts/run_dir.h"
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/data/npy.h"
#include "framework/eval/protocol.h"
#include "framework/io/atomic_file.h"
#include "framework/run/task.h"
#include "framework/train/checkpoint.h"
#include "framework/train/run_artifacts.h"

namespace motlab {
namespace {

struct ReevaluateSettings {
  std::string source_run;
  Config protocols;
  int64_t batch_size = 64;
};

SettingsSchema<ReevaluateSettings> reevaluate_settings() {
  using S = ReevaluateSettings;
  return SettingsSchema<S>()
      .required("source_run", &S::source_run, "a finished task=train run directory")
      .node("protocols", &S::protocols, "entry name -> protocol node (configs/protocol/*)")
      .option("batch_size", &S::batch_size, "captions per text-encoder call", above(0))
      .check([](const S& s, const auto&) {
        MOTLAB_CHECK(s.protocols.is_dict() && s.protocols.size() > 0, s.protocols.describe(),
                     ": protocols must name at least one");
      });
}

class ReevaluateTask : public Task {
 public:
  ReevaluateTask(std::string source, Config protocols, int64_t batch_size)
      : source_(std::move(source)), protocols_(std::move(protocols)), batch_size_(batch_size) {}

  void run(RunContext& run) override {
    const RunDir source_dir(source_);
    const std::string config_path = source_dir.resolved_config_file();
    const Config& source = source_dir.resolved_config("reevaluate");
    MOTLAB_CHECK(source.has("text_encoder"), config_path, ": no text_encoder node");
    Config text_node = source["text_encoder"];
    const Config& config = run.config();
    const bool has_pruner = config.has("kv_pruner") && config["kv_pruner"].is_dict();
    if (has_pruner) {
      MOTLAB_CHECK(text_node.has("kv_pruner"), config_path, ": text encoder '",
                   component_key(text_node), "' takes no kv_pruner");
      text_node = text_node.with("kv_pruner", config["kv_pruner"]);
    }
    const BuildContext ctx = run.build_context();
    std::shared_ptr<TextEncoder> text = text_encoder_family().build(text_node, ctx);
    train::load_module(source_dir.model_weights_file("text_encoder"), *text);
    text->eval();

    TestEmbeddings saved = source_dir.test_embeddings();
    eval::EvalInputs inputs = saved.eval_inputs();
    MOTLAB_CHECK(static_cast<int64_t>(inputs.captions.size()) == inputs.motion.size(0),
                 source_dir.embeddings_file("test_captions.txt"), ": ", inputs.captions.size(),
                 " captions for ", inputs.motion.size(0), " motion embeddings");
    text->reset_statistics();
    std::vector<torch::Tensor> parts;
    {
      torch::NoGradGuard no_grad;
      for (size_t begin = 0; begin < inputs.captions.size(); begin += batch_size_) {
        const size_t end =
            std::min(inputs.captions.size(), begin + static_cast<size_t>(batch_size_));
        std::vector<std::string> batch(inputs.captions.begin() + static_cast<long>(begin),
                                       inputs.captions.begin() + static_cast<long>(end));
        parts.push_back(text->encode(batch).mean.to(torch::kCPU, torch::kFloat));
        if (interrupt_requested()) MOTLAB_FAIL("reevaluate interrupted");
      }
    }
    inputs.text = torch::cat(parts);
    inputs.out_dir = run.path("eval");
    if (source.has("data")) inputs.id_list_dir = eval::id_list_dir_of(source["data"]);
    for (const auto& [key, value] : eval::run_protocols(protocols_, inputs, ctx))
      run.set_metric(key, value);
    for (const auto& [key, value] : text->statistics())
      run.set_metric("text_encoder/" + key, value);
    run.set_info("source_run", source_);
    run.set_info("kv_pruner", has_pruner ? component_key(config["kv_pruner"]) : "null");
    // The same files as a training run's, so `motlab eval <this run>` recomputes every number.
    saved.text = inputs.text;
    if (run.is_primary()) RunDir(run.dir()).save_test_embeddings(saved);
    log::info("reevaluate", "(a) t2m R@10 " + std::to_string(run.metrics().at("all/t2m/R10")));
  }

 private:
  std::string source_;
  Config protocols_;
  int64_t batch_size_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "reevaluate",
                "re-encode a trained run's test captions under other inference settings (e.g. a "
                "KV-cache pruner) and evaluate",
                reevaluate_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  const ReevaluateSettings s = reevaluate_settings().read(o);
                  return std::make_shared<ReevaluateTask>(s.source_run, s.protocols, s.batch_size);
                });

}  // namespace motlab
