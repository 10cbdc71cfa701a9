#include "framework/nn/hf/xlm_roberta.h"

#include <cmath>
#include <limits>

#include "framework/core/error.h"
#include "framework/io/safetensors.h"
#include "framework/io/weight_loading.h"
#include "framework/nn/hf/backbone.h"

namespace motlab::nn {
namespace F = torch::nn::functional;

XlmRobertaImpl::Layer::Layer(const XlmRobertaConfig& c)
    : heads(c.num_attention_heads),
      hidden_dropout(c.hidden_dropout_prob),
      attention_dropout(c.attention_probs_dropout_prob) {
  const auto norm = torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps);
  auto attention = register_module("attention", std::make_shared<torch::nn::Module>());
  auto self = attention->register_module("self", std::make_shared<torch::nn::Module>());
  query = self->register_module("query", torch::nn::Linear(c.hidden_size, c.hidden_size));
  key = self->register_module("key", torch::nn::Linear(c.hidden_size, c.hidden_size));
  value = self->register_module("value", torch::nn::Linear(c.hidden_size, c.hidden_size));
  auto attention_output =
      attention->register_module("output", std::make_shared<torch::nn::Module>());
  attention_dense =
      attention_output->register_module("dense", torch::nn::Linear(c.hidden_size, c.hidden_size));
  attention_norm = attention_output->register_module("LayerNorm", torch::nn::LayerNorm(norm));
  auto intermediate = register_module("intermediate", std::make_shared<torch::nn::Module>());
  intermediate_dense =
      intermediate->register_module("dense", torch::nn::Linear(c.hidden_size, c.intermediate_size));
  auto output = register_module("output", std::make_shared<torch::nn::Module>());
  output_dense =
      output->register_module("dense", torch::nn::Linear(c.intermediate_size, c.hidden_size));
  output_norm = output->register_module("LayerNorm", torch::nn::LayerNorm(norm));
}

torch::Tensor XlmRobertaImpl::Layer::forward(const torch::Tensor& x,
                                             const torch::Tensor& key_mask) {
  const int64_t batch = x.size(0), length = x.size(1), hidden = x.size(2),
                head_dim = hidden / heads;
  auto split = [&](const torch::Tensor& t) {
    return t.view({batch, length, heads, head_dim}).transpose(1, 2);  // [B, heads, L, d]
  };
  torch::Tensor q = split(query(x)), k = split(key(x)), v = split(value(x));
  torch::Tensor scores = torch::matmul(q, k.transpose(-1, -2)) /
                         std::sqrt(static_cast<double>(head_dim));  // [B, heads, L, L]
  const double lowest = std::numeric_limits<float>::lowest();
  scores = scores.masked_fill(key_mask.logical_not().view({batch, 1, 1, length}), lowest);
  torch::Tensor weights = torch::softmax(scores, -1);
  weights =
      F::dropout(weights, F::DropoutFuncOptions().p(attention_dropout).training(is_training()));
  torch::Tensor context =
      torch::matmul(weights, v).transpose(1, 2).reshape({batch, length, hidden});
  torch::Tensor attended = attention_dense(context);
  attended =
      F::dropout(attended, F::DropoutFuncOptions().p(hidden_dropout).training(is_training()));
  torch::Tensor h = attention_norm(attended + x);
  torch::Tensor f = output_dense(torch::gelu(intermediate_dense(h)));  // exact erf GELU
  f = F::dropout(f, F::DropoutFuncOptions().p(hidden_dropout).training(is_training()));
  return output_norm(f + h);
}

XlmRobertaImpl::XlmRobertaImpl(const XlmRobertaConfig& c) : config_(c) {
  auto embeddings = register_module("embeddings", std::make_shared<torch::nn::Module>());
  word_embeddings = embeddings->register_module(
      "word_embeddings",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(c.vocab_size, c.hidden_size).padding_idx(c.pad_token_id)));
  position_embeddings = embeddings->register_module(
      "position_embeddings",
      torch::nn::Embedding(torch::nn::EmbeddingOptions(c.max_position_embeddings, c.hidden_size)
                               .padding_idx(c.pad_token_id)));
  token_type_embeddings = embeddings->register_module(
      "token_type_embeddings", torch::nn::Embedding(c.type_vocab_size, c.hidden_size));
  embedding_norm = embeddings->register_module(
      "LayerNorm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
  auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>());
  auto layer_list = encoder->register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers.push_back(std::make_shared<Layer>(c));
    layer_list->push_back(layers.back());
  }
  torch::NoGradGuard no_grad;
  for (auto& p : parameters())
    if (p.dim() == 2) p.normal_(0.0, 0.02);  // initializer_range (checkpoints overwrite it)
  word_embeddings->weight[c.pad_token_id].zero_();
  position_embeddings->weight[c.pad_token_id].zero_();
}

