// Task `pretrain_qwen2`: makes a small *pretrained* Qwen2 for the built-in default, since no real
// weights can be downloaded there. Trains a byte-level BPE tokenizer on the training captions of
// `data`, then a small Qwen2 causal LM on them (next-token prediction, [EOS] after every caption),
// and writes a Hugging Face folder <run dir>/model (config.json, model.safetensors, tokenizer.json,
// tokenizer_config.json) that text_encoder=qwen2_lora loads through exactly the code path of
// Qwen/Qwen2-1.5B.
#include <algorithm>
#include <random>

#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/data/data_config.h"
#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"
#include "framework/nn/hf/qwen2.h"
#include "framework/run/task.h"
#include "framework/text/tokenizer.h"
#include "framework/text/tokenizer_training.h"

namespace motlab {
namespace {

struct PretrainOptions {
  int64_t vocab_size;
  nn::Qwen2Config model;
  int64_t steps, batch_size, max_tokens, warmup_steps;
  double lr, weight_decay;
};

class PretrainQwen2Task : public Task {
 public:
  explicit PretrainQwen2Task(PretrainOptions options) : options_(std::move(options)) {}

  void run(RunContext& run) override {
    const Config& config = run.config();
    MOTLAB_CHECK(config.has("data") && config["data"].is_dict(),
                 "task 'pretrain_qwen2' needs a `data` node (data=<option>)");
    const data::DataSettings settings = data::prepare_data(config["data"]);
    data::MotionTextDataset train(data::split_options(settings, settings.train_split, false));
    const std::vector<std::string> corpus = train.all_captions();
    MOTLAB_CHECK(!corpus.empty(), "task 'pretrain_qwen2': the training split has no caption");
    const std::string out = run.path("model");

    text::BpeTrainingOptions bpe;
    bpe.vocab_size = options_.vocab_size;
    const auto trained = text::train_byte_level_bpe(corpus, out, bpe);
    auto tokenizer = text::load_tokenizer(out);
    nn::Qwen2Config model_config = options_.model;
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
      if (static_cast<int64_t>(ids.size()) > options_.max_tokens - 1)
        ids.resize(static_cast<size_t>(options_.max_tokens - 1));
      ids.push_back(eos);
      token_count += static_cast<int64_t>(ids.size());
      sequences.push_back(std::move(ids));
    }

    torch::manual_seed(static_cast<uint64_t>(run.seed()));
    nn::Qwen2ForCausalLM model(model_config);
    model->to(run.device());
    torch::optim::AdamW optimizer(
        model->parameters(),
        torch::optim::AdamWOptions(options_.lr).weight_decay(options_.weight_decay));
    std::mt19937_64 rng(derive_seed(run.seed(), "pretrain_qwen2/batches"));
    std::uniform_int_distribution<size_t> pick(0, sequences.size() - 1);
    Progress progress("pretrain qwen2", options_.steps, "step");
    double first_loss = 0, recent_loss = 0;
    int64_t recent = 0;
    model->train();
    for (int64_t step = 0; step < options_.steps; ++step) {
      if (interrupt_requested()) MOTLAB_FAIL("pretrain_qwen2 interrupted");
      std::vector<const std::vector<int64_t>*> batch;
      size_t longest = 0;
      for (int64_t b = 0; b < options_.batch_size; ++b) {
        batch.push_back(&sequences[pick(rng)]);
        longest = std::max(longest, batch.back()->size());
      }
      // Inputs: [EOS] + caption tokens (EOS doubles as BOS); targets: the next token, -100 on pads.
      const int64_t length = static_cast<int64_t>(longest);
      torch::Tensor inputs = torch::full({options_.batch_size, length}, eos, torch::kLong);
      torch::Tensor targets = torch::full({options_.batch_size, length}, -100, torch::kLong);
      for (int64_t b = 0; b < options_.batch_size; ++b) {
        const auto& s = *batch[static_cast<size_t>(b)];
        const int64_t n = static_cast<int64_t>(s.size());
        if (n > 1)
          inputs[b].narrow(0, 1, n - 1).copy_(torch::tensor(s, torch::kLong).narrow(0, 0, n - 1));
        targets[b].narrow(0, 0, n).copy_(torch::tensor(s, torch::kLong));
      }
      inputs = inputs.to(run.device());
      targets = targets.to(run.device());
      const double warm = std::min(1.0, static_cast<double>(step + 1) / options_.warmup_steps);
      const double cosine = 0.5 * (1 + std::cos(M_PI * static_cast<double>(step) / options_.steps));
      for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(options_.lr * warm * cosine);
      torch::Tensor logits = model->logits(model->forward(inputs));
      torch::Tensor loss = torch::nn::functional::cross_entropy(
          logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}),
          torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
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
        run.append_csv_row({{"step", static_cast<double>(step + 1)}, {"train/lm_loss", value}});
    }
    progress.finish();
    model->eval();

