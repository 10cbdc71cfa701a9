// The CUDA variants of the CPU checks: each test is skipped where no GPU is present (CI) and run
// by tools/gpu_check.sh on the GPU machine. On CPU one check runs everywhere: CudaGraphs::run
// calls the function directly.
//  - Qwen2's inference path on CUDA (fp32) gives the CPU's hidden states; bf16 stays close.
//  - the qwen2_lora encoder with CUDA graphs gives the embeddings of the eager forward, also
//    after its LoRA weights change (the graphs are captured again) and for another batch size.
//  - ForeachAdamW on CUDA follows LibTorch's AdamW.
//  - a CUDA graph of a small function replays with new inputs; one that synchronises with the
//    host falls back to eager.
//  - the ACTOR encoder's forward on CUDA equals the CPU's.
#include <gtest/gtest.h>

#include <torch/cuda.h>

#include "framework/config/config.h"
#include "framework/model/interfaces.h"
#include "framework/nn/actor.h"
#include "framework/nn/cuda_graph.h"
#include "framework/nn/hf/lora.h"
#include "framework/nn/hf/qwen2.h"
#include "framework/train/foreach_adamw.h"
#include "tests/support/paths.h"
#include "tests/support/tiny_qwen2.h"

namespace {
using namespace motlab;

#define REQUIRE_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device"

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kCPU, torch::kFloat) - b.to(torch::kCPU, torch::kFloat))
      .abs()
      .max()
      .item<double>();
}

nn::Qwen2Config small_qwen2(int64_t vocab) {
  nn::Qwen2Config c;
  c.vocab_size = vocab;
  c.hidden_size = 64;
  c.intermediate_size = 128;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 8;
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  c.rope_theta = 10000;
  return c;
}

TEST(CudaGraphs, RunsTheFunctionDirectlyOnCpu) {
  nn::CudaGraphs graphs;
  const torch::Tensor x = torch::randn({3, 4});
  int calls = 0;
  auto fn = [&](const std::vector<torch::Tensor>& in) {
    ++calls;
    return torch::relu(in[0]) * 2;
  };
  EXPECT_TRUE(torch::equal(graphs.run("a", {x}, fn), torch::relu(x) * 2));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(graphs.size(), 0u);  // nothing captured on CPU
}

TEST(CudaVariants, CudaGraphReplaysWithNewInputsAndFallsBackWhenNotCapturable) {
  REQUIRE_CUDA();
  if (!nn::CudaGraphs::supported()) GTEST_SKIP() << "built without CUDA graphs";
  torch::NoGradGuard no_grad;
  nn::CudaGraphs graphs;
  const torch::Tensor w = torch::randn({16, 16}, torch::kCUDA);
  auto fn = [&](const std::vector<torch::Tensor>& in) {
    return torch::relu(torch::matmul(in[0], w)) + 1;
  };
  for (int k = 0; k < 3; ++k) {
    const torch::Tensor x = torch::randn({4, 16}, torch::kCUDA);
    EXPECT_LT(max_diff(graphs.run("mm", {x}, fn), fn({x})), 1e-5) << "call " << k;
  }
  EXPECT_EQ(graphs.size(), 1u);
  auto syncing = [&](const std::vector<torch::Tensor>& in) {
    return in[0] * in[0].sum().item<float>();  // a host sync: not capturable
  };
  const torch::Tensor x = torch::randn({4, 16}, torch::kCUDA);
  EXPECT_LT(max_diff(graphs.run("sync", {x}, syncing), syncing({x})), 1e-4);
  EXPECT_LT(max_diff(graphs.run("mm", {x}, fn), fn({x})), 1e-5);  // the other graph still works
}

TEST(CudaVariants, Qwen2InferencePathOnCudaMatchesCpu) {
  REQUIRE_CUDA();
  torch::manual_seed(3);
  nn::Qwen2ForCausalLM model(small_qwen2(120));
  nn::LoraSettings lora;
  lora.r = 4;
  lora.alpha = 8;
  nn::add_lora_adapters(*model, lora);
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters())
    if (item.key().find("lora_B") != std::string::npos) item.value().normal_(0, 0.1);
  model->eval();
  const torch::Tensor ids = torch::randint(0, 120, {3, 21}, torch::kLong);
  const torch::Tensor cpu = model->forward(ids);
  model->to(torch::kCUDA);
  EXPECT_LT(max_diff(model->forward(ids.to(torch::kCUDA)), cpu), 1e-4);
  model->to(torch::kBFloat16);
  const double scale = cpu.abs().max().item<double>();
  EXPECT_LT(max_diff(model->forward(ids.to(torch::kCUDA)), cpu), 0.05 * scale);
}

