// ForeachAdamW against LibTorch's AdamW: the same parameters after every step (bitwise on CPU),
// with weight decay, a parameter without gradient, two dtypes and an lr change mid-way; its saved
// state loads into AdamW (and back) and training continues identically; zero_gradients.
#include <gtest/gtest.h>

#include <sstream>

#include "framework/train/foreach_adamw.h"

namespace {

using motlab::train::ForeachAdamW;

std::vector<torch::Tensor> make_parameters() {
  torch::manual_seed(7);
  std::vector<torch::Tensor> out;
  for (const auto& shape : std::vector<std::vector<int64_t>>{{5, 3}, {7}, {2, 4, 3}, {1}})
    out.push_back(torch::randn(shape).set_requires_grad(true));
  out.push_back(torch::randn({6}, torch::kDouble).set_requires_grad(true));
  out.push_back(torch::randn({4}).set_requires_grad(true));  // never gets a gradient
  return out;
}

std::vector<torch::Tensor> clones(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> out;
  for (const auto& p : params) out.push_back(p.detach().clone().set_requires_grad(true));
  return out;
}

void set_gradients(std::vector<torch::Tensor>& params, int64_t step) {
  torch::manual_seed(100 + step);
  for (size_t k = 0; k + 1 < params.size(); ++k)
    params[k].mutable_grad() = torch::randn_like(params[k]);
}

torch::optim::AdamWOptions options() {
  return torch::optim::AdamWOptions(3e-3).weight_decay(0.01).betas({0.9, 0.99}).eps(1e-7);
}

void expect_identical(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b,
                      int64_t step) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k)
    EXPECT_TRUE(torch::equal(a[k], b[k])) << "parameter " << k << " after step " << step;
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

TEST(ForeachAdamW, MatchesLibTorchAdamWBitwise) {
  std::vector<torch::Tensor> reference = make_parameters(), ours = clones(reference);
  torch::optim::AdamW adamw(reference, options());
  ForeachAdamW foreach (ours, options());
  for (int64_t step = 1; step <= 12; ++step) {
    if (step == 6) {
      set_lr(adamw, 1e-3);
      set_lr(foreach, 1e-3);
    }
    set_gradients(reference, step);
    set_gradients(ours, step);
    adamw.step();
    foreach
      .step();
    expect_identical(reference, ours, step);
  }
  EXPECT_FALSE(ours.back().grad().defined());
  EXPECT_TRUE(torch::equal(ours.back(), make_parameters().back()));  // no gradient: untouched
}

TEST(ForeachAdamW, StateMovesToAndFromLibTorchAdamW) {
  std::vector<torch::Tensor> reference = make_parameters(), ours = clones(reference);
  torch::optim::AdamW adamw(reference, options());
  ForeachAdamW foreach (ours, options());
  for (int64_t step = 1; step <= 3; ++step) {
    set_gradients(reference, step);
    set_gradients(ours, step);
    adamw.step();
    foreach
      .step();
  }
  // ForeachAdamW's state -> a fresh AdamW, and AdamW's -> a fresh ForeachAdamW.
  std::stringstream from_foreach, from_adamw;
  {
    torch::serialize::OutputArchive archive;
    foreach
      .save(archive);
    archive.save_to(from_foreach);
  }
  {
    torch::serialize::OutputArchive archive;
    adamw.save(archive);
    archive.save_to(from_adamw);
  }
  std::vector<torch::Tensor> a = clones(ours), b = clones(reference);
  torch::optim::AdamW adamw2(a, options());
  ForeachAdamW foreach2(b, options());
  {
    torch::serialize::InputArchive archive;
    archive.load_from(from_foreach);
    adamw2.load(archive);
  }
  {
    torch::serialize::InputArchive archive;
    archive.load_from(from_adamw);
    foreach2.load(archive);
  }
  for (int64_t step = 4; step <= 8; ++step) {
    for (auto* params : {&reference, &ours, &a, &b}) set_gradients(*params, step);
    adamw.step();
    foreach
      .step();
    adamw2.step();
    foreach2.step();
    expect_identical(reference, ours, step);
    expect_identical(reference, a, step);
    expect_identical(reference, b, step);
  }
}

TEST(ForeachAdamW, ZeroGradientsZeroesDefinedOnes) {
  std::vector<torch::Tensor> params = make_parameters();
  set_gradients(params, 1);
  motlab::train::zero_gradients(params);
  for (size_t k = 0; k + 1 < params.size(); ++k) {
    ASSERT_TRUE(params[k].grad().defined());
    EXPECT_EQ(params[k].grad().abs().sum().item<double>(), 0.0);
  }
  EXPECT_FALSE(params.back().grad().defined());
}

}  // namespace
