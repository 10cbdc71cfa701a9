#include "framework/nn/hf/distilbert.h"

#include <cmath>
#include <limits>

#include "framework/core/error.h"
#include "framework/io/safetensors.h"
#include "framework/io/weight_loading.h"
#include "framework/nn/hf/backbone.h"

namespace motlab::nn {
namespace F = torch::nn::functional;

DistilBertImpl::Block::Block(const DistilBertConfig& c)
    : heads(c.n_heads), dropout(c.dropout), attention_dropout(c.attention_dropout) {
  attention = register_module("attention", std::make_shared<torch::nn::Module>());
  q_lin = attention->register_module("q_lin", torch::nn::Linear(c.dim, c.dim));
  k_lin = attention->register_module("k_lin", torch::nn::Linear(c.dim, c.dim));
  v_lin = attention->register_module("v_lin", torch::nn::Linear(c.dim, c.dim));
  out_lin = attention->register_module("out_lin", torch::nn::Linear(c.dim, c.dim));
  sa_layer_norm = register_module(
      "sa_layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.dim}).eps(1e-12)));
  ffn = register_module("ffn", std::make_shared<torch::nn::Module>());
  lin1 = ffn->register_module("lin1", torch::nn::Linear(c.dim, c.hidden_dim));
  lin2 = ffn->register_module("lin2", torch::nn::Linear(c.hidden_dim, c.dim));
  output_layer_norm = register_module(
      "output_layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.dim}).eps(1e-12)));
}

torch::Tensor DistilBertImpl::Block::forward(const torch::Tensor& x,
                                             const torch::Tensor& key_mask) {
  const int64_t batch = x.size(0), length = x.size(1), dim = x.size(2), head_dim = dim / heads;
  auto split = [&](const torch::Tensor& t) {
    return t.view({batch, length, heads, head_dim}).transpose(1, 2);  // [B, heads, L, d]
  };
  torch::Tensor q = split(q_lin(x)) / std::sqrt(static_cast<double>(head_dim));
  torch::Tensor k = split(k_lin(x)), v = split(v_lin(x));
  torch::Tensor scores = torch::matmul(q, k.transpose(-1, -2));  // [B, heads, L, L]
  const double lowest = std::numeric_limits<float>::lowest();
  scores = scores.masked_fill(key_mask.logical_not().view({batch, 1, 1, length}), lowest);
  torch::Tensor weights = torch::softmax(scores, -1);
  weights =
      F::dropout(weights, F::DropoutFuncOptions().p(attention_dropout).training(is_training()));
  torch::Tensor context = torch::matmul(weights, v).transpose(1, 2).reshape({batch, length, dim});
  torch::Tensor s = sa_layer_norm(out_lin(context) + x);
  torch::Tensor f = lin2(torch::gelu(lin1(s)));  // exact erf GELU
  f = F::dropout(f, F::DropoutFuncOptions().p(dropout).training(is_training()));
  return output_layer_norm(f + s);
}

DistilBertImpl::DistilBertImpl(const DistilBertConfig& c) : config_(c) {
  embeddings_ = register_module("embeddings", std::make_shared<torch::nn::Module>());
  word_embeddings = embeddings_->register_module(
      "word_embeddings",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(c.vocab_size, c.dim).padding_idx(c.pad_token_id)));
  position_embeddings = embeddings_->register_module(
      "position_embeddings", torch::nn::Embedding(c.max_position_embeddings, c.dim));
  embedding_norm = embeddings_->register_module(
      "LayerNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.dim}).eps(1e-12)));
  transformer_ = register_module("transformer", std::make_shared<torch::nn::Module>());
  layers_ = transformer_->register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.n_layers; ++i) {
    blocks.push_back(std::make_shared<Block>(c));
    layers_->push_back(blocks.back());
  }
  torch::NoGradGuard no_grad;
  for (auto& p : parameters())
    if (p.dim() == 2) p.normal_(0.0, 0.02);  // initializer_range (checkpoints overwrite it)
  word_embeddings->weight[c.pad_token_id].zero_();
}

torch::Tensor DistilBertImpl::forward(const torch::Tensor& input_ids,
                                      const torch::Tensor& attention_mask) {
  MOTLAB_CHECK(input_ids.dim() == 2, "distilbert: input_ids must be [B, L], got ",
               input_ids.sizes());
  const int64_t length = input_ids.size(1);
  MOTLAB_CHECK(length <= config_.max_position_embeddings, "distilbert: ", length,
               " tokens exceed max_position_embeddings ", config_.max_position_embeddings);
  torch::Tensor positions = torch::arange(length, input_ids.options());
  torch::Tensor h = embedding_norm(word_embeddings(input_ids) + position_embeddings(positions));
  h = F::dropout(h, F::DropoutFuncOptions().p(config_.dropout).training(is_training()));
  const torch::Tensor key_mask = attention_mask.defined()
                                     ? attention_mask.to(torch::kBool)
                                     : torch::ones_like(input_ids, torch::kBool);
  for (auto& block : blocks) h = block->forward(h, key_mask);
  return h;
}

DistilBertForMaskedLmImpl::DistilBertForMaskedLmImpl(const DistilBertConfig& c) {
  distilbert = register_module("distilbert", DistilBert(c));
  vocab_transform = register_module("vocab_transform", torch::nn::Linear(c.dim, c.dim));
  vocab_layer_norm = register_module(
      "vocab_layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.dim}).eps(1e-12)));
  // HF stores vocab_projector.{weight (= word embeddings), bias}; only the bias is its own.
  auto projector = register_module("vocab_projector", std::make_shared<torch::nn::Module>());
  vocab_projector_bias = projector->register_parameter("bias", torch::zeros({c.vocab_size}));
}

torch::Tensor DistilBertForMaskedLmImpl::forward(const torch::Tensor& input_ids,
                                                 const torch::Tensor& attention_mask) {
  return distilbert->forward(input_ids, attention_mask);
}

torch::Tensor DistilBertForMaskedLmImpl::mlm_logits(const torch::Tensor& hidden) {
  torch::Tensor h = vocab_layer_norm(torch::gelu(vocab_transform(hidden)));
  return torch::matmul(h, distilbert->word_embeddings->weight.t()) + vocab_projector_bias;
}

std::vector<std::pair<std::string, torch::Tensor>> DistilBertForMaskedLmImpl::hf_state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : named_parameters(true))
    out.emplace_back(item.key(), item.value().detach());
  // The tied projector weight, as HF writes it.
  out.emplace_back("vocab_projector.weight", distilbert->word_embeddings->weight.detach());
  return out;
}

void load_distilbert(DistilBertImpl& model, const std::string& model_dir) {
  const io::Checkpoint checkpoint = io::Checkpoint::open(model_dir);
  io::WeightLoadSettings options;
  options.strip_prefixes = {"distilbert."};
  options.allow_unexpected = {"vocab_transform.", "vocab_layer_norm.", "vocab_projector.",
                              "*position_ids*",   "pre_classifier.",   "classifier."};
  io::load_weights(model, checkpoint, options);
}

namespace {

class DistilBertBackbone : public HfBackbone {
 public:
  explicit DistilBertBackbone(const HfBackboneSettings& options) {
    model_ = register_module(
        "distilbert", DistilBert(DistilBertConfig::from_hf(io::HfConfig::load(options.model_dir))));
    load_distilbert(*model_, options.model_dir);
    model_->to(options.device, options.scalar_type());
    model_->eval();
  }
  torch::Tensor last_hidden_state(const torch::Tensor& input_ids,
                                  const torch::Tensor& attention_mask) override {
    return model_->forward(input_ids, attention_mask);
  }
  int64_t hidden_size() const override { return model_->config().dim; }
  std::string model_type() const override { return "distilbert"; }

 private:
  DistilBert model_{nullptr};
};

}  // namespace

MOTLAB_REGISTER(hf_backbone_family, "distilbert", "DistilBERT encoder (DistilKoBERT)",
                hf_backbone_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<HfBackbone> {
                  const HfBackboneSettings options = read_hf_backbone_settings(o, ctx);
                  return std::make_shared<DistilBertBackbone>(options);
                });

}  // namespace motlab::nn
