// Translator `deepl`: the DeepL API v2 text translation (POST /v2/translate, JSON body, as in
// DeepL's OpenAPI spec 2.x): {"text": [...<= 50], "target_lang", "source_lang", "formality",
// "glossary_id", "split_sentences": "0"} with "Authorization: DeepL-Auth-Key <key>"; the reply is
// {"translations": [{"detected_source_language", "text"}, ...]} in request order. 456 (quota
// exceeded) and 403 (bad key) stop the run; 429 and 5xx are retried by the driver.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "framework/config/settings.h"
#include "framework/core/error.h"
#include "framework/translate/translator.h"

namespace motlab {
namespace {

struct DeeplSettings {
  std::string url = "https://api.deepl.com/v2/translate";
  std::string key_env = "DEEPL_AUTH_KEY";
  std::string source_lang = "EN", target_lang = "KO";
  std::string formality = "default";
  std::string glossary_id;
  double timeout_s = 60.0;
};

SettingsSchema<DeeplSettings> deepl_settings() {
  using S = DeeplSettings;
  return SettingsSchema<S>()
      .option("url", &S::url, "endpoint (free keys: https://api-free.deepl.com/v2/translate)")
      .option("key_env", &S::key_env, "environment variable with the API key")
      .option("source_lang", &S::source_lang, "source language (\"\" = detect)")
      .option("target_lang", &S::target_lang, "target language")
      .choice("formality", &S::formality, {"default", "more", "less", "prefer_more", "prefer_less"},
              "DeepL's formality of the translation")
      .option("glossary_id", &S::glossary_id, "a DeepL glossary (needs source_lang)")
      .option("timeout_s", &S::timeout_s, "seconds per request before it is retried", above(0))
      .check([](const S& s, const auto& where) {
        MOTLAB_CHECK(s.glossary_id.empty() || !s.source_lang.empty(), where("glossary_id"),
                     ": a glossary needs translator.source_lang");
        MOTLAB_CHECK(!s.target_lang.empty(), where("target_lang"), ": must not be empty");
      });
}

class DeeplTranslator : public Translator {
 public:
  explicit DeeplTranslator(DeeplSettings o) : o_(std::move(o)) {}

  std::vector<std::string> translate(const std::vector<std::string>& texts) override {
    nlohmann::json body;
    body["text"] = texts;
    body["target_lang"] = o_.target_lang;
    if (!o_.source_lang.empty()) body["source_lang"] = o_.source_lang;
    if (o_.formality != "default") body["formality"] = o_.formality;
    if (!o_.glossary_id.empty()) body["glossary_id"] = o_.glossary_id;
    body["split_sentences"] = "0";  // a caption is one unit; its sentence breaks stay as they are
    const HttpReply reply = post_json(o_.url, {{"Authorization", "DeepL-Auth-Key " + key()}},
                                      body.dump(), o_.timeout_s);
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(reply.body);
    } catch (const std::exception&) {
      throw TranslateError(o_.url + ": the reply is not JSON: " + reply.body.substr(0, 200), false);
    }
    if (!parsed.is_object() || !parsed.contains("translations") ||
        !parsed["translations"].is_array())
      throw TranslateError(
          o_.url + ": the reply has no \"translations\" array: " + reply.body.substr(0, 200),
          false);
    const auto& list = parsed["translations"];
    if (list.size() != texts.size())
      throw TranslateError(o_.url + ": " + std::to_string(list.size()) + " translations for " +
                               std::to_string(texts.size()) + " texts",
                           false);
    std::vector<std::string> out;
    for (const auto& item : list) {
      if (!item.is_object() || !item.contains("text") || !item["text"].is_string())
        throw TranslateError(o_.url + ": a translation without a \"text\" string", false);
      out.push_back(item["text"].get<std::string>());
    }
    return out;
  }

  int64_t max_batch() const override { return 50; }  // DeepL's limit per request
  std::string identity() const override {
    return "deepl source=" + o_.source_lang + " target=" + o_.target_lang +
           " formality=" + o_.formality + " glossary=" + o_.glossary_id;
  }
  std::string endpoint() const override { return o_.url; }

 private:
  std::string key() const {
    const char* value = std::getenv(o_.key_env.c_str());
    MOTLAB_CHECK(value && *value, "translator deepl: set the environment variable ", o_.key_env,
                 " to your DeepL API key (translator.key_env names another variable)");
    return value;
  }
  DeeplSettings o_;
};

}  // namespace

MOTLAB_REGISTER(translator_family, "deepl",
                "the DeepL API (what the paper used), batches of up to 50",
                deepl_settings().options(),
                [](const Options& o, const BuildContext&) -> std::shared_ptr<Translator> {
                  return std::make_shared<DeeplTranslator>(deepl_settings().read(o));
                });

}  // namespace motlab
