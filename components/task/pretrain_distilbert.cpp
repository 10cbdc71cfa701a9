// Task `pretrain_distilbert`: makes a small *pretrained* DistilBERT for the built-in default, since
// no real weights can be downloaded there. Trains a SentencePiece tokenizer in KoBERT's layout
// (tokenizer_78b3253a26.model + vocab.txt) on the training captions of `data`, then a small
// DistilBERT with masked-LM (15% of tokens: 80% [MASK], 10% random, 10% kept), and writes a
// Hugging Face folder <run dir>/model that text_encoder=distilkobert loads through exactly the
// code path of monologg/distilkobert.
#include <algorithm>
#include <random>

#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/data/data_config.h"
#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"
#include "framework/nn/hf/distilbert.h"
#include "framework/run/task.h"
#include "framework/text/tokenizer.h"
#include "framework/text/tokenizer_training.h"

namespace motlab {
namespace {

struct MlmOptions {
  int64_t vocab_size;
  nn::DistilBertConfig model;
  int64_t steps, batch_size, max_tokens, warmup_steps;
  double lr, weight_decay, mask_share;
};

class PretrainDistilBertTask : public Task {
 public:
  explicit PretrainDistilBertTask(MlmOptions options) : options_(std::move(options)) {}

  void run(RunContext& run) override {
    const Config& config = run.config();
    MOTLAB_CHECK(config.has("data") && config["data"].is_dict(),
                 "task 'pretrain_distilbert' needs a `data` node (data=<option>)");
    const data::DataSettings settings = data::prepare_data(config["data"]);
    data::MotionTextDataset train(data::split_options(settings, settings.train_split, false));
    const std::vector<std::string> corpus = train.all_captions();
    MOTLAB_CHECK(!corpus.empty(), "task 'pretrain_distilbert': the training split has no caption");
    const std::string out = run.path("model");

    text::SentencePieceOptions sp;
    sp.vocab_size = options_.vocab_size;
    const int64_t vocab = text::build_kobert_style_tokenizer(corpus, out, sp);
    auto tokenizer = text::load_tokenizer(out);
    const auto special = tokenizer->special_tokens();
    MOTLAB_CHECK(special.mask && special.pad && special.cls && special.sep,
                 "pretrain_distilbert: the trained tokenizer lacks [MASK]/[PAD]/[CLS]/[SEP]");
    nn::DistilBertConfig model_config = options_.model;
    model_config.vocab_size = tokenizer->vocab_size();
    model_config.pad_token_id = *special.pad;
    log::info("pretrain", "KoBERT-style SentencePiece tokenizer: " + std::to_string(vocab) +
                              " ids; " + std::to_string(corpus.size()) + " captions");

    std::vector<std::vector<int64_t>> sequences;
    for (const auto& caption : corpus) {
      std::vector<int64_t> ids = tokenizer->encode_framed(caption).ids;  // [CLS] ... [SEP]
      if (static_cast<int64_t>(ids.size()) > options_.max_tokens) {
        const int64_t sep = ids.back();
        ids.resize(static_cast<size_t>(options_.max_tokens));
        ids.back() = sep;
      }
      sequences.push_back(std::move(ids));
    }

    torch::manual_seed(static_cast<uint64_t>(run.seed()));
    nn::DistilBertForMaskedLm model(model_config);
    model->to(run.device());
    torch::optim::AdamW optimizer(
        model->parameters(),
        torch::optim::AdamWOptions(options_.lr).weight_decay(options_.weight_decay));
    std::mt19937_64 rng(derive_seed(run.seed(), "pretrain_distilbert/batches"));
    std::uniform_int_distribution<size_t> pick(0, sequences.size() - 1);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<int64_t> random_token(5, model_config.vocab_size - 1);
    Progress progress("pretrain distilbert", options_.steps, "step");
    double first_loss = 0, recent_loss = 0;
    int64_t recent = 0;
    model->train();
    for (int64_t step = 0; step < options_.steps; ++step) {
      if (interrupt_requested()) MOTLAB_FAIL("pretrain_distilbert interrupted");
      std::vector<const std::vector<int64_t>*> batch;
      size_t longest = 0;
      for (int64_t b = 0; b < options_.batch_size; ++b) {
        batch.push_back(&sequences[pick(rng)]);
        longest = std::max(longest, batch.back()->size());
      }
      const int64_t length = static_cast<int64_t>(longest);
      torch::Tensor inputs = torch::full({options_.batch_size, length}, *special.pad, torch::kLong);
      torch::Tensor mask = torch::zeros({options_.batch_size, length}, torch::kLong);
      torch::Tensor targets = torch::full({options_.batch_size, length}, -100, torch::kLong);
      auto in = inputs.accessor<int64_t, 2>();
      auto am = mask.accessor<int64_t, 2>();
      auto tg = targets.accessor<int64_t, 2>();
      for (int64_t b = 0; b < options_.batch_size; ++b) {
        const auto& s = *batch[static_cast<size_t>(b)];
        bool any = false;
        for (size_t t = 0; t < s.size(); ++t) {
          in[b][t] = s[t];
          am[b][t] = 1;
          const bool frame_token = t == 0 || t + 1 == s.size();  // [CLS], [SEP]
          // Always mask at least one token per sequence (the last body token as a fallback).
          const bool chosen =
              !frame_token && (unit(rng) < options_.mask_share || (!any && t + 2 == s.size()));
          if (!chosen) continue;
          any = true;
          tg[b][t] = s[t];
          const double roll = unit(rng);
          if (roll < 0.8)
            in[b][t] = *special.mask;
          else if (roll < 0.9)
            in[b][t] = random_token(rng);
        }
      }
      const double warm = std::min(1.0, static_cast<double>(step + 1) / options_.warmup_steps);
      const double cosine = 0.5 * (1 + std::cos(M_PI * static_cast<double>(step) / options_.steps));
      for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(options_.lr * warm * cosine);
      torch::Tensor hidden = model->forward(inputs.to(run.device()), mask.to(run.device()));
      // The MLM head only on the ~15% masked positions (the others carry no loss): the same loss
      // as over every token with ignore_index, without the vocabulary projection of the rest.
      torch::Tensor flat_targets = targets.to(run.device()).reshape({-1});
      torch::Tensor chosen = flat_targets.ne(-100).nonzero().squeeze(1);  // [M]
      torch::Tensor logits =
          model->mlm_logits(hidden.reshape({-1, hidden.size(-1)}).index_select(0, chosen));
      torch::Tensor loss =
          torch::nn::functional::cross_entropy(logits, flat_targets.index_select(0, chosen));
      optimizer.zero_grad();
      loss.backward();
      torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
      optimizer.step();
      const double value = loss.item<double>();
      if (step == 0) first_loss = value;
      if (step >= options_.steps - 20) {
        recent_loss += value;
        ++recent;
      }
      progress.update(1, {{"loss", value}});
      if (step % 50 == 0 || step + 1 == options_.steps)
        run.append_csv_row({{"step", static_cast<double>(step + 1)}, {"train/mlm_loss", value}});
    }
    progress.finish();
    model->eval();
    io::save_safetensors(out + "/model.safetensors", model->hf_state());
    io::HfConfig::from_json(model_config.to_json(), out + "/config.json")
        .save(out + "/config.json");
    const double last = recent ? recent_loss / recent : first_loss;
    log::info("pretrain", "MLM loss " + std::to_string(first_loss) + " -> " + std::to_string(last) +
                              "; wrote " + out);
    run.set_metric("pretrain/mlm_loss_first", first_loss);
    run.set_metric("pretrain/mlm_loss_last20", last);
    run.set_metric("pretrain/vocab_size", static_cast<double>(model_config.vocab_size));
    int64_t parameters = 0;
    for (const auto& p : model->parameters()) parameters += p.numel();
    run.set_metric("pretrain/parameters", static_cast<double>(parameters));
    run.set_info("model_dir", out);
  }

