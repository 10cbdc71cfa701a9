// Task `pretrain_distilbert`: makes a small *pretrained* DistilBERT for the built-in default, since
// no real weights can be downloaded there. Trains a SentencePiece tokenizer in KoBERT's layout
// (tokenizer_78b3253a26.model + vocab.txt) on the training captions of `data`, then a small
// DistilBERT with masked-LM (15% of tokens: 80% [MASK], 10% random, 10% kept), and writes a
// Hugging Face folder <run dir>/model that text_encoder=distilkobert loads through exactly the
// code path of monologg/distilkobert.
#include <algorithm>
#include <random>

#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/nn/hf/distilbert.h"
#include "framework/run/task.h"
#include "framework/text/tokenizer.h"
#include "framework/text/tokenizer_training.h"
#include "framework/train/caption_pretraining.h"

namespace motlab {
namespace {

struct PretrainDistilBertSettings {
  int64_t vocab_size = 2000;
  int64_t dim = 128;
  int64_t hidden_dim = 512;
  int64_t n_layers = 3;
  int64_t n_heads = 4;
  int64_t max_position_embeddings = 128;
  int64_t steps = 2500;
  int64_t batch_size = 32;
  int64_t max_tokens = 64;
  int64_t warmup_steps = 30;
  double lr = 1e-3;
  double weight_decay = 0.01;
  double mask_share = 0.15;

  // The model's config.json settings (vocabulary and padding id are set from the tokenizer).
  nn::DistilBertConfig model_config() const {
    nn::DistilBertConfig config;
    config.dim = dim;
    config.hidden_dim = hidden_dim;
    config.n_layers = n_layers;
    config.n_heads = n_heads;
    config.max_position_embeddings = max_position_embeddings;
    return config;
  }
};

SettingsSchema<PretrainDistilBertSettings> pretrain_distilbert_settings() {
  using S = PretrainDistilBertSettings;
  return SettingsSchema<S>()
      .option("vocab_size", &S::vocab_size, "SentencePiece vocabulary size")
      .option("dim", &S::dim, "model width")
      .option("hidden_dim", &S::hidden_dim, "feed-forward width")
      .option("n_layers", &S::n_layers, "encoder layers (DistilKoBERT has 3)")
      .option("n_heads", &S::n_heads, "attention heads", above(0))
      .option("max_position_embeddings", &S::max_position_embeddings, "position limit")
      .option("steps", &S::steps,
              "optimizer steps (MLM loss 6.81 -> 3.26 at 1000, 1.35 at 2500 on the default data)",
              above(0))
      .option("batch_size", &S::batch_size, "captions per step", above(0))
      .option("max_tokens", &S::max_tokens, "tokens per caption (longer are cut)")
      .option("warmup_steps", &S::warmup_steps, "linear lr warm-up steps", above(0))
      .option("lr", &S::lr, "peak AdamW learning rate")
      .option("weight_decay", &S::weight_decay, "AdamW weight decay")
      .option("mask_share", &S::mask_share, "share of tokens masked")
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.dim % s.n_heads == 0, where("n_heads"),
                     ": dim must be a multiple of n_heads");
        MOTLAB_CHECK(s.max_tokens <= s.max_position_embeddings, where("max_tokens"),
                     ": max_tokens must be <= max_position_embeddings");
      });
}

class PretrainDistilBertTask : public Task {
 public:
  explicit PretrainDistilBertTask(PretrainDistilBertSettings settings)
      : settings_(std::move(settings)) {}

