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
  double recons = 1.0, kl = 1e-5, latent = 1e-5, contrastive = 0.1;
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
                [](const Config& node, const BuildContext& ctx) -> std::shared_ptr<Loss> {
                  Options options(node, "loss 'tmr'");
                  nn::ActorOptions decoder;
                  decoder.nfeats = options.get<int64_t>("nfeats", decoder.nfeats);
                  decoder.latent_dim = options.get<int64_t>("latent_dim", decoder.latent_dim);
                  decoder.ff_size = options.get<int64_t>("ff_size", decoder.ff_size);
                  decoder.num_layers = options.get<int64_t>("num_layers", decoder.num_layers);
                  decoder.num_heads = options.get<int64_t>("num_heads", decoder.num_heads);
                  decoder.dropout = options.get<double>("dropout", decoder.dropout);
                  TmrLossWeights w;
                  w.recons = options.get<double>("weight_recons", w.recons);
                  w.kl = options.get<double>("weight_kl", w.kl);
                  w.latent = options.get<double>("weight_latent", w.latent);
                  w.contrastive = options.get<double>("weight_contrastive", w.contrastive);
                  const double temperature = options.get<double>("temperature", 0.1);
                  std::optional<double> threshold;
                  if (node.has("threshold") && !node["threshold"].is_null())
                    threshold = options.get<double>("threshold", 0.80);
                  else
                    options.node("threshold");
                  options.finish();
                  auto loss = std::make_shared<TmrLoss>(decoder, w, temperature, threshold);
                  loss->to(ctx.device);
                  return loss;
                });
}  // namespace motlab
