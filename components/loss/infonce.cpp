// loss `infonce`: symmetric InfoNCE on cosine similarity / temperature, with TMR's negative
// filtering: off-diagonal pairs whose caption cosine exceeds 2t-1 are not used as negatives.
#include "framework/config/settings.h"
#include "framework/model/interfaces.h"
#include "framework/nn/contrastive.h"

namespace motlab {
namespace {
struct InfoNceSettings {
  double temperature = 0.1;
  std::optional<double> threshold = 0.95;
};

SettingsSchema<InfoNceSettings> infonce_settings() {
  using S = InfoNceSettings;
  return SettingsSchema<S>()
      .option("temperature", &S::temperature, "softmax temperature of the logits", above(0))
      .nullable("threshold", &S::threshold,
                "captions this similar are not negatives ((cos+1)/2 scale; null = no filtering; "
                "paper: e5 at 0.95)",
                between(0, 1));
}

class InfoNceLoss : public Loss {
 public:
  explicit InfoNceLoss(const InfoNceSettings& s)
      : temperature_(s.temperature), threshold_(s.threshold) {}
  LossOutput compute(const LossInputs& in) override {
    LossOutput out;
    out.total = nn::infonce(in.text.latent, in.motion.latent, temperature_, in.caption_similarity,
                            threshold_);
    out.parts["infonce"] = out.total.item<double>();
    return out;
  }
  bool needs_motions() const override { return false; }

 private:
  double temperature_;
  std::optional<double> threshold_;
};
}  // namespace

MOTLAB_REGISTER(loss_family, "infonce",
                "symmetric InfoNCE with negative filtering (threshold on the (cos+1)/2 scale)",
                infonce_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Loss> {
                  return std::make_shared<InfoNceLoss>(infonce_settings().read(o));
                });
}  // namespace motlab
