// Qwen2 (framework/nn/hf/qwen2.h) and LoRA (lora.h) on tiny random configs: the cached
// prefill + decode path equals one full forward; a pruner that prunes nothing changes nothing and
// real pruning shrinks the key cache; right padding never changes a real token; an HF folder
// round-trips; loading errors name the tensor; LoRA starts as a no-op, merges exactly and its
// PEFT-layout adapter round-trips.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "framework/config/config.h"
#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"
#include "framework/model/interfaces.h"
#include "framework/nn/hf/backbone.h"
#include "framework/nn/hf/lora.h"
#include "framework/nn/hf/qwen2.h"
#include "framework/nn/kv_pruner.h"
#include "framework/text/tokenizer.h"
#include "tests/support/paths.h"
#include "tests/support/tiny_qwen2.h"

namespace {
using namespace motlab;

nn::Qwen2Config tiny_config() {
  nn::Qwen2Config c;
  c.vocab_size = 97;
  c.hidden_size = 48;
  c.intermediate_size = 80;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 6;  // GQA: 3 query heads per KV head
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  c.rope_theta = 10000;
  c.tie_word_embeddings = true;
  return c;
}

torch::Tensor ids(std::vector<int64_t> v) { return torch::tensor(v, torch::kLong).unsqueeze(0); }

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

std::shared_ptr<KvPruner> pruner(const std::string& yaml) {
  return kv_pruner_family().build(Config::from_yaml_string(yaml), BuildContext{});
}

TEST(Qwen2, CachedPrefillAndDecodeEqualOneFullForward) {
  torch::manual_seed(0);
  nn::Qwen2ForCausalLM model(tiny_config());
  model->eval();
  torch::NoGradGuard no_grad;
  const std::vector<int64_t> tokens{5, 17, 3, 88, 41, 9, 60};
  torch::Tensor full = model->forward(ids(tokens));  // [1, 7, 48]
  ASSERT_EQ(full.sizes(), (std::vector<int64_t>{1, 7, 48}));
  KvCache cache;
  model->forward(ids({5, 17, 3, 88, 41, 9}), cache, nullptr);
  torch::Tensor last = model->forward(ids({60}), cache, nullptr);
  EXPECT_LT(max_diff(last.select(1, 0), full.select(1, 6)), 1e-5);
  EXPECT_EQ(cache.layers.size(), 2u);
  EXPECT_EQ(cache.layers[0].length(), 7);
  EXPECT_EQ(cache.layers[0].keys.sizes(), (std::vector<int64_t>{1, 2, 7, 8}));
}

TEST(Qwen2, PrunerThatKeepsEverythingChangesNothingAndPruningShrinksKeys) {
  torch::manual_seed(1);
  nn::Qwen2ForCausalLM model(tiny_config());
  model->eval();
  torch::NoGradGuard no_grad;
  std::vector<int64_t> prompt;
  for (int64_t k = 0; k < 40; ++k) prompt.push_back((k * 7 + 3) % 97);
  auto decode = [&](KvPruner* p, KvCache& cache) {
    model->forward(ids(prompt), cache, p);
    return model->forward(ids({11}), cache, nullptr);
  };
  KvCache plain, zero, half;
  torch::Tensor reference = decode(nullptr, plain);
  auto keep_all = pruner("{_target_: think, ratio: 0.0, window: 8, recent: 4}");
  EXPECT_LT(max_diff(decode(keep_all.get(), zero), reference), 1e-6);
  auto think = pruner("{_target_: think, ratio: 0.5, window: 8, recent: 4}");
  torch::Tensor pruned = decode(think.get(), half);
  // 36 of 41 tokens have their keys at half width (4 of 8 channels); 4 recent + 1 decoded full.
  EXPECT_EQ(half.layers[0].pruned_keys.sizes(), (std::vector<int64_t>{1, 2, 36, 4}));
  EXPECT_LT(half.key_bytes(), plain.key_bytes());
  EXPECT_EQ(half.key_bytes(), 2 * 2 * (36 * 4 + 5 * 8) * 4);  // layers x kv heads x floats x 4 B
  EXPECT_TRUE(torch::isfinite(pruned).all().item<bool>());
}

TEST(Qwen2, RightPaddingNeverChangesARealToken) {
  torch::manual_seed(2);
  nn::Qwen2ForCausalLM model(tiny_config());
  model->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor alone = model->forward(ids({4, 8, 15}));
  torch::Tensor batch = model->forward(torch::tensor({{4, 8, 15, 0, 0}, {16, 23, 42, 1, 2}}));
  EXPECT_LT(max_diff(batch[0].narrow(0, 0, 3), alone[0]), 1e-5);
}

TEST(Qwen2, HuggingFaceFolderRoundTripsAndBadTensorsAreNamed) {
  torch::manual_seed(3);
  const nn::Qwen2Config config = tiny_config();
  nn::Qwen2ForCausalLM model(config);
  model->eval();
  const std::string dir = test::temp_dir("qwen2_folder");
  io::save_safetensors(dir + "/model.safetensors", model->hf_state());
  io::HfConfig::from_json(config.to_json(), dir + "/config.json").save(dir + "/config.json");
  auto backbone = load_hf_backbone({dir, "float32", torch::kCPU});
  EXPECT_EQ(backbone->model_type(), "qwen2");
  torch::NoGradGuard no_grad;
  torch::Tensor input = torch::tensor({{1, 2, 3, 4}});
  EXPECT_LT(
      max_diff(backbone->last_hidden_state(input, torch::ones_like(input)), model->forward(input)),
      1e-6);
  // A mis-shaped tensor: the error names it and both shapes.
  auto state = model->hf_state();
  for (auto& [name, tensor] : state)
    if (name == "model.layers.1.self_attn.k_proj.weight") tensor = torch::zeros({8, 48});
  io::save_safetensors(dir + "/model.safetensors", state);
  try {
    load_hf_backbone({dir, "float32", torch::kCPU});
    FAIL() << "a mis-shaped tensor was accepted";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("model.layers.1.self_attn.k_proj.weight"), std::string::npos) << what;
    EXPECT_NE(what.find("16, 48"), std::string::npos) << what;
    EXPECT_NE(what.find("8, 48"), std::string::npos) << what;
  }
}

