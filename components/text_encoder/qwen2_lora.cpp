// text_encoder `qwen2_lora`: the paper's sLLM text encoder. A pretrained Qwen2 (frozen) with LoRA
// adapters; the caption (after an optional instruction prefix) gets an [EOS] token appended, and
// that token's last hidden state goes through a Linear layer into the joint space. Only LoRA and
// the Linear train.
//
// With a KV pruner the caption is prefilled, every layer's cache is pruned, and the [EOS] token
// runs as one decode step over the pruned cache (issue: "Where it acts"); this path encodes one
// caption at a time, as a query-time encoder does. Without a pruner a batch runs in one forward;
// in eval mode on CUDA (cuda_graphs: true) that forward is a captured CUDA graph, one per batch
// size, with every batch right-padded to max_tokens so one graph serves all of them.
#include <algorithm>

#include "framework/core/autocast.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/io/hf_config.h"
#include "framework/model/interfaces.h"
#include "framework/nn/cuda_graph.h"
#include "framework/nn/hf/lora.h"
#include "framework/nn/hf/qwen2.h"
#include "framework/nn/kv_pruner.h"
#include "framework/text/tokenizer.h"

namespace motlab {
namespace {

struct Qwen2LoraSettings {
  std::string model_dir;
  std::string tokenizer;  // "" = model_dir
  std::string prompt;
  int64_t max_tokens = 64;
  int64_t latent_dim = 256;
  std::string dtype = "float32";
  bool cuda_graphs = true;
  nn::LoraSettings lora;
  Config kv_pruner;  // null: batches in one forward
  std::string tokenizer_dir() const { return tokenizer.empty() ? model_dir : tokenizer; }
  torch::ScalarType base_dtype() const {
    return dtype == "bfloat16" ? torch::kBFloat16 : torch::kFloat;
  }
};

SettingsSchema<nn::LoraSettings> qwen2_lora_adapter_settings() {
  using S = nn::LoraSettings;
  S defaults;  // this component's defaults (PEFT's own are r 8, alpha 8, q/v only)
  defaults.alpha = 16;
  defaults.dropout = 0.05;
  defaults.target_modules = {"q_proj", "k_proj", "v_proj", "o_proj"};
  return SettingsSchema<S>(defaults)
      .option("r", &S::r, "adapter rank", between(1, 65536))
      .option("alpha", &S::alpha, "scaling numerator (scale = alpha / r)")
      .option("dropout", &S::dropout, "dropout on the adapter's input", between(0, 0.999999))
      .option("target_modules", &S::target_modules, "Linear layers that get an adapter");
}

SettingsSchema<Qwen2LoraSettings> qwen2_lora_settings() {
  using S = Qwen2LoraSettings;
  return SettingsSchema<S>()
      .required("model_dir", &S::model_dir,
                "Qwen2 folder: config.json, model.safetensors, tokenizer.json")
      .option("tokenizer", &S::tokenizer, "tokenizer folder (empty: model_dir)")
      .option("prompt", &S::prompt,
              "instruction before the caption (never truncated; the caption is)")
      .option("max_tokens", &S::max_tokens, "longest input: prompt + caption + [EOS]", at_least(2))
      .option("latent_dim", &S::latent_dim, "joint embedding size", above(0))
      .choice("dtype", &S::dtype, {"float32", "bfloat16"}, "frozen base weights")
      .option("cuda_graphs", &S::cuda_graphs,
              "eval on CUDA: replay the forward as a CUDA graph (batches padded to max_tokens)")
      .group("lora", &S::lora, qwen2_lora_adapter_settings(),
             "the LoRA adapter (saved in PEFT's layout)")
      .node("kv_pruner", &S::kv_pruner,
            "a kv_pruner node (configs/kv_pruner/*): prefill, prune, decode [EOS]; null: one "
            "forward");
}

class Qwen2LoraEncoder : public TextEncoder {
 public:
  Qwen2LoraEncoder(const Qwen2LoraSettings& options, std::shared_ptr<KvPruner> pruner,
                   torch::Device device)
      : options_(options), pruner_(std::move(pruner)), device_(device) {
    tokenizer_ = text::load_tokenizer(options.tokenizer_dir());
    const auto config = nn::Qwen2Config::from_hf(io::HfConfig::load(options.model_dir));
    decoder_ = register_module("decoder", nn::Qwen2ForCausalLM(config));
    decoder_->load_pretrained(options.model_dir);
    for (auto& p : decoder_->parameters()) p.set_requires_grad(false);
    nn::add_lora_adapters(*decoder_, options.lora);  // adapters train, the base stays frozen
    projection_ =
        register_module("projection", torch::nn::Linear(config.hidden_size, options.latent_dim));
    eos_id_ = tokenizer_->special_tokens().eos.value_or(config.eos_token_id);
    // The prompt is tokenized once and never truncated: a long instruction must not push the
    // caption out of the max_tokens window (the caption is what is cut).
    if (!options.prompt.empty()) prompt_ids_ = tokenizer_->encode(options.prompt).ids;
    MOTLAB_CHECK(static_cast<int64_t>(prompt_ids_.size()) + 2 <= options.max_tokens,
                 "text_encoder 'qwen2_lora': prompt is ", prompt_ids_.size(),
                 " tokens; max_tokens (", options.max_tokens,
                 ") must leave room for at least one caption token and [EOS]");
    decoder_->to(device, options.base_dtype());
    // LoRA and the projection keep float32 master weights (autocast handles bf16 on CUDA).
    projection_->to(device);
    for (auto& item : decoder_->named_modules())
      if (auto* linear = dynamic_cast<nn::LoraLinearImpl*>(item.value().get()))
        if (linear->has_adapter()) {
          linear->lora_A->to(device, torch::kFloat);
          linear->lora_B->to(device, torch::kFloat);
        }
  }

