#include "framework/nn/kv_cache.h"

#include <gtest/gtest.h>

#include <cmath>

#include "framework/nn/kv_pruner.h"
#include "framework/nn/kv_pruning.h"

using motlab::BuildContext;
using motlab::Config;
using motlab::LayerKvCache;

namespace {
// Reference attention written out directly: repeat_kv + causal softmax(q k^T / sqrt(D)) v.
torch::Tensor reference_attention(const torch::Tensor& q, const torch::Tensor& k,
                                  const torch::Tensor& v) {
  const int64_t group = q.size(1) / k.size(1);
  torch::Tensor kr = k.repeat_interleave(group, 1), vr = v.repeat_interleave(group, 1);
  torch::Tensor logits = torch::matmul(q, kr.transpose(-1, -2)) / std::sqrt((double)q.size(3));
  const int64_t lq = q.size(2), n = k.size(2);
  torch::Tensor mask = torch::ones({lq, n}, torch::kBool).triu(n - lq + 1);
  logits = logits.masked_fill(mask, -INFINITY);
  return torch::matmul(torch::softmax(logits, -1), vr);
}

LayerKvCache prefilled(const torch::Tensor& k, const torch::Tensor& v) {
  LayerKvCache cache;
  cache.append(k, v);
  return cache;
}

std::shared_ptr<motlab::KvPruner> pruner(const std::string& yaml) {
  return motlab::kv_pruner_family().build(Config::from_yaml_string(yaml), BuildContext{});
}
}  // namespace

TEST(KvCache, AttendMatchesReferenceWithGqa) {
  torch::manual_seed(1);
  torch::Tensor q = torch::randn({2, 12, 5, 16}), k = torch::randn({2, 2, 5, 16}),
                v = torch::randn({2, 2, 5, 16});
  LayerKvCache cache = prefilled(k, v);
  EXPECT_TRUE(torch::allclose(cache.attend(q), reference_attention(q, k, v), 1e-5, 1e-5));
}

TEST(KvCache, PrunedStorageFormsAgree) {
  // Decode attention over gathered channels == attention over keys with pruned channels zeroed.
  torch::manual_seed(2);
  const int64_t length = 48, dim = 16;
  torch::Tensor q = torch::randn({1, 12, length, dim}), k = torch::randn({1, 2, length, dim}),
                v = torch::randn({1, 2, length, dim});
  LayerKvCache cache = prefilled(k, v);
  pruner("{_target_: think, ratio: 0.5, window: 32, recent: 8}")->compress(cache, q, 0);
  ASSERT_TRUE(cache.has_pruned_segment());
  EXPECT_EQ(cache.pruned_keys.sizes(), (std::vector<int64_t>{1, 2, length - 8, dim / 2}));
  // One decode step: append a new token, attend with its query.
  torch::Tensor q_new = torch::randn({1, 12, 1, dim}), k_new = torch::randn({1, 2, 1, dim}),
                v_new = torch::randn({1, 2, 1, dim});
  cache.append(k_new, v_new);
  torch::Tensor gathered = cache.attend(q_new);
  torch::Tensor zeroed = reference_attention(q_new, cache.dense_keys(), cache.values);
  EXPECT_TRUE(torch::allclose(gathered, zeroed, 1e-5, 1e-5));
  // The zeroed keys are exactly the original keys with the non-kept channels set to 0.
  torch::Tensor dense = cache.dense_keys().narrow(2, 0, length - 8);
  for (int64_t h = 0; h < 2; ++h) {
    torch::Tensor keep = cache.keep_index[0][h];
    torch::Tensor kept_mask = torch::zeros({dim}, torch::kBool).index_fill_(0, keep, true);
    torch::Tensor original = k[0][h].narrow(0, 0, length - 8);
    EXPECT_TRUE(torch::equal(dense[0][h], original * kept_mask.to(torch::kFloat)));
  }
}

