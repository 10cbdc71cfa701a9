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
struct TmrLossWeights {
  double recons, kl, latent, contrastive;
};

class TmrLoss : public Loss {
 public:
  TmrLoss(const nn::ActorOptions& decoder, TmrLossWeights weights, double temperature,
          std::optional<double> threshold)
      : weights_(weights), temperature_(temperature), threshold_(threshold) {
    decoder_ = register_module("decoder", nn::ActorStyleDecoder(decoder));
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
    torch::Tensor contrastive = nn::infonce(in.text.latent, in.motion.latent, temperature_,
                                            in.caption_similarity, threshold_);
    LossOutput out;
    out.total = weights_.recons * recons + weights_.kl * kl + weights_.latent * latent +
                weights_.contrastive * contrastive;
    out.parts["recons"] = weights_.recons * recons.item<double>();
    out.parts["kl"] = weights_.kl * kl.item<double>();
    out.parts["latent"] = weights_.latent * latent.item<double>();
    out.parts["contrastive"] = weights_.contrastive * contrastive.item<double>();
    return out;
  }

 private:
  TmrLossWeights weights_;
  double temperature_;
  std::optional<double> threshold_;
  nn::ActorStyleDecoder decoder_{nullptr};
};
}  // namespace

MOTLAB_REGISTER(loss_family, "tmr",
                "TMR's composite loss: reconstruction, KL, latent and filtered InfoNCE",
                nn::actor_option_schema("decoder")
                    .option<double>("weight_recons", 1.0, "weight of the motion reconstruction")
                    .option<double>("weight_kl", 1e-5, "weight of the KL terms")
                    .option<double>("weight_latent", 1e-5, "weight of the latent L1 term")
                    .option<double>("weight_contrastive", 0.1, "weight of the InfoNCE term")
                    .option<double>("temperature", 0.1, "softmax temperature of InfoNCE")
                    .option<double>("threshold", 0.80,
                                    "captions this similar are not negatives ((cos+1)/2 scale; "
                                    "null = no filtering; TMR: MPNet at 0.80)"),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<Loss> {
                  const nn::ActorOptions decoder = nn::read_actor_options(o);
                  TmrLossWeights w;
                  w.recons = o.get<double>("weight_recons");
                  w.kl = o.get<double>("weight_kl");
                  w.latent = o.get<double>("weight_latent");
                  w.contrastive = o.get<double>("weight_contrastive");
                  const double temperature = o.get<double>("temperature");
                  std::optional<double> threshold;
                  if (!o.is_null("threshold")) threshold = o.get<double>("threshold");
                  auto loss = std::make_shared<TmrLoss>(decoder, w, temperature, threshold);
                  loss->to(ctx.device);
                  return loss;
                });
}  // namespace motlab
