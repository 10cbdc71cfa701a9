// motlab data translate <HumanML3D root | annotations.json> [--to ko] [--backend deepl|openai|...]
//     [--dry-run] [--max-chars N] [--cache FILE] [--retries N] [--backoff S] [translator.*=...]
#include <iostream>

#include "experiments/cli.h"
#include "framework/config/search_path.h"
#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/run/runner.h"
#include "framework/translate/translate_job.h"

namespace motlab::cli {
namespace {

const char* kTranslateUsage =
    "usage: motlab data translate <HumanML3D root | annotations.json> [--to ko]\n"
    "           [--backend deepl|openai|<plugin key>] [translator.<option>=<value> ...]\n"
    "           [--source-dir texts] [--target-dir texts_<to>] [--dry-run] [--max-chars N]\n"
    "           [--cache FILE] [--retries 6] [--backoff 1.0] [--terms FILE.yaml] [--device D]\n"
    "  translates the caption field of <root>/texts/*.txt into <root>/texts_<to>/ (the other\n"
    "  fields kept byte for byte), or every annotation text of a TMR annotations.json into\n"
    "  annotations_<to>.json. Resumable: a killed run continues where it stopped, and a caption\n"
    "  is never sent twice (cache: <output>.cache.jsonl). --dry-run counts captions, distinct\n"
    "  captions and characters without sending anything; --max-chars stops before the budget\n"
    "  would be exceeded. Each translation is checked (empty, untranslated, numbers, flipped\n"
    "  directions, length ratio) into <output>_report.json. `motlab list translator <key>`\n"
    "  shows a backend's options (deepl: DEEPL_AUTH_KEY; openai: translator.base_url, .model;\n"
    "  qwen2: translator.model_dir, offline on --device cpu|cuda).\n";

double number_flag(const std::string& flag, const std::string& text, double low) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  MOTLAB_CHECK(used == text.size() && v >= low, "motlab data translate: ", flag,
               " needs a number >= ", low, ", got '", text, "'");
  return v;
}

int translate_command(const std::vector<std::string>& args) {
  translate::Settings s;
  std::string backend = "deepl";
  std::vector<std::string> overrides;
  bool target_dir_given = false;
  BuildContext ctx;
  for (size_t k = 0; k < args.size(); ++k) {
    const std::string& a = args[k];
    auto value = [&]() -> std::string {
      MOTLAB_CHECK(k + 1 < args.size(), "motlab data translate: ", a, " needs a value\n",
                   kTranslateUsage);
      return args[++k];
    };
    if (a == "--to")
      s.language = value();
    else if (a == "--backend")
      backend = value();
    else if (a == "--source-dir")
      s.source_dir = value();
    else if (a == "--target-dir")
      s.target_dir = value(), target_dir_given = true;
    else if (a == "--dry-run")
      s.dry_run = true;
    else if (a == "--max-chars")
      s.max_chars = static_cast<int64_t>(number_flag(a, value(), 1));
    else if (a == "--cache")
      s.cache_file = value();
    else if (a == "--retries")
      s.max_retries = static_cast<int64_t>(number_flag(a, value(), 0));
    else if (a == "--backoff")
      s.backoff_s = number_flag(a, value(), 0);
    else if (a == "--terms")
      s.direction_terms = value();
    else if (a == "--device")
      ctx.device = resolve_device(value());
    else if (a.rfind("translator.", 0) == 0 && a.find('=') != std::string::npos)
      overrides.push_back(a);
    else if (!a.empty() && a[0] == '-')
      MOTLAB_FAIL("motlab data translate: unknown flag '", a, "'\n", kTranslateUsage);
    else if (s.input.empty())
      s.input = a;
    else
      MOTLAB_FAIL("motlab data translate: unexpected '", a, "'\n", kTranslateUsage);
  }
  MOTLAB_CHECK(!s.input.empty(), "motlab data translate: give a HumanML3D root or an ",
               "annotations.json\n", kTranslateUsage);
  MOTLAB_CHECK(!s.language.empty() && s.language.find('/') == std::string::npos,
               "motlab data translate: --to needs a language code, got '", s.language, "'");
  if (!target_dir_given) s.target_dir = "texts_" + s.language;
  if (s.direction_terms.empty()) {
    std::vector<std::string> dirs{default_config_dir()};
    for (const auto& d : extra_config_folders()) dirs.push_back(d);
    s.direction_terms =
        ConfigSearchPath(dirs).find("translate/direction_terms_" + s.language + ".yaml");
  }

  // The backend's node: configs/translator/<backend>.yaml completed with its declared options.
  RunRequest request;
  request.overrides = {"+translator=" + backend};
  for (const auto& o : overrides) request.overrides.push_back(o);
  const Composed composed = compose_for_run(request);
  RuntimeInfo runtime;
  runtime.choices = composed.choices;
  const Config resolved = resolve_keys(composed.config, runtime, {"translator"});
  std::shared_ptr<Translator> translator = translator_family().build(resolved["translator"], ctx);

  const translate::Report r = translate::run(s, translator.get());
  std::cout << (s.dry_run ? "dry run: " : "") << r.files << " file(s), " << r.captions
            << " captions, " << r.unique << " distinct (" << r.chars_unique << " characters), "
            << r.unique_cached << " cached, " << (r.unique - r.unique_cached) << " to send ("
            << r.chars_to_send << " characters)";
  if (r.files_kept > 0) std::cout << ", " << r.files_kept << " output file(s) already there (kept)";
  std::cout << "\n";
  if (s.dry_run) return 0;
  std::cout << "sent " << r.sent << " captions (" << r.chars_sent << " characters) in "
            << r.requests << " requests (" << r.retries << " retries); wrote " << r.files_written
            << " file(s) -> " << r.output << "\n";
  if (r.budget_reached) {
    std::cout << "stopped before the budget (--max-chars " << s.max_chars << ") would be "
              << "exceeded; run again with a larger budget to continue (nothing is sent twice)\n";
    return 3;
  }
  int64_t flagged = 0;
  for (const auto& [name, count] : r.problems) flagged += count;
  std::cout << "checks: " << (flagged == 0 ? "no problems" : "");
  bool first = true;
  for (const auto& [name, count] : r.problems)
    std::cout << (first ? "" : ", ") << name << " " << count, first = false;
  std::cout << " (of " << r.unique << " distinct translations; details in " << r.report_file
            << ")\n";
  return 0;
}

}  // namespace
}  // namespace motlab::cli

MOTLAB_COMMAND("data translate",
               "translate a dataset's captions (DeepL, an OpenAI-compatible server, a plugin)",
               motlab::cli::kTranslateUsage, motlab::cli::translate_command);
