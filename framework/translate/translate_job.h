// `motlab data translate`: HumanML3D caption files (texts/<id>.txt, "caption#tokens#start#end")
// or a TMR annotations.json translated through a Translator, caption field only, every other
// byte kept. Resumable at any point: translations go to an append-only cache (JSON lines, synced
// after every request; keyed by the translator's identity and the source text, so a caption is
// never sent twice, in this run or a later one), output files are written atomically once all
// their captions are known, and files already written are kept. Then every translation is checked
// (empty, untranslated, numbers, flipped directions, length ratio) into a report.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "framework/translate/translator.h"

namespace motlab::translate {

struct Settings {
  std::string input;  // a HumanML3D root, or a TMR annotations.json
  std::string source_dir = "texts", target_dir = "texts_ko";  // HumanML3D folders under input
  std::string language = "ko";  // target language: output names and the script check
  std::string cache_file;       // "" = <root>/.translate_cache.jsonl (next to the output)
  std::string direction_terms;  // YAML glossary of direction terms (configs/translate/...)
  int64_t max_chars = 0;        // budget of source characters sent, 0 = none
  int64_t max_retries = 6;      // per request, on 429 / 5xx / timeouts
  double backoff_s = 1.0, max_backoff_s = 60.0;  // exponential back-off (Retry-After wins)
  double min_length_ratio = 0.15, max_length_ratio = 1.5;  // target/source characters
  bool dry_run = false;
};

struct Report {
  int64_t files = 0, files_kept = 0, files_written = 0;         // kept: already translated before
  int64_t captions = 0, unique = 0, unique_cached = 0;          // caption lines, distinct texts
  int64_t chars_unique = 0, chars_to_send = 0, chars_sent = 0;  // Unicode code points
  int64_t requests = 0, retries = 0, sent = 0;                  // sent: captions sent (each once)
  bool budget_reached = false;
  std::map<std::string, int64_t> problems;  // check name -> translations it flagged
  std::string output, report_file, cache_file;
};

// translator may be null only for a dry run. Throws with the endpoint, the error and where the
// finished work is when a request fails for good.
Report run(const Settings& settings, Translator* translator);

// The checks on one translation: names of the checks it fails ("empty", "untranslated",
// "numbers", "direction:left/right", "length_ratio").
struct DirectionPair {
  std::string name;                             // "left/right"
  std::vector<std::string> source_a, source_b;  // English words (lower case, whole words)
  std::vector<std::string> target_a, target_b;  // target substrings
};
std::vector<DirectionPair> load_direction_terms(const std::string& yaml_file);
std::vector<std::string> check_translation(const std::string& source, const std::string& target,
                                           const Settings& settings,
                                           const std::vector<DirectionPair>& directions);

}  // namespace motlab::translate
