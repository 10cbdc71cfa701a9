// Translator `deepl`: the DeepL API v2 text translation (POST /v2/translate, JSON body, as in
// DeepL's OpenAPI spec 2.x): {"text": [...<= 50], "target_lang", "source_lang", "formality",
// "glossary_id", "split_sentences": "0"} with "Authorization: DeepL-Auth-Key <key>"; the reply is
// {"translations": [{"detected_source_language", "text"}, ...]} in request order. 456 (quota
// exceeded) and 403 (bad key) stop the run; 429 and 5xx are retried by the driver.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/translate/translator.h"

namespace motlab {
namespace {

struct DeeplOptions {
  std::string url, key_env, source_lang, target_lang, formality, glossary_id;
  double timeout_s;
};

class DeeplTranslator : public Translator {
 public:
  explicit DeeplTranslator(DeeplOptions o) : o_(std::move(o)) {}

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
  DeeplOptions o_;
};

bool known_formality(const std::string& value) {
  for (const char* known : {"default", "more", "less", "prefer_more", "prefer_less"})
    if (value == known) return true;
  return false;
}

}  // namespace

MOTLAB_REGISTER(
    translator_family, "deepl", "the DeepL API (what the paper used), batches of up to 50",
    OptionSchema()
        .option<std::string>("url", "https://api.deepl.com/v2/translate",
                             "endpoint (free keys: https://api-free.deepl.com/v2/translate)")
        .option<std::string>("key_env", "DEEPL_AUTH_KEY", "environment variable with the API key")
        .option<std::string>("source_lang", "EN", "source language (\"\" = detect)")
        .option<std::string>("target_lang", "KO", "target language")
        .option<std::string>("formality", "default",
                             "default | more | less | prefer_more | prefer_less")
        .option<std::string>("glossary_id", "", "a DeepL glossary (needs source_lang)")
        .option<double>("timeout_s", 60.0, "seconds per request before it is retried"),
    [](const Options& o, const BuildContext&) -> std::shared_ptr<Translator> {
      DeeplOptions d;
      d.url = o.get<std::string>("url");
      d.key_env = o.get<std::string>("key_env");
      d.source_lang = o.get<std::string>("source_lang");
      d.target_lang = o.get<std::string>("target_lang");
      d.formality = o.get<std::string>("formality");
      d.glossary_id = o.get<std::string>("glossary_id");
      d.timeout_s = o.get<double>("timeout_s");
      MOTLAB_CHECK(known_formality(d.formality), o.describe("formality"),
                   ": expected default, more, less, prefer_more or ", "prefer_less, got '",
                   d.formality, "'");
      MOTLAB_CHECK(d.glossary_id.empty() || !d.source_lang.empty(), o.describe("glossary_id"),
                   ": a glossary needs translator.source_lang");
      MOTLAB_CHECK(!d.target_lang.empty(), o.describe("target_lang"), ": must not be empty");
      MOTLAB_CHECK(d.timeout_s > 0, o.describe("timeout_s"), ": must be > 0");
      return std::make_shared<DeeplTranslator>(d);
    });

}  // namespace motlab
