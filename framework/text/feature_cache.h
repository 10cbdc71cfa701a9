// Token features of a frozen text backbone, computed once per caption set and kept on disk (TMR
// precomputes DistilBERT features the same way; it halves training time). The cache file is keyed
// by the backbone's fingerprint and a hash of the captions, so a different model, tokenizer or
// caption set never reads stale features.
//
// Layout: one safetensors file with "features" [sum L, C] (float32, all captions' tokens
// concatenated) and "offsets" [N + 1] int64, plus the caption list beside it.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace motlab::text {

class TokenFeatureCache {
 public:
  // compute(captions) -> one [L_i, C] tensor per caption (any device; stored on CPU).
  using Compute = std::function<std::vector<torch::Tensor>(const std::vector<std::string>&)>;

  // Loads <cache_dir>/<fingerprint hash>_<captions hash>.safetensors when present, else computes
  // every caption in batches of `batch_size` and writes it (cache_dir "" = memory only).
  // Returns true when the features came from disk.
  bool build(const std::vector<std::string>& captions, const std::string& fingerprint,
             const std::string& cache_dir, int64_t batch_size, const Compute& compute);

  // [L, C] features of a caption seen by build(), or undefined.
  torch::Tensor find(const std::string& caption) const;
  // Features of every caption, in order: from the cache, and computed (not stored) for captions
  // outside it (e.g. a user's query).
  std::vector<torch::Tensor> find_or_compute(const std::vector<std::string>& captions,
                                             const Compute& compute) const;
  size_t size() const { return index_.size(); }
  const std::string& file() const { return file_; }

 private:
  torch::Tensor features_, offsets_;
  std::vector<int64_t> offset_values_;
  std::unordered_map<std::string, int64_t> index_;
  std::string file_;
};

// A fingerprint of a model folder: its config.json text plus the names, sizes and modification
// times of its weight and tokenizer files.
std::string model_folder_fingerprint(const std::string& model_dir);

}  // namespace motlab::text
