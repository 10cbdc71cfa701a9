// A plugin built by the tests (CMakeLists.txt, MOTLAB_BUILD_TESTS): one loss registered under
// MOTLAB_PROBE_KEY. Variants: the plain one (key plugin_probe, with a config folder), one that
// registers a built-in key again (a clash), and one stamped with other versions (refused).
#include "framework/config/settings.h"
#include "framework/model/interfaces.h"

#ifndef MOTLAB_PROBE_KEY
#define MOTLAB_PROBE_KEY "plugin_probe"
#endif

namespace motlab {
namespace {
struct ProbeLossSettings {
  double scale = 2.0;
};

SettingsSchema<ProbeLossSettings> probe_loss_settings() {
  using S = ProbeLossSettings;
  return SettingsSchema<S>().option("scale", &S::scale, "factor of the squared distance");
}

class ProbeLoss : public Loss {
 public:
  explicit ProbeLoss(double scale) : scale_(scale) {}
  LossOutput compute(const LossInputs& in) override {
    LossOutput out;
    out.total = scale_ * (in.text.mean - in.motion.mean).pow(2).mean();
    out.parts["probe"] = out.total.item<double>();
    return out;
  }

 private:
  double scale_;
};
}  // namespace

MOTLAB_REGISTER(loss_family, MOTLAB_PROBE_KEY, "squared distance (a test plugin's loss)",
                probe_loss_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Loss> {
                  return std::make_shared<ProbeLoss>(probe_loss_settings().read(o).scale);
                });
}  // namespace motlab