    io::save_safetensors(out + "/model.safetensors", model->hf_state());
    io::HfConfig::from_json(model_config.to_json(), out + "/config.json")
        .save(out + "/config.json");
    const double last = recent ? recent_loss / recent : first_loss;
    log::info("pretrain", "LM loss " + std::to_string(first_loss) + " -> " + std::to_string(last) +
                              "; wrote " + out);
    run.set_metric("pretrain/lm_loss_first", first_loss);
    run.set_metric("pretrain/lm_loss_last20", last);
    run.set_metric("pretrain/vocab_size", static_cast<double>(model_config.vocab_size));
    run.set_metric("pretrain/tokens_per_caption",
                   static_cast<double>(token_count) / static_cast<double>(corpus.size()));
    int64_t parameters = 0;
    for (const auto& p : model->parameters()) parameters += p.numel();
    run.set_metric("pretrain/parameters", static_cast<double>(parameters));
    run.set_info("model_dir", out);
  }

 private:
  PretrainOptions options_;
};

}  // namespace

MOTLAB_REGISTER(task_family, "pretrain_qwen2",
                "train a small Qwen2 causal LM (+ BPE tokenizer) on the data's captions; writes "
                "an HF folder <run>/model",
                OptionSchema()
                    .option<int64_t>("vocab_size", 2000, "byte-level BPE vocabulary size")
                    .option<int64_t>("hidden_size", 128, "model width")
                    .option<int64_t>("intermediate_size", 384, "MLP width")
                    .option<int64_t>("num_hidden_layers", 4, "decoder layers")
                    .option<int64_t>("num_attention_heads", 4, "query heads")
                    .option<int64_t>("num_key_value_heads", 2, "KV heads (GQA, as in Qwen2)")
                    .option<double>("rope_theta", 1e6, "RoPE base")
                    .option<int64_t>("max_position_embeddings", 4096, "config.json position limit")
                    .option<bool>("tie_word_embeddings", true, "LM head shares the embeddings")
                    .option<int64_t>("steps", 300, "optimizer steps")
                    .option<int64_t>("batch_size", 32, "captions per step")
                    .option<int64_t>("max_tokens", 64, "tokens per caption (longer are cut)")
                    .option<int64_t>("warmup_steps", 30, "linear lr warm-up steps")
                    .option<double>("lr", 3e-3, "peak AdamW learning rate")
                    .option<double>("weight_decay", 0.01, "AdamW weight decay"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Task> {
                  PretrainOptions p;
                  p.vocab_size = o.get<int64_t>("vocab_size");
                  p.model.hidden_size = o.get<int64_t>("hidden_size");
                  p.model.intermediate_size = o.get<int64_t>("intermediate_size");
                  p.model.num_hidden_layers = o.get<int64_t>("num_hidden_layers");
                  p.model.num_attention_heads = o.get<int64_t>("num_attention_heads");
                  p.model.num_key_value_heads = o.get<int64_t>("num_key_value_heads");
                  p.model.rope_theta = o.get<double>("rope_theta");
                  p.model.max_position_embeddings = o.get<int64_t>("max_position_embeddings");
                  p.model.tie_word_embeddings = o.get<bool>("tie_word_embeddings");
                  p.steps = o.get<int64_t>("steps");
                  p.batch_size = o.get<int64_t>("batch_size");
                  p.max_tokens = o.get<int64_t>("max_tokens");
                  p.warmup_steps = o.get<int64_t>("warmup_steps");
                  p.lr = o.get<double>("lr");
                  p.weight_decay = o.get<double>("weight_decay");
                  MOTLAB_CHECK(p.model.num_attention_heads > 0 && p.model.num_key_value_heads > 0 &&
                                   p.model.hidden_size % p.model.num_attention_heads == 0 &&
                                   p.model.num_attention_heads % p.model.num_key_value_heads == 0,
                               o.component(),
                               ": hidden_size must be a multiple of num_attention_heads, which "
                               "must be a multiple of num_key_value_heads (all > 0)");
                  MOTLAB_CHECK(p.steps > 0 && p.batch_size > 0 && p.warmup_steps > 0, o.component(),
                               ": steps, batch_size, warmup_steps must be > 0");
                  p.model.head_dim = p.model.hidden_size / p.model.num_attention_heads;
                  return std::make_shared<PretrainQwen2Task>(p);
                });

}  // namespace motlab
