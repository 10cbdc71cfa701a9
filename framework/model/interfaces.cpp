#include "framework/model/interfaces.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(motion_encoder_family, MotionEncoder, "motion_encoder", "motion_encoder",
                     "motion features [B,T,F] -> joint embedding")
MOTLAB_DEFINE_FAMILY(text_encoder_family, TextEncoder, "text_encoder", "text_encoder",
                     "captions -> joint embedding")
MOTLAB_DEFINE_FAMILY(loss_family, Loss, "loss", "loss",
                     "training objective on text/motion embeddings")
MOTLAB_DEFINE_FAMILY(text_similarity_family, TextSimilarity, "text_similarity", "text_similarity",
                     "sentence similarity for negative filtering and thresholded protocols")

std::string component_key(const Config& node) {
  MOTLAB_CHECK(node.is_dict(), node.describe(),
               ": expected a component config (a dict with _target_), got ", node.kind_name());
  MOTLAB_CHECK(node.has("_target_"), node.describe(), ": component config has no '_target_' key");
  return node.get<std::string>("_target_");
}

}  // namespace motlab
