// Task `pretrain_qwen2`: makes a small *pretrained* Qwen2 for the built-in default, since no real
// weights can be downloaded there. Trains a byte-level BPE tokenizer on the training captions of
// `data`, then a small Qwen2 causal LM on them (next-token prediction, [EOS] after every caption),
// and writes a Hugging Face folder <run dir>/model (config.json, model.safetensors, tokenizer.json,
// tokenizer_config.json) that text_encoder=qwen2_lora loads through exactly the code path of
// Qwen/Qwen2-1.5B.
#include <algorithm>
#include <random>

#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/nn/hf/qwen2.h"
#include "framework/run/task.h"
#include "framework/text/tokenizer.h"
#include "framework/text/tokenizer_training.h"
#include "framework/train/caption_pretraining.h"

namespace motlab {
namespace {

struct PretrainQwen2Settings {
  int64_t vocab_size = 2000;
  int64_t hidden_size = 128;
  int64_t intermediate_size = 384;
  int64_t num_hidden_layers = 4;
  int64_t num_attention_heads = 4;
  int64_t num_key_value_heads = 2;
  double rope_theta = 1e6;
  int64_t max_position_embeddings = 4096;
  bool tie_word_embeddings = true;
  int64_t steps = 300;
  int64_t batch_size = 32;
  int64_t max_tokens = 64;
  int64_t warmup_steps = 30;
  double lr = 3e-3;
  double weight_decay = 0.01;

  // The model's config.json settings (vocabulary and special ids are set from the tokenizer).
  nn::Qwen2Config model_config() const {
    nn::Qwen2Config config;
    config.hidden_size = hidden_size;
    config.intermediate_size = intermediate_size;
    config.num_hidden_layers = num_hidden_layers;
    config.num_attention_heads = num_attention_heads;
    config.num_key_value_heads = num_key_value_heads;
    config.rope_theta = rope_theta;
    config.max_position_embeddings = max_position_embeddings;
    config.tie_word_embeddings = tie_word_embeddings;
    config.head_dim = hidden_size / num_attention_heads;
    return config;
  }
};

SettingsSchema<PretrainQwen2Settings> pretrain_qwen2_settings() {
  using S = PretrainQwen2Settings;
  return SettingsSchema<S>()
      .option("vocab_size", &S::vocab_size, "byte-level BPE vocabulary size")
      .option("hidden_size", &S::hidden_size, "model width")
      .option("intermediate_size", &S::intermediate_size, "MLP width")
      .option("num_hidden_layers", &S::num_hidden_layers, "decoder layers")
      .option("num_attention_heads", &S::num_attention_heads, "query heads", above(0))
      .option("num_key_value_heads", &S::num_key_value_heads, "KV heads (GQA, as in Qwen2)",
              above(0))
      .option("rope_theta", &S::rope_theta, "RoPE base")
      .option("max_position_embeddings", &S::max_position_embeddings, "config.json position limit")
      .option("tie_word_embeddings", &S::tie_word_embeddings, "LM head shares the embeddings")
      .option("steps", &S::steps, "optimizer steps", above(0))
      .option("batch_size", &S::batch_size, "captions per step", above(0))
      .option("max_tokens", &S::max_tokens, "tokens per caption (longer are cut)")
      .option("warmup_steps", &S::warmup_steps, "linear lr warm-up steps", above(0))
      .option("lr", &S::lr, "peak AdamW learning rate")
      .option("weight_decay", &S::weight_decay, "AdamW weight decay")
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.hidden_size % s.num_attention_heads == 0 &&
                         s.num_attention_heads % s.num_key_value_heads == 0,
                     where("num_attention_heads"),
                     ": hidden_size must be a multiple of num_attention_heads, which must be a "
                     "multiple of num_key_value_heads");
      });
}

class PretrainQwen2Task : public Task {
 public:
  explicit PretrainQwen2Task(PretrainQwen2Settings settings) : settings_(std::move(settings)) {}

