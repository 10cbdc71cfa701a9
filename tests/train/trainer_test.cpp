// Trainer: checkpoint round trip (weights, AdamW state, RNG), epochs/checkpoints/rows, and a run
// interrupted mid-epoch then resumed reproducing the uninterrupted run exactly.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "framework/config/config.h"
#include "framework/core/progress.h"
#include "framework/data/dataset.h"
#include "framework/model/interfaces.h"
#include "framework/train/checkpoint.h"
#include "framework/train/trainer.h"
#include "tests/support/paths.h"
#include "tests/support/retrieval_dataset.h"

namespace {

using motlab::Config;

TEST(Checkpoint, RoundTripsWeightsOptimizerAndRng) {
  const std::string dir = motlab::test::temp_dir("checkpoint_roundtrip");
  torch::manual_seed(3);
  auto model = std::make_shared<torch::nn::LinearImpl>(4, 3);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(0.1));
  auto step = [&] {
    optimizer.zero_grad();
    model->forward(torch::ones({2, 4})).pow(2).sum().backward();
    optimizer.step();
  };
  step();
  motlab::train::Checkpoint c;
  c.modules = {{"model", model}};
  c.optimizer = &optimizer;
  c.state_json = "{\"epoch\": 3}";
  motlab::train::save_checkpoint(dir + "/c.pt", c);
  EXPECT_FALSE(std::filesystem::exists(dir + "/c.pt.tmp"));
  const torch::Tensor next_random = torch::rand({5});
  step();  // continue the original: one more update
  const torch::Tensor expected_weight = model->weight.detach().clone();

  // Scramble everything, reload, repeat the same update: identical weights and random stream.
  {
    torch::NoGradGuard g;
    model->weight.normal_();
    model->bias.zero_();
  }
  torch::rand({17});
  EXPECT_EQ(motlab::train::load_checkpoint(dir + "/c.pt", c), "{\"epoch\": 3}");
  EXPECT_TRUE(torch::equal(torch::rand({5}), next_random));
  step();
  EXPECT_TRUE(torch::equal(model->weight.detach(), expected_weight));  // needs Adam's moments too

  EXPECT_THROW(motlab::train::load_checkpoint(dir + "/absent.pt", c), motlab::Error);
  auto other = std::make_shared<torch::nn::LinearImpl>(5, 3);
  motlab::train::Checkpoint wrong;
  wrong.modules = {{"model", other}};
  wrong.with_rng = false;
  EXPECT_THROW(motlab::train::load_checkpoint(dir + "/c.pt", wrong), motlab::Error);
}

// A loss that raises SIGINT (as a user's Ctrl-C) after a number of calls.
class InterruptingLoss : public motlab::Loss {
 public:
  InterruptingLoss(std::shared_ptr<motlab::Loss> inner, int after) : inner_(inner), after_(after) {
    register_module("inner", inner_);
  }
  motlab::LossOutput compute(const motlab::LossInputs& in) override {
    if (++calls_ == after_) std::raise(SIGINT);
    return inner_->compute(in);
  }

 private:
  std::shared_ptr<motlab::Loss> inner_;
  int after_, calls_ = 0;
};

struct Fixture {
  std::string root;
  std::unique_ptr<motlab::data::MotionTextDataset> train, val;
  Fixture() {
    root = motlab::test::temp_dir("trainer_data");
    motlab::test::RetrievalDatasetSizes sizes;
    sizes.train = 40;
    sizes.val = 16;
    sizes.test = 8;
    motlab::test::write_retrieval_dataset(root, sizes);
    motlab::data::DatasetSettings o;
    o.layout.root = root;
    o.layout.text_dir = "texts_ko";
    o.split = "train";
    o.sample_caption = true;
    train = std::make_unique<motlab::data::MotionTextDataset>(o);
    o.split = "val";
    o.sample_caption = false;
    val = std::make_unique<motlab::data::MotionTextDataset>(o);
  }
};

motlab::train::RetrievalModel small_model(int interrupt_after = 0) {
  torch::manual_seed(11);
  motlab::BuildContext ctx;
  motlab::train::RetrievalModel m;
  m.motion = motlab::motion_encoder_family().build(
      Config::from_yaml_string("{_target_: tmr, latent_dim: 16, ff_size: 32, num_layers: 1, "
                               "num_heads: 2}"),
      ctx);
  m.text = motlab::text_encoder_family().build(
      Config::from_yaml_string("{_target_: char_actor, buckets: 256, char_dim: 8, latent_dim: 16, "
                               "ff_size: 32, num_layers: 1, num_heads: 2}"),
      ctx);
  m.loss = motlab::loss_family().build(
      Config::from_yaml_string("{_target_: tmr, latent_dim: 16, ff_size: 32, num_layers: 1, "
                               "num_heads: 2, threshold: 0.8}"),
      ctx);
  // Always wrapped (0 = never interrupts) so checkpoints of both runs name the same modules.
  m.loss = std::make_shared<InterruptingLoss>(m.loss, interrupt_after);
  m.similarity =
      motlab::text_similarity_family().build(Config::from_yaml_string("{_target_: tfidf}"), ctx);
  return m;
}

