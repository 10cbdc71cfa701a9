#include "framework/nn/kv_pruning.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kv = motlab::kv;

namespace {
// The ThinK review's worked example: Q and K are 3 x 10 (S = 3 tokens, D = 10 channels).
torch::Tensor review_q() {
  return torch::arange(1, 11, torch::kFloat).unsqueeze(0) +
         torch::arange(3, torch::kFloat).unsqueeze(1);
}
torch::Tensor review_k() {
  return torch::arange(10, 0, -1, torch::kFloat).unsqueeze(0) -
         torch::arange(3, torch::kFloat).unsqueeze(1);
}
}  // namespace

TEST(ThinkScore, ReviewExampleIsOuterProductNorm) {
  torch::Tensor q = review_q().view({1, 1, 3, 10});
  torch::Tensor k = review_k().view({1, 1, 3, 10});
  torch::Tensor scores = kv::think_channel_scores(q, k, 32);
  ASSERT_EQ(scores.sizes(), (std::vector<int64_t>{1, 1, 10}));
  // Channel 1: Q[:,1] = (2,3,4), K[:,1] = (9,8,7): sqrt(29) * sqrt(194) = 75.006 (not 33.94).
  EXPECT_NEAR(scores[0][0][1].item<float>(), std::sqrt(29.0 * 194.0), 1e-4);
  EXPECT_NEAR(scores[0][0][1].item<float>(), 75.0, 0.01);
  // Every channel equals the Frobenius norm of the explicit outer product.
  for (int j = 0; j < 10; ++j) {
    torch::Tensor outer = torch::outer(review_q().select(1, j), review_k().select(1, j));
    EXPECT_NEAR(scores[0][0][j].item<float>(), outer.norm().item<float>(), 1e-3) << "channel " << j;
  }
}

TEST(ThinkScore, WindowUsesOnlyTheLastQueries) {
  torch::Tensor q = torch::randn({1, 1, 40, 8});
  torch::Tensor k = torch::randn({1, 1, 40, 8});
  torch::Tensor full = kv::think_channel_scores(q, k, 32);
  torch::Tensor tail = kv::think_channel_scores(q.narrow(2, 8, 32), k, 32);
  EXPECT_TRUE(torch::allclose(full, tail));
  torch::Tensor changed_head = q.clone();
  changed_head.narrow(2, 0, 8).mul_(100);  // outside the window: no effect
  EXPECT_TRUE(torch::allclose(kv::think_channel_scores(changed_head, k, 32), full));
}

TEST(ThinkScore, GqaGroupsTwelveQueryHeadsOntoTwoKvHeads) {
  // 12 query heads / 2 KV heads: KV head g is shared by query heads 6g..6g+5 (repeat_kv order).
  torch::manual_seed(0);
  torch::Tensor q = torch::randn({1, 12, 5, 4});
  torch::Tensor k = torch::randn({1, 2, 5, 4});
  torch::Tensor scores = kv::think_channel_scores(q, k, 32);
  ASSERT_EQ(scores.sizes(), (std::vector<int64_t>{1, 2, 4}));
  for (int g = 0; g < 2; ++g) {
    torch::Tensor energy = q.narrow(1, 6 * g, 6).pow(2).sum(2).mean(1);  // [1, D]
    torch::Tensor expected = (energy * k.select(1, g).pow(2).sum(1)).sqrt();
    EXPECT_TRUE(torch::allclose(scores.select(1, g), expected, 1e-5, 1e-6)) << "kv head " << g;
  }
  // Changing a query head of group 1 leaves group 0's scores untouched.
  torch::Tensor q2 = q.clone();
  q2.select(1, 7).mul_(3);
  torch::Tensor scores2 = kv::think_channel_scores(q2, k, 32);
  EXPECT_TRUE(torch::equal(scores2.select(1, 0), scores.select(1, 0)));
  EXPECT_FALSE(torch::equal(scores2.select(1, 1), scores.select(1, 1)));
}

TEST(ChannelSelection, KeepsTopTInAscendingOrder) {
  // D = 10, lambda = 0.4: floor(4.0) = 4 pruned, T = 6 kept.
  torch::Tensor scores =
      torch::tensor({5.f, 1.f, 9.f, 3.f, 8.f, 0.5f, 7.f, 2.f, 6.f, 4.f}).view({1, 1, 10});
  torch::Tensor keep = kv::select_kept_channels(scores, 0.4);
  ASSERT_EQ(keep.size(-1), 6);
  // Lowest four: channels 5 (0.5), 1 (1), 7 (2), 3 (3).
  std::vector<int64_t> expected{0, 2, 4, 6, 8, 9};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(keep[0][0][i].item<int64_t>(), expected[i]);
}

