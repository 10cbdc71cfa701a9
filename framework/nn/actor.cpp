#include "framework/nn/actor.h"

#include <cmath>

#include "framework/core/error.h"

namespace motlab::nn {

SettingsSchema<ActorSettings> actor_settings(const std::string& what, bool motion_input) {
  using S = ActorSettings;
  SettingsSchema<S> schema;
  if (motion_input)
    schema.option("nfeats", &S::nfeats, "motion feature size (HumanML3D: 263)", above(0));
  return schema
      .option("latent_dim", &S::latent_dim, "width of the " + what + " and its latent", above(0))
      .option("ff_size", &S::ff_size, "feed-forward width of each layer", above(0))
      .option("num_layers", &S::num_layers, "transformer layers of the " + what, above(0))
      .option("num_heads", &S::num_heads, "attention heads", above(0))
      .option("dropout", &S::dropout, "dropout in the " + what, between(0, 0.999999))
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.latent_dim % s.num_heads == 0, where("num_heads"), ": latent_dim (",
                     s.latent_dim, ") must be a multiple of num_heads (", s.num_heads, ")");
      });
}

namespace {
constexpr int64_t kMaxLen = 5000;  // TMR's PositionalEncoding max_len

TransformerLayerSettings layer_options(const ActorSettings& o) {
  TransformerLayerSettings layer;
  layer.d_model = o.latent_dim;
  layer.num_heads = o.num_heads;
  layer.dim_feedforward = o.ff_size;
  layer.dropout = o.dropout;
  return layer;
}
}  // namespace

torch::Tensor sinusoidal_positions(int64_t max_len, int64_t dim) {
  torch::Tensor position = torch::arange(max_len, torch::kFloat).unsqueeze(1);
  torch::Tensor div = torch::exp(torch::arange(0, dim, 2, torch::kFloat) *
                                 (-std::log(10000.0) / static_cast<double>(dim)));
  torch::Tensor table = torch::zeros({max_len, dim});
  table.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, torch::indexing::None, 2)},
                   torch::sin(position * div));
  table.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, torch::indexing::None, 2)},
                   torch::cos(position * div));
  return table;
}

ActorStyleEncoderImpl::ActorStyleEncoderImpl(const ActorSettings& options) : options_(options) {
  MOTLAB_CHECK(options.latent_dim % options.num_heads == 0, "actor encoder: latent_dim ",
               options.latent_dim, " is not divisible by num_heads ", options.num_heads);
  embedding_ = register_module("embedding", torch::nn::Linear(options.nfeats, options.latent_dim));
  tokens_ = register_parameter("tokens", torch::randn({options.vae ? 2 : 1, options.latent_dim}));
  positions_ = register_buffer("positions", sinusoidal_positions(kMaxLen, options.latent_dim));
  encoder_ =
      register_module("encoder", TransformerEncoder(layer_options(options), options.num_layers));
}

torch::Tensor ActorStyleEncoderImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  return forward_sequence(x, mask).narrow(1, 0, tokens_.size(0));
}

torch::Tensor ActorStyleEncoderImpl::forward_sequence(const torch::Tensor& x,
                                                      const torch::Tensor& mask) {
  MOTLAB_CHECK(x.dim() == 3 && x.size(2) == options_.nfeats, "actor encoder: expected [B, T, ",
               options_.nfeats, "] input, got ", x.sizes());
  MOTLAB_CHECK(mask.dim() == 2 && mask.size(0) == x.size(0) && mask.size(1) == x.size(1),
               "actor encoder: mask ", mask.sizes(), " does not match input ", x.sizes());
  const int64_t batch = x.size(0), n_tokens = tokens_.size(0);
  MOTLAB_CHECK(x.size(1) + n_tokens <= kMaxLen, "actor encoder: sequence longer than ", kMaxLen);
  torch::Tensor h = embedding_->forward(x);
  torch::Tensor tokens = tokens_.unsqueeze(0).expand({batch, n_tokens, options_.latent_dim});
  torch::Tensor sequence = torch::cat({tokens, h}, 1);  // [B, N + T, latent]
  sequence = sequence + positions_.narrow(0, 0, sequence.size(1)).unsqueeze(0);
  sequence = fast_dropout(sequence, options_.dropout, is_training());
  torch::Tensor token_mask = torch::ones({batch, n_tokens}, mask.options().dtype(torch::kBool));
  torch::Tensor valid = torch::cat({token_mask, mask.to(torch::kBool)}, 1);
  return encoder_->forward(sequence, /*padding=*/~valid);
}

ActorStyleDecoderImpl::ActorStyleDecoderImpl(const ActorSettings& options) : options_(options) {
  positions_ = register_buffer("positions", sinusoidal_positions(kMaxLen, options.latent_dim));
  decoder_ =
      register_module("decoder", TransformerDecoder(layer_options(options), options.num_layers));
  final_ = register_module("final", torch::nn::Linear(options.latent_dim, options.nfeats));
}

torch::Tensor ActorStyleDecoderImpl::forward(const torch::Tensor& z, const torch::Tensor& mask) {
  const int64_t batch = z.size(0), frames = mask.size(1);
  torch::Tensor queries = torch::zeros({batch, frames, options_.latent_dim}, z.options()) +
                          positions_.narrow(0, 0, frames).unsqueeze(0);
  queries = fast_dropout(queries, options_.dropout, is_training());
  torch::Tensor memory = z.unsqueeze(1);  // [B, 1, latent]
  torch::Tensor out = decoder_->forward(queries, memory, /*padding=*/~mask.to(torch::kBool));
  torch::Tensor motion = final_->forward(out);
  return motion * mask.unsqueeze(-1).to(motion.dtype());
}

int64_t parameter_count(const torch::nn::Module& module, bool trainable_only) {
  int64_t total = 0;
  for (const auto& p : module.parameters())
    if (!trainable_only || p.requires_grad()) total += p.numel();
  return total;
}

}  // namespace motlab::nn
