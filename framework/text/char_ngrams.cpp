#include "framework/text/char_ngrams.h"

#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/text/unicode.h"

namespace motlab::text {

SettingsSchema<NgramSettings> ngram_settings(const NgramSettings& defaults) {
  using S = NgramSettings;
  return SettingsSchema<S>(defaults)
      .option("min_n", &S::min_n, "smallest character n-gram", above(0))
      .option("max_n", &S::max_n, "largest character n-gram", above(0))
      .option("buckets", &S::buckets, "hash buckets", above(0))
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.min_n <= s.max_n, where("max_n"), ": max_n (", s.max_n,
                     ") must be >= min_n (", s.min_n, ")");
      });
}

std::vector<std::vector<int64_t>> ngram_buckets(const std::vector<std::string>& sentences,
                                                const NgramSettings& options) {
  MOTLAB_CHECK(options.min_n >= 1 && options.max_n >= options.min_n && options.buckets > 0,
               "char n-grams: need 1 <= min_n <= max_n and buckets > 0");
  std::vector<std::vector<int64_t>> out(sentences.size());
  for (size_t row = 0; row < sentences.size(); ++row) {
    std::vector<char32_t> text = unicode::decode(" " + sentences[row] + " ");
    for (int64_t n = options.min_n; n <= options.max_n; ++n) {
      for (size_t start = 0; start + n <= text.size(); ++start) {
        uint64_t hash = kFnv1aBasis ^ static_cast<uint64_t>(n);
        for (int64_t j = 0; j < n; ++j) hash = fnv1a_step(hash, text[start + j]);
        out[row].push_back(static_cast<int64_t>(hash % static_cast<uint64_t>(options.buckets)));
      }
    }
  }
  return out;
}

torch::Tensor ngram_counts(const std::vector<std::string>& sentences,
                           const NgramSettings& options) {
  const auto buckets = ngram_buckets(sentences, options);
  torch::Tensor counts = torch::zeros({static_cast<int64_t>(sentences.size()), options.buckets});
  auto access = counts.accessor<float, 2>();
  for (size_t row = 0; row < buckets.size(); ++row)
    for (int64_t bucket : buckets[row]) access[row][bucket] += 1.0f;
  return counts;
}

}  // namespace motlab::text