  Embedding encode(const std::vector<std::string>& captions) override {
    MOTLAB_CHECK(!captions.empty(), "text_encoder 'qwen2_lora': no caption to encode");
    std::vector<std::vector<int64_t>> sequences;
    for (const auto& caption : captions) sequences.push_back(token_ids(caption));
    torch::Tensor eos_states =
        pruner_ ? encode_with_pruned_cache(sequences) : encode_batch(sequences);  // [B, H]
    Embedding e;
    e.mean = projection_(eos_states.to(torch::kFloat));
    e.latent = e.mean;
    return e;
  }

  int64_t embedding_dim() const override { return options_.latent_dim; }

  void export_artifacts(const std::string& dir) override {
    nn::save_lora_adapter(*decoder_, options_.lora, dir + "/adapter", options_.model_dir);
    torch::serialize::OutputArchive archive;
    archive.write("weight", projection_->weight.detach().cpu());
    archive.write("bias", projection_->bias.detach().cpu());
    archive.save_to(dir + "/projection.pt");
  }

  std::map<std::string, double> statistics() const override {
    if (queries_ == 0) return {};
    const double n = static_cast<double>(queries_);
    return {{"kv_cache_bytes_per_query", static_cast<double>(kv_bytes_) / n},
            {"kv_key_bytes_per_query", static_cast<double>(kv_key_bytes_) / n},
            {"tokens_per_query", static_cast<double>(tokens_) / n}};
  }
  void reset_statistics() override { queries_ = kv_bytes_ = kv_key_bytes_ = tokens_ = 0; }

 private:
  std::vector<int64_t> token_ids(const std::string& caption) const {
    std::vector<int64_t> caption_ids = tokenizer_->encode(caption).ids;
    const auto caption_budget =
        static_cast<size_t>(options_.max_tokens - 1) - prompt_ids_.size();  // >= 1 (checked)
    if (caption_ids.size() > caption_budget) caption_ids.resize(caption_budget);
    std::vector<int64_t> ids = prompt_ids_;
    ids.insert(ids.end(), caption_ids.begin(), caption_ids.end());
    ids.push_back(eos_id_);
    return ids;
  }

