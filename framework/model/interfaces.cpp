#include "framework/model/interfaces.h"

#include "framework/dist/data_parallel.h"

namespace motlab {

MOTLAB_DEFINE_FAMILY(motion_encoder_family, MotionEncoder, "motion_encoder", "motion_encoder",
                     "motion features [B,T,F] -> joint embedding")
MOTLAB_DEFINE_FAMILY(text_encoder_family, TextEncoder, "text_encoder", "text_encoder",
                     "captions -> joint embedding")
MOTLAB_DEFINE_FAMILY(loss_family, Loss, "loss", "loss",
                     "training objective on text/motion embeddings")
MOTLAB_DEFINE_FAMILY(text_similarity_family, TextSimilarity, "text_similarity", "text_similarity",
                     "sentence similarity for negative filtering and thresholded protocols")

Embedding gaussian_embedding(torch::Tensor mean, torch::Tensor logvar, bool training) {
  Embedding out;
  out.latent = training ? mean + dist::randn_rows_like(mean) * torch::exp(logvar / 2) : mean;
  out.mean = std::move(mean);
  out.logvar = std::move(logvar);
  return out;
}

std::string component_key(const Config& node) {
  MOTLAB_CHECK(node.is_dict(), node.describe(),
               ": expected a component config (a dict with _target_), got ", node.kind_name());
  MOTLAB_CHECK(node.has("_target_"), node.describe(), ": component config has no '_target_' key");
  return node.get<std::string>("_target_");
}

}  // namespace motlab
