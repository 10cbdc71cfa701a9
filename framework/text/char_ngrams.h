// Hashed character n-gram counts of sentences: a weight-free text representation that needs no
// tokenizer or download (Korean syllables and English letters alike are Unicode code points).
#pragma once
#include <torch/torch.h>

#include "framework/config/settings.h"

#include <string>
#include <vector>

namespace motlab::text {

struct NgramSettings {
  int64_t min_n = 1;
  int64_t max_n = 3;
  int64_t buckets = 4096;  // hash space
};
// Its options as components declare them (`defaults`: e.g. tfidf's 2^16 buckets).
SettingsSchema<NgramSettings> ngram_settings(const NgramSettings& defaults = {});

// The bucket of every n-gram occurrence of each sentence (repeats kept), in the order below.
std::vector<std::vector<int64_t>> ngram_buckets(const std::vector<std::string>& sentences,
                                                const NgramSettings& options);

// Counts [N, buckets] (float32) of the n-grams of " " + sentence + " " (space-padded so that
// word starts and ends are features), n in [min_n, max_n], hashed with FNV-1a.
torch::Tensor ngram_counts(const std::vector<std::string>& sentences, const NgramSettings& options);

}  // namespace motlab::text
