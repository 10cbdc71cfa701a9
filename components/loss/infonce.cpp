// loss `infonce`: symmetric InfoNCE on cosine similarity / temperature, with TMR's negative
// filtering: off-diagonal pairs whose caption cosine exceeds 2t-1 are not used as negatives.
#include "framework/model/interfaces.h"
#include "framework/nn/contrastive.h"

namespace motlab {
namespace {
class InfoNceLoss : public Loss {
 public:
  InfoNceLoss(double temperature, std::optional<double> threshold)
      : temperature_(temperature), threshold_(threshold) {}
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
                OptionSchema()
                    .option<double>("temperature", 0.1, "softmax temperature of the logits")
                    .option<double>("threshold", 0.95,
                                    "captions this similar are not negatives ((cos+1)/2 scale; "
                                    "null = no filtering; paper: e5 at 0.95)"),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Loss> {
                  const double temperature = o.get<double>("temperature");
                  std::optional<double> threshold;
                  if (!o.is_null("threshold")) threshold = o.get<double>("threshold");
                  MOTLAB_CHECK(temperature > 0, o.describe("temperature"), ": must be > 0");
                  MOTLAB_CHECK(!threshold || (*threshold >= 0 && *threshold <= 1),
                               o.describe("threshold"),
                               ": threshold is on the (cos+1)/2 scale and must be in [0, 1]");
                  return std::make_shared<InfoNceLoss>(temperature, threshold);
                });
}  // namespace motlab
