// motlab's batch-first transformer layers equal LibTorch's nn::Transformer{Encoder,Decoder}Layer
// (post-LN, GELU) with the same parameters (same names), and fast_dropout is an unbiased,
// seeded inverted dropout.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "framework/nn/transformer.h"

namespace {

using motlab::nn::TransformerLayerSettings;

TransformerLayerSettings small_options() {
  TransformerLayerSettings o;
  o.d_model = 16;
  o.num_heads = 4;
  o.dim_feedforward = 32;
  o.dropout = 0.1;
  return o;
}

// Copies every parameter of `from` into `to` by name; fails when a name is missing.
void copy_parameters(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  auto target = to.named_parameters();
  const auto source = from.named_parameters();
  ASSERT_EQ(source.size(), target.size());
  for (const auto& item : source) {
    ASSERT_TRUE(target.contains(item.key())) << item.key();
    target[item.key()].copy_(item.value());
  }
}

// [B, T] bool, true = padded: the last frames of the first sequence.
torch::Tensor padding_mask(int64_t batch, int64_t frames) {
  torch::Tensor padding = torch::zeros({batch, frames}, torch::kBool);
  padding[0].narrow(0, frames - 3, 3).fill_(true);
  return padding;
}

TEST(Transformer, EncoderLayerEqualsLibTorchLayer) {
  torch::manual_seed(3);
  const auto o = small_options();
  torch::nn::TransformerEncoderLayer reference(
      torch::nn::TransformerEncoderLayerOptions(o.d_model, o.num_heads)
          .dim_feedforward(o.dim_feedforward)
          .dropout(o.dropout)
          .activation(torch::kGELU));
  motlab::nn::TransformerEncoderLayer layer(o);
  copy_parameters(*reference, *layer);
  reference->eval();
  layer->eval();
  const torch::Tensor x = torch::randn({2, 9, o.d_model});
  const torch::Tensor padding = padding_mask(2, 9);
  const torch::Tensor expected = reference->forward(x.transpose(0, 1), {}, padding).transpose(0, 1);
  const torch::Tensor got = layer->forward(x, padding);
  EXPECT_LT((got - expected).abs().max().item<float>(), 1e-5);
}

TEST(Transformer, DecoderLayerEqualsLibTorchLayer) {
  torch::manual_seed(4);
  const auto o = small_options();
  torch::nn::TransformerDecoderLayer reference(
      torch::nn::TransformerDecoderLayerOptions(o.d_model, o.num_heads)
          .dim_feedforward(o.dim_feedforward)
          .dropout(o.dropout)
          .activation(torch::kGELU));
  motlab::nn::TransformerDecoderLayer layer(o);
  copy_parameters(*reference, *layer);
  reference->eval();
  layer->eval();
  const torch::Tensor x = torch::randn({2, 7, o.d_model});
  const torch::Tensor memory = torch::randn({2, 1, o.d_model});
  const torch::Tensor padding = padding_mask(2, 7);
  const torch::Tensor expected =
      reference->forward(x.transpose(0, 1), memory.transpose(0, 1), {}, {}, padding)
          .transpose(0, 1);
  const torch::Tensor got = layer->forward(x, memory, padding);
  EXPECT_LT((got - expected).abs().max().item<float>(), 1e-5);
}

TEST(Transformer, StacksNameParametersAsLibTorch) {
  const auto o = small_options();
  torch::nn::TransformerEncoder reference(torch::nn::TransformerEncoderOptions(
      torch::nn::TransformerEncoderLayerOptions(o.d_model, o.num_heads)
          .dim_feedforward(o.dim_feedforward),
      2));
  motlab::nn::TransformerEncoder stack(o, 2);
  auto ours = stack->named_parameters();
  for (const auto& item : reference->named_parameters()) {
    ASSERT_TRUE(ours.contains(item.key())) << item.key();
    EXPECT_EQ(ours[item.key()].sizes(), item.value().sizes()) << item.key();
  }
  EXPECT_EQ(ours.size(), reference->named_parameters().size());
}

TEST(Transformer, TrainingGradientsEqualLibTorchWithoutDropout) {
  torch::manual_seed(6);
  auto o = small_options();
  o.dropout = 0.0;
  torch::nn::TransformerDecoderLayer reference(
      torch::nn::TransformerDecoderLayerOptions(o.d_model, o.num_heads)
          .dim_feedforward(o.dim_feedforward)
          .dropout(0.0)
          .activation(torch::kGELU));
  motlab::nn::TransformerDecoderLayer layer(o);
  copy_parameters(*reference, *layer);
  reference->train();
  layer->train();
  const torch::Tensor x = torch::randn({3, 6, o.d_model});
  const torch::Tensor memory = torch::randn({3, 1, o.d_model});
  const torch::Tensor padding = padding_mask(3, 6);
  const torch::Tensor target = torch::randn({3, 6, o.d_model});
  torch::mse_loss(reference->forward(x.transpose(0, 1), memory.transpose(0, 1), {}, {}, padding)
                      .transpose(0, 1),
                  target)
      .backward();
  torch::mse_loss(layer->forward(x, memory, padding), target).backward();
  auto ours = layer->named_parameters();
  for (const auto& item : reference->named_parameters())
    EXPECT_LT((ours[item.key()].grad() - item.value().grad()).abs().max().item<float>(), 1e-6)
        << item.key();
}

TEST(FastDropout, UnbiasedScaledSeededAndIdentityInEval) {
  const torch::Tensor x = torch::ones({1000, 1001});  // odd size: the tail of the 4-element loop
  EXPECT_TRUE(motlab::nn::fast_dropout(x, 0.1, /*training=*/false).is_same(x));
  torch::manual_seed(11);
  const torch::Tensor a = motlab::nn::fast_dropout(x, 0.1, true);
  const double dropped = (a == 0).to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(dropped, 0.1, 0.002);  // 1e6 draws: the std of the share is 0.0003
  const torch::Tensor kept = a.masked_select(a != 0);
  EXPECT_NEAR(kept.min().item<float>(), 1.0f / 0.9f, 1e-6);
  EXPECT_NEAR(kept.max().item<float>(), 1.0f / 0.9f, 1e-6);
  EXPECT_NEAR(a.mean().item<double>(), 1.0, 0.003);
  torch::manual_seed(11);
  EXPECT_TRUE(torch::equal(motlab::nn::fast_dropout(x, 0.1, true), a));
  EXPECT_FALSE(torch::equal(motlab::nn::fast_dropout(x, 0.1, true), a));  // the stream advances
  // Draws are independent: neighbours in a word, across words, and a row apart drop together
  // at p^2 = 0.01 (std of each share ~0.0001).
  const torch::Tensor dropped_mask = (a == 0).to(torch::kDouble).flatten();
  for (int64_t lag : {1, 4, 1001}) {
    const torch::Tensor both = dropped_mask.narrow(0, 0, dropped_mask.numel() - lag) *
                               dropped_mask.narrow(0, lag, dropped_mask.numel() - lag);
    EXPECT_NEAR(both.mean().item<double>(), 0.01, 0.0006) << "lag " << lag;
  }
}

TEST(FastDropout, GradientIsTheMask) {
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({64, 33}, torch::requires_grad());
  const torch::Tensor y = motlab::nn::fast_dropout(x, 0.3, true);
  y.sum().backward();
  const torch::Tensor expected = (y != 0).to(torch::kFloat) / 0.7;
  EXPECT_TRUE(torch::allclose(x.grad(), expected));
}

TEST(Transformer, LayersStartAsCopiesOfTheFirstAsInPyTorch) {
  motlab::nn::TransformerDecoder stack(small_options(), 3);
  auto params = stack->named_parameters();
  for (const auto& item : params) {
    const std::string name = item.key();
    if (name.rfind("layers.0.", 0) != 0) continue;
    for (const char* other : {"layers.1.", "layers.2."}) {
      const std::string twin = other + name.substr(9);
      ASSERT_TRUE(params.contains(twin)) << twin;
      EXPECT_TRUE(torch::equal(params[twin], item.value())) << twin;
    }
  }
}

}  // namespace
