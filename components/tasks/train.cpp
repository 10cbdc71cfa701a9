// Task `train`: builds the data splits, text encoder, motion encoder, loss and (optional) caption
// similarity from the config, trains them (framework/train/trainer.h), keeps the best epoch's
// weights and reports validation and test retrieval metrics. Run-directory layout:
// framework/train/run_artifacts.h.
#include <filesystem>

#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/data/dataset.h"
#include "framework/data/npy.h"
#include "framework/io/atomic_file.h"
#include "framework/run/task.h"
#include "framework/train/checkpoint.h"
#include "framework/train/run_artifacts.h"
#include "framework/train/trainer.h"

namespace motlab {
namespace {

struct DataSettings {
  data::DatasetOptions base;
  std::string train_split, val_split, test_split;
};

DataSettings data_settings(const Config& node) {
  Options o(node, "data");
  DataSettings s;
  humanml3d::Layout& layout = s.base.layout;
  layout.root = o.required<std::string>("root");
  layout.motion_dir = o.get<std::string>("motion_dir", layout.motion_dir);
  layout.joints_dir = o.get<std::string>("joints_dir", layout.joints_dir);
  layout.text_dir = o.get<std::string>("text_dir", layout.text_dir);
  layout.split_dir = o.get<std::string>("split_dir", layout.split_dir);
  layout.fps = o.get<double>("fps", layout.fps);
  layout.nfeats = o.get<int64_t>("nfeats", layout.nfeats);
  s.base.min_frames = o.get<int64_t>("min_frames", s.base.min_frames);
  s.base.max_frames = o.get<int64_t>("max_frames", s.base.max_frames);
  s.base.normalize = o.get<bool>("normalize", s.base.normalize);
  s.train_split = o.get<std::string>("train_split", "train");
  s.val_split = o.get<std::string>("val_split", "val");
  s.test_split = o.get<std::string>("test_split", "test");
  o.finish();
  MOTLAB_CHECK(std::filesystem::is_directory(layout.root), node["root"].describe(),
               ": data folder '", layout.root, "' does not exist");
  return s;
}

data::MotionTextDataset open_split(const DataSettings& s, const std::string& split, bool training) {
  data::DatasetOptions options = s.base;
  options.split = split;
  options.sample_caption = training;
  return data::MotionTextDataset(options);
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  write_file_atomic(path, text);
}

class TrainTask : public Task {
 public:
  TrainTask(bool resume, bool save_embeddings)
      : resume_(resume), save_embeddings_(save_embeddings) {}

  void run(RunContext& run) override {
    const Config& config = run.config();
    MOTLAB_CHECK(config.has("data"), "task 'train' needs a `data` node (data=<option>)");
    MOTLAB_CHECK(config.has("trainer"), "task 'train' needs a `trainer` node (trainer=<option>)");
    for (const char* group : {"text_encoder", "motion_encoder", "loss"})
      MOTLAB_CHECK(config.has(group) && !config[group].is_null(), "task 'train' needs ", group,
                   "=<option> (or a method=<option> that selects it)");
    const DataSettings settings = data_settings(config["data"]);
    data::MotionTextDataset train = open_split(settings, settings.train_split, true);
    data::MotionTextDataset val = open_split(settings, settings.val_split, false);
    data::MotionTextDataset test = open_split(settings, settings.test_split, false);
    log::info("train", "pairs: train " + std::to_string(train.size()) + ", val " +
                           std::to_string(val.size()) + ", test " + std::to_string(test.size()));

    const BuildContext ctx = run.build_context();
    train::RetrievalModel model;
    model.text = make_text_encoder(config["text_encoder"], ctx);
    model.motion = make_motion_encoder(config["motion_encoder"], ctx);
    model.loss = make_loss(config["loss"], ctx);
    if (config.has("text_similarity") && !config["text_similarity"].is_null())
      model.similarity = make_text_similarity(config["text_similarity"], ctx);
    std::vector<std::string> captions = train.all_captions();
    for (const auto* split : {&val, &test})
      for (const auto& c : split->all_captions()) captions.push_back(c);
    model.text->prepare(captions);

    train::TrainerOptions options = train::trainer_options_from(config["trainer"]);
    options.dir = run.dir();
    options.resume = resume_;
    train::Trainer trainer(
        options, model, train, val, run.device(), run.seed(),
        [&run](const std::map<std::string, double>& row) { run.append_csv_row(row); });
    train::TrainResult result = trainer.fit();
    run.set_metric("train/data_wait_ms_per_step", 1000.0 * result.data_wait_s_per_step);
    run.set_metric("train/ms_per_step", 1000.0 * result.seconds_per_step);
    if (result.interrupted) return;  // the runner records the interruption; resume=true continues

    train::load_model_weights(trainer.best_checkpoint(), model);
    for (const auto& [name, module] : model.modules())
      train::save_module(train::model_weights_path(run.dir(), name), *module);
    run.set_metric("best_epoch", static_cast<double>(result.best_epoch));
    run.set_metric("epochs", static_cast<double>(result.epochs_completed));
    run.set_metric("early_stopped", result.early_stopped ? 1.0 : 0.0);
    for (const auto& [key, value] : result.best_metrics)
      if (key.rfind("val/", 0) == 0) run.set_metric(key, value);
    train::EncodedSet encoded =
        train::encode_dataset(model, test, options.eval_batch_size, run.device());
    for (const auto& [key, value] : train::retrieval_scores(encoded, "test/"))
      run.set_metric(key, value);
    run.set_metric("test/chance_R10", 100.0 * std::min<double>(10, test.size()) / test.size());
    if (save_embeddings_) {
      npy::save(run.path("embeddings/test_text.npy"), encoded.text);
      npy::save(run.path("embeddings/test_motion.npy"), encoded.motion);
      write_lines(run.path("embeddings/test_ids.txt"), encoded.ids);
      write_lines(run.path("embeddings/test_captions.txt"), encoded.captions);
    }
    log::info("train", "test t2m R@10 " + std::to_string(run.metrics().at("test/t2m/R10")) +
                           " (chance " + std::to_string(run.metrics().at("test/chance_R10")) + ")");
  }

 private:
  bool resume_, save_embeddings_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "train",
                "train a text-motion retrieval method (encoders + loss) and evaluate it",
                [](const Config& node) -> std::shared_ptr<Task> {
                  Options options(node, "task 'train'");
                  const bool resume = options.get<bool>("resume", false);
                  const bool save_embeddings = options.get<bool>("save_embeddings", true);
                  options.finish();
                  return std::make_shared<TrainTask>(resume, save_embeddings);
                });
}  // namespace motlab
