// loss `tmr`: TMR's composite objective (Mathux/TMR src/model/tmr.py): both latents are decoded
// (with the ground-truth motion's mask) and compared to the motion, plus KL terms, latent
// agreement and the filtered InfoNCE:
//   recons       SmoothL1(dec(z_text), x) + SmoothL1(dec(z_motion), x)   (mean over B*T*F)
//   kl           KL(t||m) + KL(m||t) + KL(m||N(0,I)) + KL(t||N(0,I))
//   latent       SmoothL1(z_text, z_motion)
//   contrastive  InfoNCE(z_text, z_motion) with negative filtering
// total = sum of weight * term (TMR: 1.0, 1e-5, 1e-5, 0.1; temperature 0.1, threshold 0.80).
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"
#include "framework/nn/contrastive.h"
#include "framework/nn/gaussian.h"

namespace motlab {
namespace {
struct TmrLossSettings {
  nn::ActorSettings decoder;
  double weight_recons = 1.0, weight_kl = 1e-5, weight_latent = 1e-5, weight_contrastive = 0.1;
  double temperature = 0.1;
  std::optional<double> threshold = 0.80;
};

SettingsSchema<TmrLossSettings> tmr_loss_settings() {
  using S = TmrLossSettings;
  return SettingsSchema<S>()
      .flat(&S::decoder, nn::actor_settings("decoder"))
      .option("weight_recons", &S::weight_recons, "weight of the motion reconstruction")
      .option("weight_kl", &S::weight_kl, "weight of the KL terms")
      .option("weight_latent", &S::weight_latent, "weight of the latent L1 term")
      .option("weight_contrastive", &S::weight_contrastive, "weight of the InfoNCE term")
      .option("temperature", &S::temperature, "softmax temperature of InfoNCE", above(0))
      .nullable("threshold", &S::threshold,
                "captions this similar are not negatives ((cos+1)/2 scale; null = no filtering; "
                "TMR: MPNet at 0.80)",
                between(0, 1));
}

class TmrLoss : public Loss {
 public:
  explicit TmrLoss(const TmrLossSettings& settings) : settings_(settings) {
    decoder_ = register_module("decoder", nn::ActorStyleDecoder(settings.decoder));
  }
  LossOutput compute(const LossInputs& in) override {
    MOTLAB_CHECK(in.motions, "loss 'tmr' needs the ground-truth motions (reconstruction)");
    MOTLAB_CHECK(in.text.logvar.defined() && in.motion.logvar.defined(),
                 "loss 'tmr' needs VAE encoders on both sides (mean and logvar)");
    const torch::Tensor& reference = in.motions->features;
    const torch::Tensor& mask = in.motions->mask;
    namespace F = torch::nn::functional;
    torch::Tensor recons = F::smooth_l1_loss(decoder_->forward(in.text.latent, mask), reference) +
                           F::smooth_l1_loss(decoder_->forward(in.motion.latent, mask), reference);
    torch::Tensor zeros = torch::zeros_like(in.text.mean);
    torch::Tensor kl =
        nn::gaussian_kl(in.text.mean, in.text.logvar, in.motion.mean, in.motion.logvar) +
        nn::gaussian_kl(in.motion.mean, in.motion.logvar, in.text.mean, in.text.logvar) +
        nn::gaussian_kl(in.motion.mean, in.motion.logvar, zeros, zeros) +
        nn::gaussian_kl(in.text.mean, in.text.logvar, zeros, zeros);
    torch::Tensor latent = F::smooth_l1_loss(in.text.latent, in.motion.latent);
    torch::Tensor contrastive = nn::infonce(in.text.latent, in.motion.latent, settings_.temperature,
                                            in.caption_similarity, settings_.threshold);
    const TmrLossSettings& w = settings_;
    LossOutput out;
    out.total = w.weight_recons * recons + w.weight_kl * kl + w.weight_latent * latent +
                w.weight_contrastive * contrastive;
    out.parts["recons"] = w.weight_recons * recons.item<double>();
    out.parts["kl"] = w.weight_kl * kl.item<double>();
    out.parts["latent"] = w.weight_latent * latent.item<double>();
    out.parts["contrastive"] = w.weight_contrastive * contrastive.item<double>();
    return out;
  }

 private:
  TmrLossSettings settings_;
  nn::ActorStyleDecoder decoder_{nullptr};
};
}  // namespace

MOTLAB_REGISTER(loss_family, "tmr",
                "TMR's composite loss: reconstruction, KL, latent and filtered InfoNCE",
                tmr_loss_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<Loss> {
                  auto loss = std::make_shared<TmrLoss>(tmr_loss_settings().read(o));
                  loss->to(ctx.device);
                  return loss;
                });
}  // namespace motlab