TEST(Lora, StartsAsANoOpMergesExactlyAndRoundTripsInPeftLayout) {
  torch::manual_seed(4);
  nn::Qwen2ForCausalLM model(tiny_config());
  model->eval();
  torch::Tensor input = torch::tensor({{3, 1, 4, 1, 5, 9}});
  torch::Tensor base;
  {
    torch::NoGradGuard no_grad;
    base = model->forward(input);
  }
  nn::LoraSettings options;
  options.r = 4;
  options.alpha = 8;
  options.target_modules = {"q_proj", "v_proj", "down_proj"};
  const auto adapted = nn::add_lora_adapters(*model, options);
  EXPECT_EQ(adapted.size(), 6u);  // 3 modules x 2 layers
  torch::NoGradGuard no_grad;
  EXPECT_LT(max_diff(model->forward(input), base), 1e-7);  // B = 0
  for (auto& item : model->named_parameters())
    if (item.key().find("lora_B") != std::string::npos) item.value().normal_(0, 0.1);
  for (auto& item : model->named_parameters()) {
    const bool adapter = item.key().find("lora_") != std::string::npos;
    EXPECT_EQ(item.value().requires_grad(), adapter) << item.key();
  }
  torch::Tensor adapted_out = model->forward(input);
  EXPECT_GT(max_diff(adapted_out, base), 1e-4);

  const std::string dir = test::temp_dir("lora_adapter");
  nn::save_lora_adapter(*model, options, dir, "tiny-qwen2");
  const auto config = nlohmann::json::parse(read_file(dir + "/adapter_config.json"));
  EXPECT_EQ(config["peft_type"], "LORA");
  EXPECT_EQ(config["r"], 4);
  const auto file = io::SafetensorsFile::open(dir + "/adapter_model.safetensors");
  EXPECT_TRUE(file->contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));
  EXPECT_EQ(file->info("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape,
            (std::vector<int64_t>{48, 4}));

  // A fresh copy of the base + the saved adapter gives the adapted outputs.
  torch::manual_seed(4);
  nn::Qwen2ForCausalLM reloaded(tiny_config());
  reloaded->eval();
  nn::load_lora_adapter(*reloaded, dir);
  EXPECT_LT(max_diff(reloaded->forward(input), adapted_out), 1e-6);
  // Merging folds the adapter into the weights with the same outputs.
  nn::merge_lora_adapters(*reloaded);
  EXPECT_LT(max_diff(reloaded->forward(input), adapted_out), 1e-5);

  // A mis-shaped adapter tensor is named.
  auto tensors = std::vector<std::pair<std::string, torch::Tensor>>{};
  for (const auto& name : file->names()) tensors.emplace_back(name, file->tensor(name));
  for (auto& [name, tensor] : tensors)
    if (name == "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight")
      tensor = torch::zeros({3, 48});
  io::save_safetensors(dir + "/adapter_model.safetensors", tensors);
  torch::manual_seed(4);
  nn::Qwen2ForCausalLM other(tiny_config());
  try {
    nn::load_lora_adapter(*other, dir);
    FAIL() << "a mis-shaped adapter was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layers.0.self_attn.v_proj.lora_A.weight"),
              std::string::npos)
        << e.what();
  }
}