 private:
  MlmOptions options_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "pretrain_distilbert",
                "train a small DistilBERT (masked LM, KoBERT-style SentencePiece tokenizer) on "
                "the data's captions; writes an HF folder <run>/model",
                OptionSchema()
                    .option<int64_t>("vocab_size", 2000, "SentencePiece vocabulary size")
                    .option<int64_t>("dim", 128, "model width")
                    .option<int64_t>("hidden_dim", 512, "feed-forward width")
                    .option<int64_t>("n_layers", 3, "encoder layers (DistilKoBERT has 3)")
                    .option<int64_t>("n_heads", 4, "attention heads")
                    .option<int64_t>("max_position_embeddings", 128, "position limit")
                    .option<int64_t>("steps", 2500,
                                     "optimizer steps (MLM loss 6.81 -> 3.26 at 1000, 1.35 at "
                                     "2500 on the default data)")
                    .option<int64_t>("batch_size", 32, "captions per step")
                    .option<int64_t>("max_tokens", 64, "tokens per caption (longer are cut)")
                    .option<int64_t>("warmup_steps", 30, "linear lr warm-up steps")
                    .option<double>("lr", 1e-3, "peak AdamW learning rate")
                    .option<double>("weight_decay", 0.01, "AdamW weight decay")
                    .option<double>("mask_share", 0.15, "share of tokens masked"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  MlmOptions p;
                  p.vocab_size = o.get<int64_t>("vocab_size");
                  p.model.dim = o.get<int64_t>("dim");
                  p.model.hidden_dim = o.get<int64_t>("hidden_dim");
                  p.model.n_layers = o.get<int64_t>("n_layers");
                  p.model.n_heads = o.get<int64_t>("n_heads");
                  p.model.max_position_embeddings = o.get<int64_t>("max_position_embeddings");
                  p.steps = o.get<int64_t>("steps");
                  p.batch_size = o.get<int64_t>("batch_size");
                  p.max_tokens = o.get<int64_t>("max_tokens");
                  p.warmup_steps = o.get<int64_t>("warmup_steps");
                  p.lr = o.get<double>("lr");
                  p.weight_decay = o.get<double>("weight_decay");
                  p.mask_share = o.get<double>("mask_share");
                  MOTLAB_CHECK(p.model.n_heads > 0 && p.model.dim % p.model.n_heads == 0,
                               o.describe("n_heads"), ": dim must be a multiple of n_heads");
                  MOTLAB_CHECK(p.max_tokens <= p.model.max_position_embeddings,
                               o.describe("max_tokens"),
                               ": max_tokens must be <= max_position_embeddings");
                  MOTLAB_CHECK(p.steps > 0 && p.batch_size > 0 && p.warmup_steps > 0, o.component(),
                               ": steps, batch_size, warmup_steps must be > 0");
                  return std::make_shared<PretrainDistilBertTask>(p);
                });

}  // namespace motlab
