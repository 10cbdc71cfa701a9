// Translator `openai`: any OpenAI-compatible chat-completions server (vLLM, llama.cpp's server,
// Ollama, a hosted API): POST <base_url>/chat/completions with {"model", "messages": [{"role":
// "system", "content": prompt}, {"role": "user", "content": caption}], "temperature": 0} and,
// when translator.key_env names a set variable, "Authorization: Bearer <key>"; the translation is
// choices[0].message.content, trimmed. One caption per request (no model splits a batch reliably).
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/core/strings.h"
#include "framework/translate/translator.h"

namespace motlab {
namespace {

struct OpenAiSettings {
  std::string base_url = "http://127.0.0.1:8000/v1";
  std::string model;
  std::string prompt =
      "Translate the user's English description of a human motion into natural Korean. Keep "
      "every direction (left/right), count and body part exactly. Reply with the translation "
      "only.";
  std::string key_env = "OPENAI_API_KEY";
  int64_t max_tokens = 256;
  double timeout_s = 120.0;
};

SettingsSchema<OpenAiSettings> openai_settings() {
  using S = OpenAiSettings;
  return SettingsSchema<S>()
      .option("base_url", &S::base_url,
              "the server's API root (…/v1); /chat/completions is appended")
      .required("model", &S::model, "model name the server knows")
      .option("prompt", &S::prompt, "system prompt")
      .option("key_env", &S::key_env, "environment variable with a bearer key (unset: none sent)")
      .option("max_tokens", &S::max_tokens, "reply length limit (0: the server's default)")
      .option("timeout_s", &S::timeout_s, "seconds per request before it is retried", above(0))
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.base_url.rfind("http://", 0) == 0 || s.base_url.rfind("https://", 0) == 0,
                     where("base_url"), ": expected an http:// or https:// URL, got '", s.base_url,
                     "'");
      });
}

class OpenAiTranslator : public Translator {
 public:
  explicit OpenAiTranslator(OpenAiSettings o) : o_(std::move(o)) {}

  std::vector<std::string> translate(const std::vector<std::string>& texts) override {
    std::vector<std::string> out;
    for (const auto& text : texts) out.push_back(translate_one(text));
    return out;
  }
  int64_t max_batch() const override { return 1; }
  std::string identity() const override {
    return "openai url=" + url() + " model=" + o_.model +
           " max_tokens=" + std::to_string(o_.max_tokens) + " prompt=" + o_.prompt;
  }
  std::string endpoint() const override { return url(); }

 private:
  std::string url() const {
    std::string base = o_.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/chat/completions";
  }

  std::string translate_one(const std::string& text) const {
    nlohmann::json body;
    body["model"] = o_.model;
    body["messages"] = nlohmann::json::array(
        {{{"role", "system"}, {"content", o_.prompt}}, {{"role", "user"}, {"content", text}}});
    body["temperature"] = 0;
    if (o_.max_tokens > 0) body["max_tokens"] = o_.max_tokens;
    std::vector<std::pair<std::string, std::string>> headers;
    if (const char* key = std::getenv(o_.key_env.c_str()); key && *key)
      headers.emplace_back("Authorization", std::string("Bearer ") + key);
    const HttpReply reply = post_json(url(), headers, body.dump(), o_.timeout_s);
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(reply.body);
    } catch (const std::exception&) {
      throw TranslateError(url() + ": the reply is not JSON: " + reply.body.substr(0, 200), false);
    }
    const nlohmann::json* content = nullptr;
    if (parsed.is_object() && parsed.contains("choices") && parsed["choices"].is_array() &&
        !parsed["choices"].empty()) {
      const auto& choice = parsed["choices"][0];
      if (choice.is_object() && choice.contains("message") && choice["message"].is_object() &&
          choice["message"].contains("content") && choice["message"]["content"].is_string())
        content = &choice["message"]["content"];
    }
    if (!content)
      throw TranslateError(url() + ": the reply has no choices[0].message.content string: " +
                               reply.body.substr(0, 200),
                           false);
    const auto& choice = parsed["choices"][0];
    if (choice.contains("finish_reason") && choice["finish_reason"] == "length")
      throw TranslateError(
          url() + ": the reply was cut at translator.max_tokens=" + std::to_string(o_.max_tokens) +
              " for '" + text.substr(0, 80) + "' (raise it)",
          false);
    return trim(content->get<std::string>(), " \t\r\n");
  }

  OpenAiSettings o_;
};

}  // namespace

MOTLAB_REGISTER(translator_family, "openai",
                "an OpenAI-compatible chat-completions server, temperature 0",
                openai_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Translator> {
                  return std::make_shared<OpenAiTranslator>(openai_settings().read(o));
                });

}  // namespace motlab
