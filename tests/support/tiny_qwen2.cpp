#include "tests/support/tiny_qwen2.h"

#include "framework/io/hf_config.h"
#include "framework/io/safetensors.h"
#include "framework/nn/hf/qwen2.h"
#include "framework/text/tokenizer.h"
#include "framework/text/tokenizer_training.h"

namespace motlab::test {

nn::Qwen2Config write_tiny_qwen2_folder(const std::string& dir,
                                        const std::vector<std::string>& corpus,
                                        nn::Qwen2Config config, uint64_t seed) {
  text::BpeTrainingSettings bpe;
  bpe.vocab_size = 300;
  text::train_byte_level_bpe(corpus, dir, bpe);
  const auto tokenizer = text::load_tokenizer(dir);
  config.vocab_size = tokenizer->vocab_size();
  config.eos_token_id = config.bos_token_id =
      tokenizer->special_tokens().eos.value_or(tokenizer->vocab_size() - 1);
  torch::manual_seed(seed);
  nn::Qwen2ForCausalLM model(config);
  io::save_safetensors(dir + "/model.safetensors", model->hf_state());
  io::HfConfig::from_json(config.to_json(), dir + "/config.json").save(dir + "/config.json");
  return config;
}

}  // namespace motlab::test
