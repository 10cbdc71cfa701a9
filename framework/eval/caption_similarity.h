// The pairwise caption-similarity matrix of a fixed caption list (the test set's, for protocols
// (b) and (c)), cached on disk: every stage of an experiment evaluates the same test captions
// with the same similarity model, and with a neural model (e5) the matrix costs a forward pass
// over every caption. The file is keyed by the model's fingerprint and a hash of the captions in
// their order, so another model or caption list never reads a stale matrix.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

#include "framework/model/interfaces.h"

namespace motlab::eval {

struct CaptionSimilarity {
  torch::Tensor matrix;  // [N, N] float32 on CPU: cosine between captions i and j
  std::string file;      // the cache file ("" when cache_dir is "")
  bool from_disk = false;
};

// embed(captions) . embed(captions)^T, read from <cache_dir>/caption_similarity_<model hash>_
// <captions hash>.safetensors when present, else computed and written there (cache_dir "" =
// computed, not stored). A cache file of the wrong shape is an error naming it.
CaptionSimilarity pairwise_caption_similarity(TextSimilarity& similarity,
                                              const std::vector<std::string>& captions,
                                              const std::string& cache_dir);

}  // namespace motlab::eval
