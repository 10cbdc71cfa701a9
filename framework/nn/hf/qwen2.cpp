#include "framework/nn/hf/qwen2.h"

#include <cmath>

#include "framework/core/error.h"
#include "framework/io/safetensors.h"
#include "framework/io/weight_loading.h"
#include "framework/nn/hf/backbone.h"
#include "framework/nn/kv_pruner.h"

namespace motlab::nn {

std::pair<torch::Tensor, torch::Tensor> rope_cos_sin(int64_t start, int64_t length,
                                                     int64_t head_dim, double theta,
                                                     torch::Device device,
                                                     torch::ScalarType dtype) {
  auto f32 = torch::TensorOptions().dtype(torch::kFloat).device(device);
  torch::Tensor exponent =
      torch::arange(0, head_dim, 2, f32.dtype(torch::kLong)).to(torch::kFloat) /
      static_cast<double>(head_dim);
  torch::Tensor inv_freq = 1.0 / torch::pow(torch::tensor(theta, f32), exponent);  // [D/2]
  torch::Tensor positions =
      torch::arange(start, start + length, f32.dtype(torch::kLong)).to(torch::kFloat);
  torch::Tensor freqs = torch::outer(positions, inv_freq);  // [L, D/2]
  torch::Tensor emb = torch::cat({freqs, freqs}, -1);       // [L, D]
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos,
                         const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  torch::Tensor rotated = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * cos + rotated * sin;
}

Qwen2RmsNormImpl::Qwen2RmsNormImpl(int64_t dim, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor Qwen2RmsNormImpl::forward(const torch::Tensor& x) {
  const auto input_dtype = x.scalar_type();
  torch::Tensor h = x.to(torch::kFloat);
  h = h * torch::rsqrt(h.pow(2).mean(-1, /*keepdim=*/true) + eps_);
  return weight * h.to(input_dtype);
}

Qwen2AttentionImpl::Qwen2AttentionImpl(const Qwen2Config& c)
    : heads_(c.num_attention_heads), kv_heads_(c.num_key_value_heads), head_dim_(c.head_dim) {
  q_proj = register_module("q_proj", LoraLinear(c.hidden_size, heads_ * head_dim_, true));
  k_proj = register_module("k_proj", LoraLinear(c.hidden_size, kv_heads_ * head_dim_, true));
  v_proj = register_module("v_proj", LoraLinear(c.hidden_size, kv_heads_ * head_dim_, true));
  o_proj = register_module("o_proj", LoraLinear(heads_ * head_dim_, c.hidden_size, false));
}

torch::Tensor Qwen2AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                          const torch::Tensor& sin, LayerKvCache& cache,
                                          torch::Tensor* queries) {
  const int64_t batch = x.size(0), length = x.size(1);
  auto heads_first = [&](const torch::Tensor& t, int64_t heads) {
    return t.view({batch, length, heads, head_dim_}).transpose(1, 2);  // [B, heads, L, D]
  };
  torch::Tensor q = apply_rope(heads_first(q_proj(x), heads_), cos, sin);
  torch::Tensor k = apply_rope(heads_first(k_proj(x), kv_heads_), cos, sin);
  torch::Tensor v = heads_first(v_proj(x), kv_heads_);
  cache.append(k, v);
  torch::Tensor attended = cache.attend(q, /*causal=*/true);  // [B, Hq, L, D]
  if (queries) *queries = q;
  return o_proj(attended.transpose(1, 2).reshape({batch, length, heads_ * head_dim_}));
}

namespace {

// Causal self-attention over a whole sequence:
// q [B, Hq, L, D], k/v [B, Hkv, L, D] -> [B, Hq, L, D].
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v) {
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
  const int64_t group = q.size(1) / k.size(1);
  auto per_query_head = [group](const torch::Tensor& t) {
    if (group == 1) return t;
    const auto s = t.sizes();
    return t.unsqueeze(2)
        .expand({s[0], s[1], group, s[2], s[3]})
        .reshape({s[0], s[1] * group, s[2], s[3]});
  };
  return at::scaled_dot_product_attention(q, per_query_head(k), per_query_head(v), {}, 0.0,
                                          /*is_causal=*/true);
#else
  LayerKvCache cache;  // the explicit path (float32 softmax), as the cached forward computes it
  cache.append(k, v);
  return cache.attend(q, /*causal=*/true);
#endif
}

}  // namespace

