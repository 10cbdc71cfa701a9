// motion_encoder `tmr`: TMR's ACTOR-style VAE transformer encoder. Retrieval uses the mean
// token; training samples mu + eps * exp(logvar / 2), as TMR's losses do.
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"

namespace motlab {
namespace {
class TmrMotionEncoder : public MotionEncoder {
 public:
  explicit TmrMotionEncoder(const nn::ActorSettings& options) {
    encoder_ = register_module("encoder", nn::ActorStyleEncoder(options));
  }
  Embedding encode(const MotionBatch& batch) override {
    torch::Tensor sequence = encoder_->forward_sequence(batch.features, batch.mask);
    Embedding out = gaussian_embedding(sequence.select(1, 0), sequence.select(1, 1), is_training());
    out.tokens = sequence.narrow(1, 2, sequence.size(1) - 2);  // per-frame outputs [B, T, 256]
    out.token_mask = batch.mask;
    return out;
  }
  int64_t embedding_dim() const override { return encoder_->options().latent_dim; }
  int64_t token_dim() const override { return encoder_->options().latent_dim; }

 private:
  nn::ActorStyleEncoder encoder_{nullptr};
};

}  // namespace

MOTLAB_REGISTER(motion_encoder_family, "tmr", "TMR's ACTOR-style VAE transformer encoder",
                nn::actor_settings("encoder").options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<MotionEncoder> {
                  auto encoder =
                      std::make_shared<TmrMotionEncoder>(nn::actor_settings("encoder").read(o));
                  encoder->to(ctx.device);
                  return encoder;
                });
}  // namespace motlab