// The inference path (eval, no grad: fused q/k/v and gate/up, LoRA folded into the weights, kept
// RoPE table) gives the outputs of the training path (separate projections, LoRA added, KV-cache
// attention), and notices in-place updates of the adapter, a changed length and a merge.
TEST(Qwen2, InferencePathEqualsTrainingPathWithAdapters) {
  torch::manual_seed(6);
  nn::Qwen2ForCausalLM model(tiny_config());
  nn::LoraSettings options;
  options.r = 4;
  options.alpha = 8;
  options.target_modules = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                            "gate_proj", "up_proj", "down_proj"};
  nn::add_lora_adapters(*model, options);
  auto randomise_adapters = [&](double scale) {
    torch::NoGradGuard no_grad;
    for (auto& item : model->named_parameters())
      if (item.key().find("lora_") != std::string::npos) item.value().normal_(0, scale);
  };
  randomise_adapters(0.1);
  const torch::Tensor input = torch::tensor({{3, 1, 4, 1, 5, 9, 2, 6}, {5, 3, 5, 8, 9, 7, 9, 3}});
  auto training_path = [&](const torch::Tensor& x) {
    model->train(false);
    torch::AutoGradMode grad(true);  // grad mode selects the training path
    return model->forward(x).detach();
  };
  auto inference_path = [&](const torch::Tensor& x) {
    model->eval();
    torch::NoGradGuard no_grad;
    return model->forward(x);
  };
  torch::Tensor reference = training_path(input);
  EXPECT_LT(max_diff(inference_path(input), reference), 1e-5);
  // The adapter changes in place (an optimizer step): the folded weights follow.
  randomise_adapters(0.2);
  torch::Tensor changed = training_path(input);
  EXPECT_GT(max_diff(changed, reference), 1e-3);
  EXPECT_LT(max_diff(inference_path(input), changed), 1e-5);
  // A shorter sequence (the RoPE table is rebuilt) and a merge.
  torch::Tensor prefix = input.narrow(1, 0, 5);
  EXPECT_LT(max_diff(inference_path(prefix), training_path(prefix)), 1e-5);
  nn::merge_lora_adapters(*model);
  EXPECT_LT(max_diff(inference_path(input), changed), 2e-5);
  // bfloat16 base weights (the query encoder's setting): bf16 rounding only.
  torch::manual_seed(6);
  nn::Qwen2ForCausalLM bf16(tiny_config());
  nn::add_lora_adapters(*bf16, options);
  {
    torch::NoGradGuard no_grad;
    for (auto& item : bf16->named_parameters())
      if (item.key().find("lora_") != std::string::npos) item.value().normal_(0, 0.1);
  }
  bf16->to(torch::kBFloat16);
  for (auto& item : bf16->named_modules())
    if (auto* linear = dynamic_cast<nn::LoraLinearImpl*>(item.value().get()))
      if (linear->has_adapter()) {
        linear->lora_A->to(torch::kFloat);
        linear->lora_B->to(torch::kFloat);
      }
  bf16->train(false);
  torch::Tensor bf16_training;
  {
    torch::AutoGradMode grad(true);
    bf16_training = bf16->forward(input).detach().to(torch::kFloat);
  }
  torch::NoGradGuard no_grad;
  const double scale = bf16_training.abs().max().item<double>();
  EXPECT_LT(max_diff(bf16->forward(input).to(torch::kFloat), bf16_training), 0.05 * scale);
}