torch::Tensor Qwen2AttentionImpl::forward_inference(const torch::Tensor& x,
                                                    const torch::Tensor& cos,
                                                    const torch::Tensor& sin) {
  const int64_t batch = x.size(0), length = x.size(1);
  const std::vector<torch::Tensor> weights{q_proj->inference_weight(), k_proj->inference_weight(),
                                           v_proj->inference_weight()};
  std::vector<int64_t> stamp = tensor_stamp(weights);
  for (auto& t : tensor_stamp({q_proj->bias, k_proj->bias, v_proj->bias})) stamp.push_back(t);
  if (!qkv_weight_.defined() || stamp != qkv_stamp_) {
    qkv_weight_ = torch::cat(weights, 0);
    qkv_bias_ = torch::cat({q_proj->bias, k_proj->bias, v_proj->bias}, 0);
    qkv_stamp_ = std::move(stamp);
  }
  const int64_t q_width = heads_ * head_dim_, kv_width = kv_heads_ * head_dim_;
  const std::vector<torch::Tensor> qkv = torch::nn::functional::linear(x, qkv_weight_, qkv_bias_)
                                             .split_with_sizes({q_width, kv_width, kv_width}, -1);
  auto heads_first = [&](const torch::Tensor& t, int64_t heads) {
    return t.reshape({batch, length, heads, head_dim_}).transpose(1, 2);  // [B, heads, L, D]
  };
  torch::Tensor q = apply_rope(heads_first(qkv[0], heads_), cos, sin);
  torch::Tensor k = apply_rope(heads_first(qkv[1], kv_heads_), cos, sin);
  torch::Tensor v = heads_first(qkv[2], kv_heads_);
  torch::Tensor attended = causal_attention(q, k, v);  // [B, Hq, L, D]
  return torch::nn::functional::linear(attended.transpose(1, 2).reshape({batch, length, q_width}),
                                       o_proj->inference_weight(), o_proj->bias);
}

Qwen2MlpImpl::Qwen2MlpImpl(const Qwen2Config& c) {
  gate_proj = register_module("gate_proj", LoraLinear(c.hidden_size, c.intermediate_size, false));
  up_proj = register_module("up_proj", LoraLinear(c.hidden_size, c.intermediate_size, false));
  down_proj = register_module("down_proj", LoraLinear(c.intermediate_size, c.hidden_size, false));
}

torch::Tensor Qwen2MlpImpl::forward(const torch::Tensor& x) {
  return down_proj(torch::silu(gate_proj(x)) * up_proj(x));
}

torch::Tensor Qwen2MlpImpl::forward_inference(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  torch::Tensor gate, up;
  const bool folded = (gate_proj->has_adapter() && !gate_proj->merged()) ||
                      (up_proj->has_adapter() && !up_proj->merged());
  if (folded) {
    const std::vector<torch::Tensor> weights{gate_proj->inference_weight(),
                                             up_proj->inference_weight()};
    std::vector<int64_t> stamp = tensor_stamp(weights);
    if (!gate_up_weight_.defined() || stamp != gate_up_stamp_) {
      gate_up_weight_ = torch::cat(weights, 0);
      gate_up_stamp_ = std::move(stamp);
    }
    const auto parts = F::linear(x, gate_up_weight_).chunk(2, -1);
    gate = parts[0];
    up = parts[1];
  } else {
    gate_up_weight_ = torch::Tensor();
    gate = F::linear(x, gate_proj->weight);
    up = F::linear(x, up_proj->weight);
  }
  return F::linear(torch::silu(gate) * up, down_proj->inference_weight());
}

Qwen2DecoderLayerImpl::Qwen2DecoderLayerImpl(const Qwen2Config& c) {
  self_attn = register_module("self_attn", Qwen2Attention(c));
  mlp = register_module("mlp", Qwen2Mlp(c));
  input_layernorm = register_module("input_layernorm", Qwen2RmsNorm(c.hidden_size, c.rms_norm_eps));
  post_attention_layernorm =
      register_module("post_attention_layernorm", Qwen2RmsNorm(c.hidden_size, c.rms_norm_eps));
}

torch::Tensor Qwen2DecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& cos,
                                             const torch::Tensor& sin, LayerKvCache& cache,
                                             torch::Tensor* queries) {
  torch::Tensor h = x + self_attn(input_layernorm(x), cos, sin, cache, queries);
  return h + mlp(post_attention_layernorm(h));
}

Qwen2ForCausalLMImpl::Body::Body(const Qwen2Config& c) {
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(Qwen2DecoderLayer(c));
  norm = register_module("norm", Qwen2RmsNorm(c.hidden_size, c.rms_norm_eps));
}

Qwen2ForCausalLMImpl::Qwen2ForCausalLMImpl(const Qwen2Config& config) : config_(config) {
  model = register_module("model", std::make_shared<Body>(config));
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters())
      if (p.dim() == 2) p.normal_(0.0, 0.02);  // initializer_range (checkpoints overwrite it)
  }
  if (!config.tie_word_embeddings) {
    lm_head = register_module(
        "lm_head",
        torch::nn::Linear(
            torch::nn::LinearOptions(config.hidden_size, config.vocab_size).bias(false)));
    torch::NoGradGuard no_grad;
    lm_head->weight.normal_(0.0, 0.02);
  }
}

