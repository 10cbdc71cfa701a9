// protocol `threshold`: (b) a retrieved item also counts as correct when its caption is
// near-identical to the query's (TMR's "threshold" protocol: t on the (cos + 1) / 2 scale).
#include "framework/config/settings.h"
#include "framework/eval/protocol.h"
#include "framework/eval/retrieval_metrics.h"

namespace motlab::eval {
namespace {
struct ThresholdProtocolSettings {
  double threshold = 0.98;
};

SettingsSchema<ThresholdProtocolSettings> threshold_protocol_settings() {
  using S = ThresholdProtocolSettings;
  return SettingsSchema<S>().option(
      "threshold", &S::threshold,
      "caption similarity above which an item counts as correct (paper 0.98, TMR 0.95)",
      between(0, 1));
}

class Thresholded : public EvalProtocol {
 public:
  explicit Thresholded(double threshold) : threshold_(threshold) {}
  std::map<std::string, double> evaluate(const EvalInputs& in) override {
    return retrieval_metrics(cosine_similarity_matrix(in.text, in.motion), in.caption_similarity,
                             threshold_)
        .flat("");
  }
  bool needs_caption_similarity(const EvalInputs&) const override { return true; }

 private:
  double threshold_;
};
}  // namespace

MOTLAB_REGISTER(protocol_family, "threshold",
                "(b) near-identical captions also count as correct (t on the (cos+1)/2 scale)",
                threshold_protocol_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<EvalProtocol> {
                  return std::make_shared<Thresholded>(
                      threshold_protocol_settings().read(o).threshold);
                });
}  // namespace motlab::eval
