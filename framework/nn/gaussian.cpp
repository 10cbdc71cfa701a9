#include "framework/nn/gaussian.h"

namespace motlab::nn {

torch::Tensor gaussian_kl(const torch::Tensor& mu_q, const torch::Tensor& logvar_q,
                          const torch::Tensor& mu_p, const torch::Tensor& logvar_p) {
  torch::Tensor log_ratio = logvar_q - logvar_p;
  return (0.5 * (log_ratio.exp() + (mu_p - mu_q).pow(2) / logvar_p.exp() - 1 - log_ratio)).mean();
}

}  // namespace motlab::nn