TEST(KvCache, RecentWindowUntouched) {
  torch::manual_seed(3);
  torch::Tensor q = torch::randn({1, 4, 40, 8}), k = torch::randn({1, 2, 40, 8}),
                v = torch::randn({1, 2, 40, 8});
  LayerKvCache cache = prefilled(k, v);
  pruner("{_target_: think, ratio: 0.6, recent: 32}")->compress(cache, q, 0);
  EXPECT_TRUE(torch::equal(cache.keys, k.narrow(2, 8, 32)));
  EXPECT_TRUE(torch::equal(cache.values, v));
  // Shorter than the recent window: nothing is pruned at all.
  LayerKvCache short_cache = prefilled(k.narrow(2, 0, 20), v.narrow(2, 0, 20));
  pruner("{_target_: think, ratio: 0.6, recent: 32}")->compress(short_cache, q.narrow(2, 0, 20), 0);
  EXPECT_FALSE(short_cache.has_pruned_segment());
  EXPECT_TRUE(torch::equal(short_cache.keys, k.narrow(2, 0, 20)));
}

TEST(KvCache, ZeroRatioIsIdenticalToNoPruner) {
  torch::manual_seed(4);
  torch::Tensor q = torch::randn({1, 6, 50, 8}), k = torch::randn({1, 2, 50, 8}),
                v = torch::randn({1, 2, 50, 8});
  LayerKvCache none = prefilled(k, v), think = prefilled(k, v);
  pruner("{_target_: none}")->compress(none, q, 0);
  pruner("{_target_: think, ratio: 0.0, recent: 4}")->compress(think, q, 0);
  torch::Tensor q_new = torch::randn({1, 6, 1, 8});
  EXPECT_TRUE(torch::equal(none.attend(q_new), think.attend(q_new)));
}

TEST(KvCache, MemoryAccountingMatchesHandCount) {
  // Qwen2-1.5B-like layer: 2 KV heads, D = 128, 100 tokens, float32; lambda 0.5, recent 32.
  torch::Tensor q = torch::randn({1, 12, 100, 128}), k = torch::randn({1, 2, 100, 128}),
                v = torch::randn({1, 2, 100, 128});
  LayerKvCache cache = prefilled(k, v);
  EXPECT_EQ(cache.key_bytes(), 2 * 100 * 128 * 4);
  EXPECT_EQ(cache.bytes(), 2 * (2 * 100 * 128 * 4));
  pruner("{_target_: think, ratio: 0.5, recent: 32}")->compress(cache, q, 0);
  // Pruned part: 68 older tokens keep exactly half of the 128 channels.
  EXPECT_EQ(cache.pruned_keys.numel(), 2 * 68 * 64);
  EXPECT_EQ(cache.pruned_keys.numel() * 2, 2 * 68 * 128);
  EXPECT_EQ(cache.key_bytes(), (2 * 68 * 64 + 2 * 32 * 128) * 4);
  EXPECT_EQ(cache.value_bytes(), 2 * 100 * 128 * 4);
  EXPECT_EQ(cache.index_bytes(), 2 * 64 * 8);  // int64 kept-channel index per KV head
  EXPECT_EQ(cache.bytes(), (2 * 68 * 64 + 2 * 32 * 128) * 4 + 2 * 100 * 128 * 4 + 2 * 64 * 8);
}

TEST(KvCache, SnapKvThenThinkComposes) {
  torch::manual_seed(5);
  torch::Tensor q = torch::randn({1, 4, 80, 8}), k = torch::randn({1, 2, 80, 8}),
                v = torch::randn({1, 2, 80, 8});
  LayerKvCache cache = prefilled(k, v);
  pruner(
      "{_target_: snapkv, window: 8, capacity: 40, kernel: 3, pooling: avg, then_think: true, "
      "ratio: 0.5, recent: 8}")
      ->compress(cache, q, 0);
  EXPECT_EQ(cache.length(), 40);
  EXPECT_EQ(cache.pruned_keys.sizes(), (std::vector<int64_t>{1, 2, 32, 4}));
  // The observation window (last 8 tokens) survives eviction at full width.
  EXPECT_TRUE(torch::equal(cache.keys, k.narrow(2, 72, 8)));
}

TEST(KvPrunerFamily, UnknownOptionIsAnError) {
  EXPECT_THROW(pruner("{_target_: think, ratoi: 0.4}"), motlab::Error);
  EXPECT_THROW(pruner("{_target_: think, ratio: 1.5}"), motlab::Error);
  EXPECT_THROW(pruner("{_target_: thnk}"), motlab::Error);
}
