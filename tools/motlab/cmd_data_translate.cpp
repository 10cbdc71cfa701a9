// motlab data translate <HumanML3D root | annotations.json> [--to ko] [--backend deepl|openai|...]
//     [--dry-run] [--max-chars N] [--cache FILE] [--retries N] [--backoff S] [translator.*=...]
#include <iostream>

#include "framework/config/search_path.h"
#include "framework/core/device.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/run/runner.h"
#include "framework/translate/translate_job.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

int translate_command(CommandLine& cl) {
  translate::Settings s;
  std::string backend = "deepl", device = "cpu";
  std::vector<std::string> overrides;
  cl.describe(
        "  translates the caption field of <root>/texts/*.txt into <root>/texts_<to>/ (the other\n"
        "  fields kept byte for byte), or every annotation text of a TMR annotations.json into\n"
        "  annotations_<to>.json. Resumable: a killed run continues where it stopped, and a\n"
        "  caption is never sent twice (cache: <output>.cache.jsonl). --dry-run counts captions,\n"
        "  distinct captions and characters without sending anything; --max-chars stops before\n"
        "  the budget would be exceeded. Each translation is checked (empty, untranslated,\n"
        "  numbers, flipped directions, length ratio) into <output>_report.json.\n"
        "  `motlab list translator <key>` shows a backend's options (deepl: DEEPL_AUTH_KEY;\n"
        "  openai: translator.base_url, .model; qwen2: translator.model_dir, offline on\n"
        "  --device cpu|cuda).")
      .positional("input", &s.input, "a HumanML3D root or a TMR annotations.json")
      .rest("translator.<option>=<value>", &overrides, "options of the backend")
      .text("to", &s.language, "LANG", "target language code")
      .text("backend", &backend, "KEY", "deepl, openai or a plugin's translator key")
      .text("source-dir", &s.source_dir, "D", "caption folder read under the root")
      .text("target-dir", &s.target_dir, "D", "folder written under the root (default texts_<to>)")
      .flag("dry-run", &s.dry_run, "count, send nothing")
      .integer("max-chars", &s.max_chars, 0, int64_t{1} << 50, "N",
               "budget of source characters sent (0: none)")
      .text("cache", &s.cache_file, "FILE", "translation cache (JSON lines)")
      .integer("retries", &s.max_retries, 0, 100, "N", "per request, on 429 / 5xx / timeouts")
      .number("backoff", &s.backoff_s, 0, 3600, "S", "first back-off in seconds (doubles)")
      .text("terms", &s.direction_terms, "FILE.yaml", "glossary of direction terms")
      .text("device", &device, "D", "cpu or cuda (offline backends)")
      .parse();
  const bool target_dir_given = cl.given("target-dir");
  BuildContext ctx;
  ctx.device = resolve_device(device);
  for (const auto& o : overrides)
    MOTLAB_CHECK(o.rfind("translator.", 0) == 0 && o.find('=') != std::string::npos,
                 "motlab data translate: unexpected '", o,
                 "' (after the input only translator.<option>=<value> may follow; see motlab "
                 "data translate --help)");
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
               motlab::cli::translate_command);