motlab::train::TrainerSettings small_options(const std::string& dir) {
  motlab::train::TrainerSettings o;
  o.epochs = 2;
  o.batch_size = 8;  // 5 batches per epoch
  o.lr = 1e-3;
  o.schedule = "cosine";
  o.warmup_steps = 2;
  o.grad_clip = 1.0;
  o.accumulate = 1;
  o.dir = dir;
  return o;
}

using Rows = std::vector<std::map<std::string, double>>;

Rows without_timing(Rows rows) {
  for (auto& row : rows) row.erase("data_wait_ms_per_step");
  return rows;
}

TEST(Trainer, TrainsWritesCheckpointsAndRows) {
  Fixture f;
  const std::string dir = motlab::test::temp_dir("trainer_basic");
  Rows rows;
  motlab::train::Trainer trainer(small_options(dir), small_model(), *f.train, *f.val, torch::kCPU,
                                 5, [&](const auto& row) { rows.push_back(row); });
  auto result = trainer.fit();
  EXPECT_EQ(result.epochs_completed, 2);
  EXPECT_EQ(result.optimizer_steps, 10);
  EXPECT_FALSE(result.interrupted);
  ASSERT_EQ(rows.size(), 2u);
  for (const char* key : {"epoch", "step", "lr", "train/loss", "train/recons", "train/contrastive",
                          "val/t2m/R10", "val/m2t/R01", "val/rsum", "data_wait_ms_per_step"})
    EXPECT_TRUE(rows[0].count(key)) << key;
  EXPECT_EQ(rows[1].at("step"), 10);
  EXPECT_TRUE(std::filesystem::exists(trainer.last_checkpoint()));
  EXPECT_TRUE(std::filesystem::exists(trainer.best_checkpoint()));
  EXPECT_GE(result.best_epoch, 1);
}

TEST(Trainer, ResumeAfterMidEpochInterruptEqualsUninterruptedRun) {
  Fixture f;
  Rows reference, resumed;
  {
    motlab::train::Trainer trainer(small_options(motlab::test::temp_dir("trainer_ref")),
                                   small_model(), *f.train, *f.val, torch::kCPU, 5,
                                   [&](const auto& row) { reference.push_back(row); });
    ASSERT_FALSE(trainer.fit().interrupted);
  }
  const std::string dir = motlab::test::temp_dir("trainer_interrupted");
  motlab::install_interrupt_handler();
  {
    Rows ignored;
    // Interrupted during epoch 2 (7th batch): the loop finishes that step, saves and returns.
    motlab::train::Trainer trainer(small_options(dir), small_model(7), *f.train, *f.val,
                                   torch::kCPU, 5,
                                   [&](const auto& row) { ignored.push_back(row); });
    auto result = trainer.fit();
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.optimizer_steps, 7);
    EXPECT_EQ(ignored.size(), 1u);
  }
  motlab::clear_interrupt();
  torch::rand({3});  // a different process state must not matter: the checkpoint restores it
  auto options = small_options(dir);
  options.resume = true;
  motlab::train::Trainer trainer(options, small_model(), *f.train, *f.val, torch::kCPU, 5,
                                 [&](const auto& row) { resumed.push_back(row); });
  auto result = trainer.fit();
  EXPECT_FALSE(result.interrupted);
  EXPECT_EQ(result.optimizer_steps, 10);
  EXPECT_EQ(without_timing(resumed), without_timing(reference));  // exact equality
}

TEST(Trainer, ReadsOptionsAndRejectsBadOnes) {
  auto o = motlab::train::read_trainer_settings(Config::from_yaml_string(
      "{epochs: 3, lr: 0.01, schedule: cosine, warmup_steps: 5, grad_clip: 1.0, accumulate: 2}"));
  EXPECT_EQ(o.epochs, 3);
  EXPECT_EQ(o.schedule, "cosine");
  EXPECT_EQ(o.accumulate, 2);
  EXPECT_THROW(motlab::train::read_trainer_settings(Config::from_yaml_string("{epoch: 3}")),
               motlab::Error);
  EXPECT_THROW(motlab::train::read_trainer_settings(Config::from_yaml_string("{schedule: step}")),
               motlab::Error);
  EXPECT_THROW(motlab::train::read_trainer_settings(Config::from_yaml_string("{accumulate: 0}")),
               motlab::Error);
}

}  // namespace