torch::Tensor Qwen2ForCausalLMImpl::forward(const torch::Tensor& input_ids, KvCache& cache,
                                            KvPruner* pruner) {
  MOTLAB_CHECK(input_ids.dim() == 2, "qwen2: input_ids must be [B, L], got ", input_ids.sizes());
  const int64_t layers = config_.num_hidden_layers;
  if (cache.layers.empty()) cache.layers.resize(static_cast<size_t>(layers));
  MOTLAB_CHECK(static_cast<int64_t>(cache.layers.size()) == layers, "qwen2: the cache has ",
               cache.layers.size(), " layers, the model ", layers);
  const int64_t start = cache.layers[0].length();
  torch::Tensor h = model->embed_tokens(input_ids);
  auto [cos, sin] = rope_cos_sin(start, input_ids.size(1), config_.head_dim, config_.rope_theta,
                                 h.device(), h.scalar_type());
  for (int64_t i = 0; i < layers; ++i) {
    torch::Tensor queries;
    auto* layer = model->layers[static_cast<size_t>(i)]->as<Qwen2DecoderLayerImpl>();
    LayerKvCache& layer_cache = cache.layers[static_cast<size_t>(i)];
    h = layer->forward(h, cos, sin, layer_cache, pruner ? &queries : nullptr);
    if (pruner) pruner->compress(layer_cache, queries, i);
  }
  return model->norm(h);
}

torch::Tensor Qwen2ForCausalLMImpl::forward(const torch::Tensor& input_ids) {
  if (is_training() || torch::GradMode::is_enabled()) {
    KvCache cache;
    return forward(input_ids, cache, nullptr);
  }
  MOTLAB_CHECK(input_ids.dim() == 2, "qwen2: input_ids must be [B, L], got ", input_ids.sizes());
  torch::Tensor h = model->embed_tokens(input_ids);
  const int64_t length = input_ids.size(1);
  if (!rope_cos_.defined() || rope_cos_.size(0) != length || rope_cos_.device() != h.device() ||
      rope_cos_.scalar_type() != h.scalar_type())
    std::tie(rope_cos_, rope_sin_) =
        rope_cos_sin(0, length, config_.head_dim, config_.rope_theta, h.device(), h.scalar_type());
  for (const auto& item : *model->layers) {
    auto* layer = item->as<Qwen2DecoderLayerImpl>();
    h = h + layer->self_attn->forward_inference(layer->input_layernorm(h), rope_cos_, rope_sin_);
    h = h + layer->mlp->forward_inference(layer->post_attention_layernorm(h));
  }
  return model->norm(h);
}

torch::Tensor Qwen2ForCausalLMImpl::logits(const torch::Tensor& hidden) {
  const torch::Tensor& head = lm_head ? lm_head->weight : model->embed_tokens->weight;
  return torch::matmul(hidden, head.t());
}

void Qwen2ForCausalLMImpl::load_pretrained(const std::string& model_dir) {
  const io::Checkpoint checkpoint = io::Checkpoint::open(model_dir);
  io::WeightLoadSettings options;
  options.rename_layer_norm_gamma_beta = false;
  // Rotary inverse frequencies are recomputed; a tied head needs no tensor of its own.
  options.allow_unexpected = {"*rotary_emb.inv_freq*"};
  if (config_.tie_word_embeddings) options.allow_unexpected.push_back("lm_head.weight");
  io::load_weights(*this, checkpoint, options);
}

std::vector<std::pair<std::string, torch::Tensor>> Qwen2ForCausalLMImpl::hf_state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : named_parameters(/*recurse=*/true)) {
    const std::string& name = item.key();
    if (name.find(".lora_A.") != std::string::npos || name.find(".lora_B.") != std::string::npos)
      continue;
    out.emplace_back(name, item.value().detach());
  }
  return out;
}

namespace {

// hf_backbone "qwen2": the decoder's last hidden state (after model.norm).
class Qwen2Backbone : public HfBackbone {
 public:
  explicit Qwen2Backbone(const HfBackboneSettings& options) {
    const auto config = Qwen2Config::from_hf(io::HfConfig::load(options.model_dir));
    model_ = register_module("qwen2", Qwen2ForCausalLM(config));
    model_->load_pretrained(options.model_dir);
    model_->to(options.device, options.scalar_type());
  }
  torch::Tensor last_hidden_state(const torch::Tensor& input_ids,
                                  const torch::Tensor& attention_mask) override {
    // Right padding only: a causal model's real tokens never see later pad positions.
    if (attention_mask.defined()) {
      torch::Tensor mask = attention_mask.to(torch::kBool);
      torch::Tensor lengths = mask.sum(1);
      torch::Tensor expected =
          torch::arange(mask.size(1), lengths.options()).unsqueeze(0) < lengths.unsqueeze(1);
      MOTLAB_CHECK(torch::equal(mask.cpu(), expected.cpu()),
                   "qwen2: only right padding is supported (attention_mask must be 1...1 0...0)");
    }
    return model_->forward(input_ids);
  }
  int64_t hidden_size() const override { return model_->config().hidden_size; }
  std::string model_type() const override { return "qwen2"; }

 private:
  Qwen2ForCausalLM model_{nullptr};
};

}  // namespace

MOTLAB_REGISTER(hf_backbone_family, "qwen2", "Qwen2 decoder (Qwen2ForCausalLM weights)",
                hf_backbone_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<HfBackbone> {
                  const HfBackboneSettings options = read_hf_backbone_settings(o, ctx);
                  return std::make_shared<Qwen2Backbone>(options);
                });

}  // namespace motlab::nn
