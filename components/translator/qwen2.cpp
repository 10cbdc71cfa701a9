// Translator `qwen2`: offline, no service: a Qwen2 Instruct model folder (safetensors,
// config.json, tokenizer.json) run by motlab's own Qwen2 with greedy decoding over its KV cache,
// prompted in ChatML:
//   <|im_start|>system\n{prompt}<|im_end|>\n<|im_start|>user\n{caption}<|im_end|>\n
//   <|im_start|>assistant\n
// and stopped at <|im_end|>, the config's eos_token_id or translator.max_new_tokens.
#include <filesystem>

#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/io/hf_config.h"
#include "framework/nn/hf/qwen2.h"
#include "framework/nn/hf/qwen2_config.h"
#include "framework/nn/hf/qwen2_generate.h"
#include "framework/text/tokenizer.h"
#include "framework/translate/translator.h"

namespace motlab {
namespace {

namespace fs = std::filesystem;

struct Qwen2TranslatorSettings {
  std::string model_dir;
  std::string prompt =
      "Translate the user's English description of a human motion into natural Korean. Keep "
      "every direction (left/right), count and body part exactly. Reply with the translation "
      "only.";
  int64_t max_new_tokens = 128;
};

SettingsSchema<Qwen2TranslatorSettings> qwen2_translator_settings() {
  using S = Qwen2TranslatorSettings;
  return SettingsSchema<S>()
      .required("model_dir", &S::model_dir,
                "a Qwen2 Instruct folder (config.json, safetensors, tokenizer.json)")
      .option("prompt", &S::prompt, "system prompt")
      .option("max_new_tokens", &S::max_new_tokens, "generated tokens per caption at most",
              between(1, 4096));
}

// Size and modification time of every weight file: part of the cache key, so new weights in the
// same folder never reuse old translations.
std::string weights_stamp(const std::string& dir) {
  std::string out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".safetensors") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files)
    out += f.filename().string() + ":" + std::to_string(fs::file_size(f)) + ":" +
           std::to_string(fs::last_write_time(f).time_since_epoch().count()) + " ";
  return out;
}

class Qwen2Translator : public Translator {
 public:
  Qwen2Translator(const std::string& model_dir, std::string prompt, int64_t max_new_tokens,
                  torch::Device device)
      : model_dir_(fs::canonical(model_dir).string()),
        prompt_(std::move(prompt)),
        model_(nn::Qwen2Config::from_hf(io::HfConfig::load(model_dir_ + "/config.json"))) {
    tokenizer_ = text::load_tokenizer(model_dir_);
    const auto start = tokenizer_->token_to_id("<|im_start|>");
    const auto end = tokenizer_->token_to_id("<|im_end|>");
    MOTLAB_CHECK(start && end, model_dir_, ": the tokenizer has no <|im_start|> / <|im_end|> ",
                 "tokens (ChatML): translator qwen2 needs an Instruct model's folder");
    options_.max_new_tokens = max_new_tokens;
    options_.stop_ids = {*end, model_->config().eos_token_id};
    model_->load_pretrained(model_dir_);
    model_->to(device);
    model_->eval();
    stamp_ = weights_stamp(model_dir_);
  }

  std::vector<std::string> translate(const std::vector<std::string>& texts) override {
    std::vector<std::string> out;
    for (const auto& text : texts) {
      const std::string chat = "<|im_start|>system\n" + prompt_ + "<|im_end|>\n<|im_start|>user\n" +
                               text + "<|im_end|>\n<|im_start|>assistant\n";
      const auto prompt_ids = tokenizer_->encode(chat).ids;
      const auto generated = nn::greedy_generate(model_, prompt_ids, options_);
      out.push_back(trim(tokenizer_->decode(generated, /*skip_special=*/true), " \t\r\n"));
    }
    return out;
  }
  int64_t max_batch() const override { return 1; }
  std::string identity() const override {
    return "qwen2 model=" + model_dir_ + " weights=" + stamp_ + " prompt=" + prompt_ +
           " max_new_tokens=" + std::to_string(options_.max_new_tokens);
  }
  std::string endpoint() const override { return model_dir_ + " (local Qwen2)"; }

 private:
  std::string model_dir_, prompt_, stamp_;
  nn::Qwen2ForCausalLM model_;
  std::shared_ptr<text::Tokenizer> tokenizer_;
  nn::GreedySettings options_;
};

}  // namespace

MOTLAB_REGISTER(translator_family, "qwen2",
                "offline: a Qwen2 Instruct folder, greedy decoding (ChatML)",
                qwen2_translator_settings().options(),
                [](const Options& o, const BuildContext& ctx) -> std::shared_ptr<Translator> {
                  const Qwen2TranslatorSettings s = qwen2_translator_settings().read(o);
                  MOTLAB_CHECK(fs::is_directory(s.model_dir), o.describe("model_dir"), ": '",
                               s.model_dir, "' is not a folder");
                  return std::make_shared<Qwen2Translator>(s.model_dir, s.prompt, s.max_new_tokens,
                                                           ctx.device);
                });

}  // namespace motlab
