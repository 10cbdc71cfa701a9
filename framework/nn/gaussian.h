// KL divergence between diagonal Gaussians, as TMR's KLLoss (a mean over batch x dims, not a sum).
#pragma once
#include <torch/torch.h>

namespace motlab::nn {

// KL(q || p) = mean(0.5 * (exp(lv_q - lv_p) + (mu_p - mu_q)^2 / exp(lv_p) - 1 - (lv_q - lv_p))).
// All inputs [B, E]; N(0, I) is mu = 0, logvar = 0.
torch::Tensor gaussian_kl(const torch::Tensor& mu_q, const torch::Tensor& logvar_q,
                          const torch::Tensor& mu_p, const torch::Tensor& logvar_p);

}  // namespace motlab::nn