// Module::to() keeps each parameter's TensorImpl and version but replaces its data: the folded
// and fused weights of the inference path must be rebuilt (a stale fp32 copy would fail the bf16
// forward with a dtype mismatch).
TEST(Qwen2, InferencePathFollowsAModuleCastAfterItsFirstUse) {
  torch::manual_seed(8);
  nn::Qwen2ForCausalLM model(tiny_config());
  nn::LoraSettings options;
  options.r = 2;
  options.target_modules = {"q_proj", "v_proj", "gate_proj"};
  nn::add_lora_adapters(*model, options);
  model->eval();
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_parameters())
    if (item.key().find("lora_B") != std::string::npos) item.value().normal_(0, 0.1);
  const torch::Tensor input = torch::tensor({{4, 8, 15, 16, 23, 42}});
  const torch::Tensor f32 = model->forward(input);
  model->to(torch::kBFloat16);
  torch::Tensor bf16;
  ASSERT_NO_THROW(bf16 = model->forward(input));
  EXPECT_EQ(bf16.scalar_type(), torch::kBFloat16);
  EXPECT_LT(max_diff(bf16.to(torch::kFloat), f32), 0.05 * f32.abs().max().item<double>());
  model->to(torch::kFloat);
  EXPECT_LT(max_diff(model->forward(input), f32), 0.05 * f32.abs().max().item<double>());
}

}  // namespace

// The `qwen2_lora` text encoder with an instruction prompt: the prompt is never cut, the caption
// is cut to fit max_tokens, and a prompt that leaves no room is an error naming the prompt.
TEST(Qwen2LoraEncoder, PromptIsKeptAndTheCaptionIsCut) {
  const std::string dir = motlab::test::temp_dir("qwen2_lora_prompt");
  std::vector<std::string> corpus;
  for (int k = 0; k < 40; ++k)
    corpus.push_back("사람이 앞으로 " + std::to_string(k % 7) + "걸음 걷고 왼쪽으로 돈다");
  motlab::nn::Qwen2Config config;
  config.hidden_size = 32;
  config.intermediate_size = 64;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.num_key_value_heads = 2;
  config.head_dim = 8;
  motlab::test::write_tiny_qwen2_folder(dir, corpus, config, 2);
  const auto tokenizer = motlab::text::load_tokenizer(dir);

  const std::string prompt = "다음 문장의 동작을 기억하라: ";
  const auto prompt_tokens = static_cast<int64_t>(tokenizer->encode(prompt).ids.size());
  const std::string caption_a = "사람이 앞으로 세 걸음 걷는다", caption_b = "사람이 왼쪽으로 돈다";
  const auto caption_a_tokens = static_cast<int64_t>(tokenizer->encode(caption_a).ids.size());
  ASSERT_GT(caption_a_tokens, 3);
  auto make = [&](int64_t max_tokens) {
    return motlab::text_encoder_family().build(
        motlab::Config::from_yaml_string("{_target_: qwen2_lora, model_dir: '" + dir +
                                         "', prompt: '" + prompt +
                                         "', max_tokens: " + std::to_string(max_tokens) +
                                         ", latent_dim: 8, lora: {r: 2, alpha: 4, dropout: 0.0}}"),
        motlab::BuildContext{});
  };
  // Room for the prompt, 2 caption tokens and [EOS]: both captions keep 2 tokens, so they differ.
  auto encoder = make(prompt_tokens + 3);
  encoder->eval();
  torch::NoGradGuard no_grad;
  encoder->reset_statistics();
  const auto out = encoder->encode({caption_a, caption_b});
  EXPECT_DOUBLE_EQ(encoder->statistics().at("tokens_per_query"),
                   static_cast<double>(prompt_tokens + 3));
  EXPECT_GT((out.mean[0] - out.mean[1]).abs().max().item<float>(), 1e-6);
  // Enough room: the whole caption is used.
  auto roomy = make(prompt_tokens + caption_a_tokens + 1);
  roomy->reset_statistics();
  roomy->encode({caption_a});
  EXPECT_DOUBLE_EQ(roomy->statistics().at("tokens_per_query"),
                   static_cast<double>(prompt_tokens + caption_a_tokens + 1));
  try {
    make(prompt_tokens + 1);
    FAIL() << "a prompt filling max_tokens was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("prompt is"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("max_tokens"), std::string::npos) << e.what();
  }
}
