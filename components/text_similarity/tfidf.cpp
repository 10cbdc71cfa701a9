// text_similarity `tfidf`: cosine of character n-gram TF-IDF vectors (sublinear tf, smooth idf
// fitted on the sentences being compared). Weight-free, so the built-in default needs no download.
#include <algorithm>

#include "framework/config/settings.h"
#include "framework/model/interfaces.h"
#include "framework/text/char_ngrams.h"

namespace motlab {
namespace {
// Its n-grams hash into 2^16 buckets (not text::NgramSettings's 4096): fewer collisions for a
// similarity that only counts, with no weights to learn.
SettingsSchema<text::NgramSettings> tfidf_settings() {
  text::NgramSettings defaults;
  defaults.buckets = 1 << 16;
  return text::ngram_settings(defaults);
}

class TfidfSimilarity : public TextSimilarity {
 public:
  explicit TfidfSimilarity(text::NgramSettings options) : options_(options) {}
  // [N, U]: U = the distinct n-gram buckets of these sentences (the other buckets are zero in
  // every row and add nothing to a cosine). idf is fitted per call, so rows of different calls
  // are not comparable.
  torch::Tensor embed(const std::vector<std::string>& sentences) override {
    const auto buckets = text::ngram_buckets(sentences, options_);
    std::vector<int64_t> used;
    for (const auto& row : buckets) used.insert(used.end(), row.begin(), row.end());
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    torch::Tensor counts =
        torch::zeros({static_cast<int64_t>(sentences.size()), std::max<int64_t>(1, used.size())});
    auto access = counts.accessor<float, 2>();
    for (size_t row = 0; row < buckets.size(); ++row)
      for (int64_t bucket : buckets[row])
        access[row][std::lower_bound(used.begin(), used.end(), bucket) - used.begin()] += 1.0f;
    const double n = static_cast<double>(std::max<size_t>(1, sentences.size()));
    torch::Tensor document_frequency = (counts > 0).sum(0).to(torch::kFloat);
    torch::Tensor idf = torch::log((1 + n) / (1 + document_frequency)) + 1;  // smooth idf
    torch::Tensor weights = torch::log1p(counts) * idf;
    return torch::nn::functional::normalize(weights,
                                            torch::nn::functional::NormalizeFuncOptions().dim(1));
  }
  std::string fingerprint() const override {
    return "tfidf(n=" + std::to_string(options_.min_n) + ".." + std::to_string(options_.max_n) +
           ",buckets=" + std::to_string(options_.buckets) + ")";
  }

 private:
  text::NgramSettings options_;
};
}  // namespace

MOTLAB_REGISTER(text_similarity_family, "tfidf",
                "character n-gram TF-IDF cosine (weight-free default)", tfidf_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<TextSimilarity> {
                  return std::make_shared<TfidfSimilarity>(tfidf_settings().read(o));
                });
}  // namespace motlab