  void run(RunContext& run) override {
    const std::vector<std::string> corpus =
        train::training_captions(run.config(), "pretrain_qwen2");
    const std::string out = run.path("model");

    text::BpeTrainingSettings bpe;
    bpe.vocab_size = settings_.vocab_size;
    const auto trained = text::train_byte_level_bpe(corpus, out, bpe);
    auto tokenizer = text::load_tokenizer(out);
    nn::Qwen2Config model_config = settings_.model_config();
    model_config.vocab_size = tokenizer->vocab_size();
    const int64_t eos = tokenizer->special_tokens().eos.value_or(tokenizer->vocab_size() - 1);
    model_config.eos_token_id = eos;
    model_config.bos_token_id = eos;
    log::info("pretrain", "tokenizer: " + std::to_string(trained.vocab_size) + " ids, " +
                              std::to_string(trained.merges) + " merges; " +
                              std::to_string(corpus.size()) + " captions");

    std::vector<std::vector<int64_t>> sequences;
    int64_t token_count = 0;
    for (const auto& caption : corpus) {
      std::vector<int64_t> ids = tokenizer->encode(caption).ids;
      if (static_cast<int64_t>(ids.size()) > settings_.max_tokens - 1)
        ids.resize(static_cast<size_t>(settings_.max_tokens - 1));
      ids.push_back(eos);
      token_count += static_cast<int64_t>(ids.size());
      sequences.push_back(std::move(ids));
    }

    torch::manual_seed(static_cast<uint64_t>(run.seed()));
    nn::Qwen2ForCausalLM model(model_config);
    model->to(run.device());
    const int64_t batch_size = settings_.batch_size;
    // Inputs: [EOS] + caption tokens (EOS doubles as BOS); targets: the next token, -100 on pads.
    auto next_token_loss = [&](const train::SequenceBatch& batch, std::mt19937_64&) {
      size_t longest = 0;
      for (const auto* s : batch) longest = std::max(longest, s->size());
      const int64_t length = static_cast<int64_t>(longest);
      torch::Tensor inputs = torch::full({batch_size, length}, eos, torch::kLong);
      torch::Tensor targets = torch::full({batch_size, length}, -100, torch::kLong);
      for (int64_t b = 0; b < batch_size; ++b) {
        const auto& s = *batch[static_cast<size_t>(b)];
        const int64_t n = static_cast<int64_t>(s.size());
        if (n > 1)
          inputs[b].narrow(0, 1, n - 1).copy_(torch::tensor(s, torch::kLong).narrow(0, 0, n - 1));
        targets[b].narrow(0, 0, n).copy_(torch::tensor(s, torch::kLong));
      }
      inputs = inputs.to(run.device());
      targets = targets.to(run.device());
      torch::Tensor logits = model->logits(model->forward(inputs));
      return torch::nn::functional::cross_entropy(
          logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}),
          torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
    };
    train::CaptionPretrainingSettings loop;
    loop.task = "pretrain_qwen2";
    loop.loss = "lm";
    loop.steps = settings_.steps;
    loop.batch_size = settings_.batch_size;
    loop.warmup_steps = settings_.warmup_steps;
    loop.lr = settings_.lr;
    loop.weight_decay = settings_.weight_decay;
    const train::CaptionPretrainingResult result = train::pretrain_on_sequences(
        *model, sequences, loop, run.seed(), next_token_loss,
        [&run](const std::map<std::string, double>& row) { run.append_csv_row(row); });

    train::write_hf_model(out, model->hf_state(), model_config.to_json());
    log::info("pretrain", "LM loss " + std::to_string(result.first_loss) + " -> " +
                              std::to_string(result.last_loss) + "; wrote " + out);
    run.set_metric("pretrain/lm_loss_first", result.first_loss);
    run.set_metric("pretrain/lm_loss_last20", result.last_loss);
    run.set_metric("pretrain/vocab_size", static_cast<double>(model_config.vocab_size));
    run.set_metric("pretrain/tokens_per_caption",
                   static_cast<double>(token_count) / static_cast<double>(corpus.size()));
    run.set_metric("pretrain/parameters", static_cast<double>(result.parameters));
    run.set_info("model_dir", out);
  }

 private:
  PretrainQwen2Settings settings_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "pretrain_qwen2",
                "train a small Qwen2 causal LM (+ BPE tokenizer) on the data's captions; writes "
                "an HF folder <run>/model",
                pretrain_qwen2_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  return std::make_shared<PretrainQwen2Task>(pretrain_qwen2_settings().read(o));
                });

}  // namespace motlab