TEST(ChannelSelection, PrunedCountIsFloorOfLambdaD) {
  EXPECT_EQ(kv::pruned_channel_count(128, 0.4), 51);  // keeps 77
  EXPECT_EQ(kv::pruned_channel_count(128, 0.5), 64);
  EXPECT_EQ(kv::pruned_channel_count(128, 0.2), 25);
  EXPECT_EQ(kv::pruned_channel_count(128, 0.6), 76);
  EXPECT_EQ(kv::pruned_channel_count(10, 0.0), 0);
  EXPECT_THROW(kv::pruned_channel_count(10, 1.0), std::exception);
  torch::Tensor keep = kv::select_kept_channels(torch::rand({2, 3, 16}), 0.0);
  EXPECT_TRUE(torch::equal(keep[1][2], torch::arange(16)));
}

TEST(ChannelSelection, MagnitudeScores) {
  torch::Tensor k = torch::tensor({1.f, -2.f, 3.f, -4.f, 0.f, 0.f}).view({1, 1, 3, 2});
  torch::Tensor l1 = kv::magnitude_channel_scores(k, 1);
  torch::Tensor l2 = kv::magnitude_channel_scores(k, 2);
  EXPECT_FLOAT_EQ(l1[0][0][0].item<float>(), 4.f);
  EXPECT_FLOAT_EQ(l1[0][0][1].item<float>(), 6.f);
  EXPECT_FLOAT_EQ(l2[0][0][0].item<float>(), std::sqrt(10.f));
  EXPECT_FLOAT_EQ(l2[0][0][1].item<float>(), std::sqrt(20.f));
}

TEST(ChannelSelection, GatherChannels) {
  torch::Tensor x = torch::arange(2 * 5, torch::kFloat).view({1, 1, 2, 5});
  torch::Tensor keep = torch::tensor({1L, 3L, 4L}).view({1, 1, 3});
  torch::Tensor g = kv::gather_channels(x, keep);
  EXPECT_TRUE(torch::equal(g, torch::tensor({1.f, 3.f, 4.f, 6.f, 8.f, 9.f}).view({1, 1, 2, 3})));
}

TEST(SnapKv, NoEvictionBelowCapacity) {
  torch::Tensor q = torch::randn({1, 4, 10, 8});
  torch::Tensor k = torch::randn({1, 2, 10, 8});
  torch::Tensor kept = kv::snapkv_select_tokens(q, k, 4, 16, 3, "max");
  EXPECT_TRUE(torch::equal(kept[0][1], torch::arange(10)));
}

TEST(SnapKv, KeepsWindowAndMostAttendedPrefixTokens) {
  // One head, D = 1: window queries strongly prefer prefix token 2 (large key), kernel 1.
  const int64_t length = 12, window = 4, capacity = 6;
  torch::Tensor q = torch::ones({1, 1, length, 1});
  torch::Tensor k = torch::zeros({1, 1, length, 1});
  k[0][0][2][0] = 6.0;
  k[0][0][5][0] = 4.0;
  torch::Tensor kept = kv::snapkv_select_tokens(q, k, window, capacity, 1, "avg");
  std::vector<int64_t> expected{2, 5, 8, 9, 10, 11};
  ASSERT_EQ(kept.size(-1), capacity);
  for (int i = 0; i < capacity; ++i) EXPECT_EQ(kept[0][0][i].item<int64_t>(), expected[i]);
}

TEST(SnapKv, PoolingSpreadsVotesToNeighbours) {
  // With max pooling (kernel 3) the neighbours of a strongly attended token tie with it.
  const int64_t length = 12, window = 4;
  torch::Tensor q = torch::ones({1, 1, length, 1});
  torch::Tensor k = torch::zeros({1, 1, length, 1});
  k[0][0][4][0] = 8.0;
  torch::Tensor kept = kv::snapkv_select_tokens(q, k, window, window + 3, 3, "max");
  std::vector<int64_t> expected{3, 4, 5, 8, 9, 10, 11};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(kept[0][0][i].item<int64_t>(), expected[i]);
}