  // Right-padded batch, one causal forward; the [EOS] state of each row.
  torch::Tensor encode_batch(const std::vector<std::vector<int64_t>>& sequences) {
    const int64_t batch = static_cast<int64_t>(sequences.size());
    size_t longest = 0;
    for (const auto& s : sequences) longest = std::max(longest, s.size());
    torch::Tensor ids = torch::full({batch, static_cast<int64_t>(longest)}, eos_id_, torch::kLong);
    std::vector<int64_t> last;
    for (int64_t b = 0; b < batch; ++b) {
      const auto& s = sequences[static_cast<size_t>(b)];
      ids[b].narrow(0, 0, static_cast<int64_t>(s.size())).copy_(torch::tensor(s, torch::kLong));
      last.push_back(static_cast<int64_t>(s.size()) - 1);
      tokens_ += static_cast<int64_t>(s.size());
    }
    queries_ += batch;
    torch::Tensor index = torch::tensor(last, torch::kLong).to(device_);
    torch::Tensor rows = torch::arange(batch, index.options());
    if (use_cuda_graph()) {
      // A graph reads the weights it was captured with (LoRA folded in at that time): new
      // weights, e.g. after training steps, need new graphs.
      std::vector<int64_t> stamp = nn::tensor_stamp(decoder_->parameters());
      if (stamp != graph_weights_stamp_) {
        graphs_.clear();
        graph_weights_stamp_ = std::move(stamp);
      }
      // Padded to the window: one graph per (batch size, autocast) serves every batch.
      ids = torch::constant_pad_nd(ids, {0, options_.max_tokens - ids.size(1)}, eos_id_);
      const std::string key = std::to_string(batch) + (cuda_autocast_enabled() ? "/autocast" : "");
      torch::Tensor hidden = graphs_.run(key, {ids.to(device_)}, [this](const auto& inputs) {
        return decoder_->forward(inputs[0]);
      });
      return hidden.index({rows, index});  // a copy: the graph's buffer is reused next time
    }
    torch::Tensor hidden = decoder_->forward(ids.to(device_));  // [B, L, H]
    return hidden.index({rows, index});
  }

  bool use_cuda_graph() const {
    return options_.cuda_graphs && device_.is_cuda() && !is_training() &&
           !torch::GradMode::is_enabled();
  }

  // One caption at a time: prefill, prune each layer, decode [EOS] over the pruned cache.
  torch::Tensor encode_with_pruned_cache(const std::vector<std::vector<int64_t>>& sequences) {
    std::vector<torch::Tensor> states;
    for (const auto& s : sequences) {
      KvCache cache;
      std::vector<int64_t> prompt(s.begin(), s.end() - 1);
      MOTLAB_CHECK(!prompt.empty(), "text_encoder 'qwen2_lora': an empty caption");
      auto as_ids = [&](const std::vector<int64_t>& v) {
        return torch::tensor(v, torch::kLong).unsqueeze(0).to(device_);
      };
      decoder_->forward(as_ids(prompt), cache, pruner_.get());
      torch::Tensor hidden = decoder_->forward(as_ids({s.back()}), cache, nullptr);  // [1, 1, H]
      states.push_back(hidden.select(1, 0));
      kv_bytes_ += cache.bytes();
      kv_key_bytes_ += cache.key_bytes();
      tokens_ += static_cast<int64_t>(s.size());
      ++queries_;
    }
    return torch::cat(states, 0);
  }

  Qwen2LoraSettings options_;
  std::shared_ptr<KvPruner> pruner_;
  torch::Device device_;
  std::shared_ptr<text::Tokenizer> tokenizer_;
  std::vector<int64_t> prompt_ids_;  // tokenized options_.prompt (may be empty)
  nn::Qwen2ForCausalLM decoder_{nullptr};
  torch::nn::Linear projection_{nullptr};
  int64_t eos_id_ = 0;
  nn::CudaGraphs graphs_;
  std::vector<int64_t> graph_weights_stamp_;  // the decoder's parameters the graphs were made with
  int64_t queries_ = 0, kv_bytes_ = 0, kv_key_bytes_ = 0, tokens_ = 0;
};

}  // namespace

MOTLAB_REGISTER(
    text_encoder_family, "qwen2_lora",
    "Qwen2 (frozen) + LoRA; [EOS] last hidden state -> Linear (the paper's sLLM encoder)",
    qwen2_lora_settings().options(),
    [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<TextEncoder> {
      const Qwen2LoraSettings s = qwen2_lora_settings().read(o);
      std::shared_ptr<KvPruner> pruner;
      // Any pruner node (`none` included) selects the prefill + pruned-decode path, so cache
      // bytes are measured the same way for every pruner; null runs batches in one forward.
      if (!s.kv_pruner.is_null()) pruner = kv_pruner_family().build(s.kv_pruner, ctx);
      return std::make_shared<Qwen2LoraEncoder>(s, pruner, ctx.device);
    });

}  // namespace motlab
