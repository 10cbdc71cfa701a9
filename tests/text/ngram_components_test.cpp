#include <gtest/gtest.h>

#include "framework/config/config.h"
#include "framework/model/interfaces.h"
#include "framework/text/char_ngrams.h"
#include "framework/text/unicode.h"

TEST(CharNgrams, CodePointsAndCounts) {
  EXPECT_EQ(motlab::text::unicode::decode("가a"), (std::vector<char32_t>{0xAC00, 'a'}));
  EXPECT_EQ(motlab::text::unicode::decode("\xff"), (std::vector<char32_t>{0xfffd}));
  motlab::text::NgramSettings options;
  options.max_n = 1;
  // " ab " has 4 unigrams.
  EXPECT_FLOAT_EQ(motlab::text::ngram_counts({"ab"}, options).sum().item<float>(), 4.0f);
}

TEST(Tfidf, IdenticalCaptionsScoreOneParaphrasesScoreHigherThanStrangers) {
  auto similarity = motlab::text_similarity_family().build(
      motlab::Config::from_yaml_string("{_target_: tfidf}"), motlab::BuildContext{});
  torch::Tensor e = similarity->embed({"사람이 앞으로 천천히 걷는다", "사람이 앞으로 천천히 걷는다",
                                       "사람이 천천히 앞으로 걸어간다", "누군가 두 번 점프한다"});
  torch::Tensor s = torch::matmul(e, e.t());
  EXPECT_NEAR(s[0][1].item<float>(), 1.0f, 1e-5);
  EXPECT_GT(s[0][2].item<float>(), s[0][3].item<float>());
  EXPECT_NEAR(s.diagonal().min().item<float>(), 1.0f, 1e-5);
}

// The embedding keeps only the buckets the sentences use: its cosines equal those of the full
// [N, buckets] TF-IDF matrix (sublinear tf, smooth idf), computed here from the dense counts.
TEST(Tfidf, CompactEmbeddingGivesTheCosinesOfTheFullBucketMatrix) {
  const std::vector<std::string> sentences{"사람이 앞으로 걷는다", "a person walks forward",
                                           "사람이 뒤로 걷는다", "", "점프 점프 점프"};
  auto similarity = motlab::text_similarity_family().build(
      motlab::Config::from_yaml_string("{_target_: tfidf, buckets: 4096}"), motlab::BuildContext{});
  const torch::Tensor e = similarity->embed(sentences);
  motlab::text::NgramSettings options;
  options.buckets = 4096;
  const torch::Tensor counts = motlab::text::ngram_counts(sentences, options).to(torch::kDouble);
  EXPECT_EQ(e.size(0), 5);
  EXPECT_EQ(e.size(1), (counts.sum(0) > 0).sum().item<int64_t>());
  const double n = 5;
  const torch::Tensor idf = torch::log((1 + n) / (1 + (counts > 0).sum(0).to(torch::kDouble))) + 1;
  torch::Tensor full = torch::log1p(counts) * idf;
  full = full / full.norm(2, 1, true);
  const torch::Tensor expected = torch::matmul(full, full.t());
  const torch::Tensor got = torch::matmul(e, e.t()).to(torch::kDouble);
  EXPECT_LT((got - expected).abs().max().item<double>(), 1e-6);
}

TEST(NgramBow, EmbedsCaptions) {
  auto encoder = motlab::text_encoder_family().build(
      motlab::Config::from_yaml_string(
          "{_target_: ngram_bow, buckets: 64, hidden_dim: 8, latent_dim: 4}"),
      motlab::BuildContext{});
  motlab::Embedding e = encoder->encode({"a person walks", "someone jumps"});
  EXPECT_EQ(e.mean.sizes(), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(encoder->embedding_dim(), 4);
}