TEST(CudaVariants, Qwen2LoraEncoderWithCudaGraphsGivesTheEagerEmbeddings) {
  REQUIRE_CUDA();
  const std::string dir = test::temp_dir("cuda_qwen2_lora");
  std::vector<std::string> corpus;
  for (int k = 0; k < 40; ++k) corpus.push_back("사람이 " + std::to_string(k % 9) + "걸음 걷는다");
  test::write_tiny_qwen2_folder(dir, corpus, small_qwen2(0), 5);  // vocab from the tokenizer
  BuildContext ctx;
  ctx.device = torch::Device(torch::kCUDA, 0);
  auto make = [&](bool graphs) {
    torch::manual_seed(9);
    return text_encoder_family().build(
        Config::from_yaml_string(
            "{_target_: qwen2_lora, model_dir: '" + dir +
            "', max_tokens: 16, latent_dim: 8, cuda_graphs: " + (graphs ? "true" : "false") +
            ", lora: {r: 2, alpha: 4, dropout: 0.0}}"),
        ctx);
  };
  auto eager = make(false), graphed = make(true);
  const std::vector<std::string> captions{"사람이 세 걸음 걷는다", "사람이 걷는다",
                                          "사람이 앞으로 빠르게 여러 걸음 걷는다"};
  auto encode = [&](TextEncoder& encoder, const std::vector<std::string>& c) {
    encoder.eval();
    torch::NoGradGuard no_grad;
    return encoder.encode(c).mean;
  };
  EXPECT_LT(max_diff(encode(*graphed, captions), encode(*eager, captions)), 1e-5);
  EXPECT_LT(max_diff(encode(*graphed, captions), encode(*eager, captions)), 1e-5);  // replay
  const std::vector<std::string> one{captions[2]};
  EXPECT_LT(max_diff(encode(*graphed, one), encode(*eager, one)), 1e-5);
  // New LoRA weights in both (as after training steps): the graphs must follow.
  for (auto* encoder : {eager.get(), graphed.get()}) {
    torch::NoGradGuard no_grad;
    torch::manual_seed(11);
    for (auto& item : encoder->named_parameters())
      if (item.key().find("lora_B") != std::string::npos) item.value().normal_(0, 0.2);
  }
  EXPECT_LT(max_diff(encode(*graphed, captions), encode(*eager, captions)), 1e-5);
}

TEST(CudaVariants, ForeachAdamWOnCudaFollowsAdamW) {
  REQUIRE_CUDA();
  torch::manual_seed(2);
  std::vector<torch::Tensor> a, b;
  for (const auto& shape : std::vector<std::vector<int64_t>>{{64, 32}, {32}, {7, 3, 5}}) {
    torch::Tensor p = torch::randn(shape, torch::kCUDA);
    a.push_back(p.clone().set_requires_grad(true));
    b.push_back(p.clone().set_requires_grad(true));
  }
  const auto options = torch::optim::AdamWOptions(1e-3).weight_decay(0.01);
  torch::optim::AdamW reference(a, options);
  train::ForeachAdamW ours(b, options);
  for (int step = 0; step < 10; ++step) {
    for (size_t k = 0; k < a.size(); ++k) {
      torch::Tensor g = torch::randn_like(a[k]);
      a[k].mutable_grad() = g.clone();
      b[k].mutable_grad() = g.clone();
    }
    reference.step();
    ours.step();
  }
  for (size_t k = 0; k < a.size(); ++k) EXPECT_LT(max_diff(a[k], b[k]), 1e-6) << k;
}

TEST(CudaVariants, ActorEncoderOnCudaMatchesCpu) {
  REQUIRE_CUDA();
  torch::manual_seed(4);
  nn::ActorSettings options;
  options.nfeats = 12;
  options.latent_dim = 32;
  options.ff_size = 64;
  options.num_layers = 2;
  nn::ActorStyleEncoder encoder(options);
  encoder->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({3, 10, 12});
  torch::Tensor mask = torch::ones({3, 10}, torch::kBool);
  mask[1].narrow(0, 6, 4).fill_(false);
  const torch::Tensor cpu = encoder->forward(x, mask);
  encoder->to(torch::kCUDA);
  EXPECT_LT(max_diff(encoder->forward(x.to(torch::kCUDA), mask.to(torch::kCUDA)), cpu), 1e-4);
}

}  // namespace