  void run(RunContext& run) override {
    const std::vector<std::string> corpus =
        train::training_captions(run.config(), "pretrain_distilbert");
    const std::string out = run.path("model");

    text::SentencePieceSettings sp;
    sp.vocab_size = settings_.vocab_size;
    const int64_t vocab = text::build_kobert_style_tokenizer(corpus, out, sp);
    auto tokenizer = text::load_tokenizer(out);
    const auto special = tokenizer->special_tokens();
    MOTLAB_CHECK(special.mask && special.pad && special.cls && special.sep,
                 "pretrain_distilbert: the trained tokenizer lacks [MASK]/[PAD]/[CLS]/[SEP]");
    nn::DistilBertConfig model_config = settings_.model_config();
    model_config.vocab_size = tokenizer->vocab_size();
    model_config.pad_token_id = *special.pad;
    log::info("pretrain", "KoBERT-style SentencePiece tokenizer: " + std::to_string(vocab) +
                              " ids; " + std::to_string(corpus.size()) + " captions");

    std::vector<std::vector<int64_t>> sequences;
    for (const auto& caption : corpus) {
      std::vector<int64_t> ids = tokenizer->encode_framed(caption).ids;  // [CLS] ... [SEP]
      if (static_cast<int64_t>(ids.size()) > settings_.max_tokens) {
        const int64_t sep = ids.back();
        ids.resize(static_cast<size_t>(settings_.max_tokens));
        ids.back() = sep;
      }
      sequences.push_back(std::move(ids));
    }

    torch::manual_seed(static_cast<uint64_t>(run.seed()));
    nn::DistilBertForMaskedLm model(model_config);
    model->to(run.device());
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<int64_t> random_token(5, model_config.vocab_size - 1);
    const int64_t batch_size = settings_.batch_size;
    auto masked_token_loss = [&](const train::SequenceBatch& batch, std::mt19937_64& rng) {
      size_t longest = 0;
      for (const auto* s : batch) longest = std::max(longest, s->size());
      const int64_t length = static_cast<int64_t>(longest);
      torch::Tensor inputs = torch::full({batch_size, length}, *special.pad, torch::kLong);
      torch::Tensor mask = torch::zeros({batch_size, length}, torch::kLong);
      torch::Tensor targets = torch::full({batch_size, length}, -100, torch::kLong);
      auto in = inputs.accessor<int64_t, 2>();
      auto am = mask.accessor<int64_t, 2>();
      auto tg = targets.accessor<int64_t, 2>();
      for (int64_t b = 0; b < batch_size; ++b) {
        const auto& s = *batch[static_cast<size_t>(b)];
        bool any = false;
        for (size_t t = 0; t < s.size(); ++t) {
          in[b][t] = s[t];
          am[b][t] = 1;
          const bool frame_token = t == 0 || t + 1 == s.size();  // [CLS], [SEP]
          // Always mask at least one token per sequence (the last body token as a fallback).
          const bool chosen =
              !frame_token && (unit(rng) < settings_.mask_share || (!any && t + 2 == s.size()));
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
      torch::Tensor hidden = model->forward(inputs.to(run.device()), mask.to(run.device()));
      // The MLM head only on the ~15% masked positions (the others carry no loss): the same loss
      // as over every token with ignore_index, without the vocabulary projection of the rest.
      torch::Tensor flat_targets = targets.to(run.device()).reshape({-1});
      torch::Tensor chosen = flat_targets.ne(-100).nonzero().squeeze(1);  // [M]
      torch::Tensor logits =
          model->mlm_logits(hidden.reshape({-1, hidden.size(-1)}).index_select(0, chosen));
      return torch::nn::functional::cross_entropy(logits, flat_targets.index_select(0, chosen));
    };
    train::CaptionPretrainingSettings loop;
    loop.task = "pretrain_distilbert";
    loop.loss = "mlm";
    loop.steps = settings_.steps;
    loop.batch_size = settings_.batch_size;
    loop.warmup_steps = settings_.warmup_steps;
    loop.lr = settings_.lr;
    loop.weight_decay = settings_.weight_decay;
    const train::CaptionPretrainingResult result = train::pretrain_on_sequences(
        *model, sequences, loop, run.seed(), masked_token_loss,
        [&run](const std::map<std::string, double>& row) { run.append_csv_row(row); });

    train::write_hf_model(out, model->hf_state(), model_config.to_json());
    log::info("pretrain", "MLM loss " + std::to_string(result.first_loss) + " -> " +
                              std::to_string(result.last_loss) + "; wrote " + out);
    run.set_metric("pretrain/mlm_loss_first", result.first_loss);
    run.set_metric("pretrain/mlm_loss_last20", result.last_loss);
    run.set_metric("pretrain/vocab_size", static_cast<double>(model_config.vocab_size));
    run.set_metric("pretrain/parameters", static_cast<double>(result.parameters));
    run.set_info("model_dir", out);
  }

 private:
  PretrainDistilBertSettings settings_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "pretrain_distilbert",
                "train a small DistilBERT (masked LM, KoBERT-style SentencePiece tokenizer) on "
                "the data's captions; writes an HF folder <run>/model",
                pretrain_distilbert_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  return std::make_shared<PretrainDistilBertTask>(
                      pretrain_distilbert_settings().read(o));
                });

}  // namespace motlab
