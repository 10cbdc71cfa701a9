// DistilBERT (framework/nn/hf/distilbert.h) on a tiny random config: padding never changes a real
// token's features, the MLM model's HF folder loads into the encoder with identical outputs, and
// the frozen token-feature cache computes once and then reads the same features from disk.
#include <gtest/gtest.h>

#include "framework/core/error.h"
#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"
#include "framework/nn/hf/backbone.h"
#include "framework/nn/hf/distilbert.h"
#include "framework/text/feature_cache.h"
#include "tests/support/paths.h"

namespace {
using namespace motlab;

nn::DistilBertConfig tiny() {
  nn::DistilBertConfig c;
  c.vocab_size = 50;
  c.dim = 32;
  c.hidden_dim = 64;
  c.n_layers = 2;
  c.n_heads = 4;
  c.max_position_embeddings = 16;
  c.pad_token_id = 1;
  return c;
}

TEST(DistilBert, PaddingDoesNotChangeRealTokens) {
  torch::manual_seed(0);
  nn::DistilBert model(tiny());
  model->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor alone = model->forward(torch::tensor({{2, 7, 9, 3}}), torch::ones({1, 4}));
  torch::Tensor padded = model->forward(torch::tensor({{2, 7, 9, 3, 1, 1}, {2, 5, 6, 7, 8, 3}}),
                                        torch::tensor({{1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1}}));
  EXPECT_LT((padded[0].narrow(0, 0, 4) - alone[0]).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(alone.sizes(), (std::vector<int64_t>{1, 4, 32}));
}

TEST(DistilBert, MaskedLmFolderLoadsIntoTheEncoder) {
  torch::manual_seed(1);
  nn::DistilBertForMaskedLm mlm(tiny());
  mlm->eval();
  const std::string dir = test::temp_dir("distilbert_folder");
  io::save_safetensors(dir + "/model.safetensors", mlm->hf_state());
  io::HfConfig::from_json(tiny().to_json(), dir + "/config.json").save(dir + "/config.json");
  auto backbone = load_hf_backbone({dir, "float32", torch::kCPU});
  EXPECT_EQ(backbone->hidden_size(), 32);
  torch::NoGradGuard no_grad;
  torch::Tensor input = torch::tensor({{2, 11, 12, 3}}), mask = torch::ones({1, 4});
  EXPECT_LT((backbone->last_hidden_state(input, mask) - mlm->forward(input, mask))
                .abs()
                .max()
                .item<double>(),
            1e-6);
  // A checkpoint without a layer's tensor: the error names it.
  auto state = mlm->hf_state();
  state.erase(std::remove_if(state.begin(), state.end(),
                             [](const auto& p) {
                               return p.first == "distilbert.transformer.layer.1.ffn.lin2.weight";
                             }),
              state.end());
  io::save_safetensors(dir + "/model.safetensors", state);
  try {
    load_hf_backbone({dir, "float32", torch::kCPU});
    FAIL() << "a missing tensor was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("transformer.layer.1.ffn.lin2.weight"), std::string::npos)
        << e.what();
  }
}

TEST(TokenFeatureCache, ComputesOnceThenReadsTheSameFeaturesFromDisk) {
  const std::string dir = test::temp_dir("feature_cache");
  int calls = 0;
  auto compute = [&calls](const std::vector<std::string>& captions) {
    ++calls;
    std::vector<torch::Tensor> out;
    for (const auto& c : captions)
      out.push_back(torch::full({static_cast<int64_t>(c.size()), 3}, static_cast<double>(c[0])));
    return out;
  };
  text::TokenFeatureCache first, second;
  EXPECT_FALSE(first.build({"ab", "cde", "ab"}, "model-x", dir, 1, compute));
  EXPECT_EQ(calls, 2);  // two distinct captions, batches of one
  EXPECT_TRUE(second.build({"cde", "ab"}, "model-x", dir, 1, compute));
  EXPECT_EQ(calls, 2);  // read from disk
  EXPECT_TRUE(torch::equal(second.find("cde"), first.find("cde")));
  EXPECT_EQ(second.find("cde").sizes(), (std::vector<int64_t>{3, 3}));
  EXPECT_FALSE(second.find("zz").defined());
  // Captions outside the cache are computed (in one call, only those), the rest read, in order.
  std::vector<std::string> asked;
  auto features = second.find_or_compute({"cde", "zz", "ab", "q"},
                                         [&](const std::vector<std::string>& captions) {
                                           asked = captions;
                                           return compute(captions);
                                         });
  EXPECT_EQ(asked, (std::vector<std::string>{"zz", "q"}));
  ASSERT_EQ(features.size(), 4u);
  EXPECT_TRUE(torch::equal(features[0], first.find("cde")));
  EXPECT_TRUE(torch::equal(features[1], torch::full({2, 3}, double('z'))));
  EXPECT_TRUE(torch::equal(features[2], first.find("ab")));
  EXPECT_TRUE(torch::equal(features[3], torch::full({1, 3}, double('q'))));
  EXPECT_FALSE(second.find("zz").defined());  // not stored
  text::TokenFeatureCache other_model;
  EXPECT_FALSE(other_model.build({"ab"}, "model-y", dir, 4, compute));  // another fingerprint
  EXPECT_EQ(calls, 4);
}

}  // namespace
