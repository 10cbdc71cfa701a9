#include "framework/nn/contrastive.h"

#include <limits>

#include "framework/core/error.h"

namespace motlab::nn {

torch::Tensor infonce_from_logits(const torch::Tensor& logits,
                                  const torch::Tensor& caption_similarity,
                                  std::optional<double> threshold) {
  MOTLAB_CHECK(logits.dim() == 2 && logits.size(0) == logits.size(1),
               "infonce: logits must be square [B, B], got ", logits.sizes());
  const int64_t batch = logits.size(0);
  torch::Tensor scores = logits;
  if (caption_similarity.defined() && threshold) {
    MOTLAB_CHECK(caption_similarity.sizes() == logits.sizes(), "infonce: caption similarity ",
                 caption_similarity.sizes(), " does not match logits ", logits.sizes());
    const double cosine_threshold = 2.0 * *threshold - 1.0;
    torch::Tensor off_diagonal =
        ~torch::eye(batch, caption_similarity.options().dtype(torch::kBool));
    torch::Tensor filtered = (caption_similarity > cosine_threshold) & off_diagonal;
    scores =
        logits.masked_fill(filtered.to(logits.device()), -std::numeric_limits<float>::infinity());
  }
  torch::Tensor labels = torch::arange(batch, logits.options().dtype(torch::kLong));
  return (torch::nn::functional::cross_entropy(scores, labels) +
          torch::nn::functional::cross_entropy(scores.t(), labels)) /
         2;
}

torch::Tensor infonce(const torch::Tensor& text, const torch::Tensor& motion, double temperature,
                      const torch::Tensor& caption_similarity, std::optional<double> threshold) {
  MOTLAB_CHECK(temperature > 0, "infonce: temperature must be positive, got ", temperature);
  namespace F = torch::nn::functional;
  torch::Tensor t = F::normalize(text, F::NormalizeFuncOptions().dim(-1));
  torch::Tensor m = F::normalize(motion, F::NormalizeFuncOptions().dim(-1));
  return infonce_from_logits(torch::matmul(t, m.t()) / temperature, caption_similarity, threshold);
}

}  // namespace motlab::nn
