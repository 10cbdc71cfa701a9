// Symmetric InfoNCE with TMR's negative filtering (Mathux/TMR src/model/losses.py).
#pragma once
#include <torch/torch.h>

#include <optional>

namespace motlab::nn {

// logits [B, B] (rows = texts, columns = motions, positives on the diagonal). When
// caption_similarity [B, B] (cosine) and threshold t (on the (cos+1)/2 scale) are given,
// off-diagonal pairs with cosine > 2t - 1 are set to -inf in both directions; the diagonal never.
// Returns (CE(rows) + CE(columns)) / 2.
torch::Tensor infonce_from_logits(const torch::Tensor& logits,
                                  const torch::Tensor& caption_similarity = {},
                                  std::optional<double> threshold = std::nullopt);

// Cosine similarity / temperature of text and motion embeddings [B, E], then the loss above.
torch::Tensor infonce(const torch::Tensor& text, const torch::Tensor& motion, double temperature,
                      const torch::Tensor& caption_similarity = {},
                      std::optional<double> threshold = std::nullopt);

}  // namespace motlab::nn
