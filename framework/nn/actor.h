// TMR's ACTOR-style transformer encoder and decoder (Mathux/TMR src/model/actor.py).
// Encoder: Linear(nfeats -> latent), 2 learned distribution tokens (mu, logvar) prepended (never
// masked), sinusoidal positions over the whole sequence (tokens at 0, 1; frame t at t + 2),
// dropout, post-LN nn.TransformerEncoder (GELU, eps 1e-5, no final norm); outputs the 2 tokens.
// Decoder: queries = zeros + positions for each frame, memory = the latent as one token,
// TransformerDecoder, Linear(latent -> nfeats), padded frames set to 0.
#pragma once
#include <torch/torch.h>

#include "framework/config/settings.h"
#include "framework/nn/transformer.h"

namespace motlab::nn {

struct ActorSettings {
  int64_t nfeats = 263;
  int64_t latent_dim = 256;
  int64_t ff_size = 1024;
  int64_t num_layers = 6;
  int64_t num_heads = 4;
  double dropout = 0.1;
  bool vae = true;  // 2 distribution tokens (mu, logvar); false: 1 token
};

// The options of an ACTOR-style transformer as a component declares them (defaults: TMR's paper
// size, the ActorSettings above); `what` names it in the help ("encoder", "decoder").
// `motion_input`: whether `nfeats` is an option (a text encoder derives its input width).
SettingsSchema<ActorSettings> actor_settings(const std::string& what, bool motion_input = true);

// Sinusoidal table [max_len, dim]: sin on even dims, cos on odd dims, base 10000.
torch::Tensor sinusoidal_positions(int64_t max_len, int64_t dim);

class ActorStyleEncoderImpl : public torch::nn::Module {
 public:
  explicit ActorStyleEncoderImpl(const ActorSettings& options);
  // x [B, T, nfeats], mask [B, T] bool (true = real frame) -> tokens [B, 2 (or 1), latent].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
  // The whole output sequence [B, N + T, latent] (N distribution tokens, then one per frame).
  torch::Tensor forward_sequence(const torch::Tensor& x, const torch::Tensor& mask);
  const ActorSettings& options() const { return options_; }

 private:
  ActorSettings options_;
  torch::nn::Linear embedding_{nullptr};
  torch::Tensor tokens_;     // [2 or 1, latent]
  torch::Tensor positions_;  // buffer [max_len, latent]
  TransformerEncoder encoder_{nullptr};
};
TORCH_MODULE(ActorStyleEncoder);

class ActorStyleDecoderImpl : public torch::nn::Module {
 public:
  explicit ActorStyleDecoderImpl(const ActorSettings& options);
  // z [B, latent], mask [B, T] bool -> motion [B, T, nfeats] with padded frames zeroed.
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& mask);

 private:
  ActorSettings options_;
  torch::Tensor positions_;
  TransformerDecoder decoder_{nullptr};
  torch::nn::Linear final_{nullptr};
};
TORCH_MODULE(ActorStyleDecoder);

int64_t parameter_count(const torch::nn::Module& module, bool trainable_only = false);

}  // namespace motlab::nn