torch::Tensor XlmRobertaImpl::position_ids(const torch::Tensor& input_ids, int64_t pad_token_id) {
  torch::Tensor real = input_ids.ne(pad_token_id).to(torch::kLong);
  return torch::cumsum(real, 1) * real + pad_token_id;
}

torch::Tensor XlmRobertaImpl::forward(const torch::Tensor& input_ids,
                                      const torch::Tensor& attention_mask) {
  MOTLAB_CHECK(input_ids.dim() == 2, "xlm-roberta: input_ids must be [B, L], got ",
               input_ids.sizes());
  // A row of L real tokens needs position pad + L; checked from the shape, so the forward never
  // waits on the device for a max().
  const int64_t length = input_ids.size(1);
  const int64_t most_tokens = config_.max_position_embeddings - config_.pad_token_id - 1;
  MOTLAB_CHECK(length <= most_tokens, "xlm-roberta: ", length, " tokens exceed ", most_tokens,
               " (max_position_embeddings ", config_.max_position_embeddings,
               " minus the padding offset ", config_.pad_token_id + 1, ")");
  torch::Tensor positions = position_ids(input_ids, config_.pad_token_id);
  // token_type_ids are all 0 (HF's default buffer): one row of the type embedding.
  torch::Tensor h = embedding_norm(word_embeddings(input_ids) + position_embeddings(positions) +
                                   token_type_embeddings->weight[0]);
  h = F::dropout(h, F::DropoutFuncOptions().p(config_.hidden_dropout_prob).training(is_training()));
  const torch::Tensor key_mask = attention_mask.defined()
                                     ? attention_mask.to(torch::kBool)
                                     : torch::ones_like(input_ids, torch::kBool);
  for (auto& layer : layers) h = layer->forward(h, key_mask);
  return h;
}

void load_xlm_roberta(XlmRobertaImpl& model, const std::string& model_dir) {
  const io::Checkpoint checkpoint = io::Checkpoint::open(model_dir);
  io::WeightLoadSettings options;
  options.strip_prefixes = {"roberta.", "model."};
  options.allow_unexpected = {"pooler.", "lm_head.", "*position_ids*", "*token_type_ids*",
                              "classifier."};
  io::load_weights(model, checkpoint, options);
}

namespace {

class XlmRobertaBackbone : public HfBackbone {
 public:
  XlmRobertaBackbone(const HfBackboneSettings& options, std::string model_type)
      : model_type_(std::move(model_type)) {
    // Named by model_type, as the other backbones, so adapter names map the same way.
    model_ = register_module(
        model_type_, XlmRoberta(XlmRobertaConfig::from_hf(io::HfConfig::load(options.model_dir))));
    load_xlm_roberta(*model_, options.model_dir);
    model_->to(options.device, options.scalar_type());
    model_->eval();
  }
  torch::Tensor last_hidden_state(const torch::Tensor& input_ids,
                                  const torch::Tensor& attention_mask) override {
    return model_->forward(input_ids, attention_mask);
  }
  int64_t hidden_size() const override { return model_->config().hidden_size; }
  std::string model_type() const override { return model_type_; }

 private:
  XlmRoberta model_{nullptr};
  std::string model_type_;
};

}  // namespace

MOTLAB_REGISTER(hf_backbone_family, "xlm-roberta", "XLM-RoBERTa encoder (multilingual-e5)",
                hf_backbone_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<HfBackbone> {
                  const HfBackboneSettings options = read_hf_backbone_settings(o, ctx);
                  return std::make_shared<XlmRobertaBackbone>(options, "xlm-roberta");
                });
MOTLAB_REGISTER(hf_backbone_family, "roberta", "RoBERTa encoder (same code as XLM-RoBERTa)",
                hf_backbone_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<HfBackbone> {
                  const HfBackboneSettings options = read_hf_backbone_settings(o, ctx);
                  return std::make_shared<XlmRobertaBackbone>(options, "roberta");
                });

}  // namespace motlab::nn
