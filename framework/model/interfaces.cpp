#include "framework/model/interfaces.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(motion_encoder_family, "motion_encoder", "motion_encoder",
                     "motion features [B,T,F] -> joint embedding", std::shared_ptr<MotionEncoder>,
                     const Config&, const BuildContext&)
MOTLAB_DEFINE_FAMILY(text_encoder_family, "text_encoder", "text_encoder",
                     "captions -> joint embedding", std::shared_ptr<TextEncoder>, const Config&,
                     const BuildContext&)
MOTLAB_DEFINE_FAMILY(loss_family, "loss", "loss", "training objective on text/motion embeddings",
                     std::shared_ptr<Loss>, const Config&, const BuildContext&)
MOTLAB_DEFINE_FAMILY(text_similarity_family, "text_similarity", "text_similarity",
                     "sentence similarity for negative filtering and thresholded protocols",
                     std::shared_ptr<TextSimilarity>, const Config&, const BuildContext&)

std::string component_key(const Config& node) {
  MOTLAB_CHECK(node.is_dict(), node.describe(), ": expected a component config (a dict with _target_), got ",
               node.kind_name());
  MOTLAB_CHECK(node.has("_target_"), node.describe(), ": component config has no '_target_' key");
  return node.get<std::string>("_target_");
}

namespace {
template <class FamilyT>
auto build(FamilyT& family, const Config& node, const BuildContext& ctx) {
  const std::string key = component_key(node);
  return family.create(key, node["_target_"].describe(), node, ctx);
}
}  // namespace

std::shared_ptr<MotionEncoder> make_motion_encoder(const Config& node, const BuildContext& ctx) {
  return build(motion_encoder_family(), node, ctx);
}
std::shared_ptr<TextEncoder> make_text_encoder(const Config& node, const BuildContext& ctx) {
  return build(text_encoder_family(), node, ctx);
}
std::shared_ptr<Loss> make_loss(const Config& node, const BuildContext& ctx) {
  return build(loss_family(), node, ctx);
}
std::shared_ptr<TextSimilarity> make_text_similarity(const Config& node, const BuildContext& ctx) {
  return build(text_similarity_family(), node, ctx);
}

}  // namespace motlab
