// Task `train`: builds the data splits, text encoder, motion encoder, loss and (optional) caption
// similarity from the config, trains them (framework/train/trainer.h), keeps the best epoch's
// weights and reports validation and test retrieval metrics. Run-directory layout:
// framework/train/run_artifacts.h.
#include <filesystem>

#include "framework/artifacts/run_dir.h"
#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/data/data_config.h"
#include "framework/data/dataset.h"
#include "framework/data/npy.h"
#include "framework/dist/dist.h"
#include "framework/eval/caption_similarity.h"
#include "framework/eval/protocol.h"
#include "framework/io/atomic_file.h"
#include "framework/run/task.h"
#include "framework/train/checkpoint.h"
#include "framework/train/run_artifacts.h"
#include "framework/train/trainer.h"

namespace motlab {
namespace {

struct TrainTaskSettings {
  bool resume = false;
  bool save_embeddings = true;
  Config protocols;
};

SettingsSchema<TrainTaskSettings> train_task_settings() {
  using S = TrainTaskSettings;
  return SettingsSchema<S>()
      .option("resume", &S::resume,
              "continue an interrupted run in run.dir from its last checkpoint")
      .option("save_embeddings", &S::save_embeddings,
              "keep embeddings/test_*.npy (+ caption similarity) for `motlab eval`")
      .node("protocols", &S::protocols,
            "entry name -> protocol node (configs/protocol/*); metrics are <name>/<key>")
      .check([](const S& s, const auto&) {
        MOTLAB_CHECK(s.protocols.is_null() || s.protocols.is_dict(), s.protocols.describe(),
                     ": task.protocols must map names to protocol nodes");
      });
}

class TrainTask : public Task {
 public:
  TrainTask(bool resume, bool save_embeddings, Config protocols)
      : resume_(resume), save_embeddings_(save_embeddings), protocols_(std::move(protocols)) {}

  void run(RunContext& run) override {
    const Config& config = run.config();
    MOTLAB_CHECK(config.has("data"), "task 'train' needs a `data` node (data=<option>)");
    MOTLAB_CHECK(config.has("trainer"), "task 'train' needs a `trainer` node (trainer=<option>)");
    // Rank 0 prepares what lands in shared caches (data, encoders' features) before the others.
    data::DataSettings settings;
    dist::primary_first([&] { settings = data::prepare_data(config["data"]); });
    data::MotionTextDataset train(data::split_options(settings, settings.train_split, true));
    data::MotionTextDataset val(data::split_options(settings, settings.val_split, false));
    data::MotionTextDataset test(data::split_options(settings, settings.test_split, false));
    log::info("train", "pairs: train " + std::to_string(train.size()) + ", val " +
                           std::to_string(val.size()) + ", test " + std::to_string(test.size()));

    const BuildContext ctx = run.build_context();
    train::RetrievalModel model = train::build_retrieval_model(config, ctx, "train");
    std::vector<std::string> captions = train.all_captions();
    for (const auto* split : {&val, &test})
      for (const auto& c : split->all_captions()) captions.push_back(c);
    dist::primary_first([&] {
      model.text->prepare(captions);
      if (model.similarity) model.similarity->prepare(captions);
    });

    train::TrainerSettings options = train::read_trainer_settings(config["trainer"]);
    options.dir = run.dir();
    options.resume = resume_;
    train::Trainer trainer(
        options, model, train, val, run.device(), run.seed(),
        [&run](const std::map<std::string, double>& row) { run.append_csv_row(row); });
    train::TrainResult result = trainer.fit();
    if (!run.is_primary()) return;  // rank 0 alone evaluates on the test set and writes results
    run.set_metric("train/data_wait_ms_per_step", 1000.0 * result.data_wait_s_per_step);
    run.set_metric("train/ms_per_step", 1000.0 * result.seconds_per_step);
    if (dist::active())
      run.set_metric("train/communication_ms_per_step", 1000.0 * result.communication_s_per_step);
    if (result.interrupted) return;  // the runner records the interruption; resume=true continues

    train::load_model_weights(trainer.best_checkpoint(), model);
    for (const auto& [name, module] : model.modules())
      train::save_module(RunDir(run.dir()).model_weights_file(name), *module);
    run.set_metric("best_epoch", static_cast<double>(result.best_epoch));
    run.set_metric("epochs", static_cast<double>(result.epochs_completed));
    run.set_metric("early_stopped", result.early_stopped ? 1.0 : 0.0);
    for (const auto& [key, value] : result.best_metrics)
      if (key.rfind("val/", 0) == 0) run.set_metric(key, value);
    train::EncodedSet encoded =
        train::encode_dataset(model, test, options.eval_batch_size, run.device());
    evaluate_test_set(run, model, encoded);
    log::info("train", "test (a) t2m R@10 " + std::to_string(run.metrics().at("all/t2m/R10")) +
                           " (chance " + std::to_string(run.metrics().at("test/chance_R10")) + ")");
  }

  bool data_parallel() const override { return true; }

  void check_resume(const RunContext& run) const override {
    train::check_checkpoint(RunDir(run.dir()).checkpoint_file("last"));
  }

  // The evaluation protocols (paper (a)-(e)) on the test embeddings; the embeddings and caption
  // similarity are kept so `motlab eval <run dir>` can recompute every number.
  void evaluate_test_set(RunContext& run, train::RetrievalModel& model,
                         const train::EncodedSet& encoded) {
    eval::EvalInputs inputs;
    inputs.text = encoded.text;
    inputs.motion = encoded.motion;
    inputs.ids = encoded.ids;
    inputs.captions = encoded.captions;
    inputs.frames = encoded.frames;
    const BuildContext ctx = run.build_context();
    if (model.similarity)
      inputs.caption_similarity =
          eval::pairwise_caption_similarity(*model.similarity, encoded.captions, ctx.cache_dir)
              .matrix;
    inputs.id_list_dir = eval::id_list_dir_of(run.config()["data"]);
    inputs.out_dir = run.path("eval");
    for (const auto& [key, value] : eval::run_protocols(protocols_, inputs, ctx))
      run.set_metric(key, value);
    const double n = static_cast<double>(encoded.ids.size());
    run.set_metric("test/chance_R10", 100.0 * std::min(10.0, n) / n);
    if (save_embeddings_ && run.is_primary())
      RunDir(run.dir()).save_test_embeddings({encoded.text, encoded.motion, encoded.ids,
                                              encoded.captions, encoded.frames,
                                              inputs.caption_similarity});
  }

 private:
  bool resume_, save_embeddings_;
  Config protocols_;  // name -> protocol node (configs/protocol/*.yaml)
};

}  // namespace

MOTLAB_REGISTER(task_family, "train",
                "train a text-motion retrieval method (encoders + loss) and evaluate it",
                train_task_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  const TrainTaskSettings s = train_task_settings().read(o);
                  return std::make_shared<TrainTask>(s.resume, s.save_embeddings, s.protocols);
                });
}  // namespace motlab
