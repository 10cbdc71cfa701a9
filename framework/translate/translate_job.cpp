#include "framework/translate/translate_job.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "framework/config/config.h"
#include "framework/core/error.h"
#include "framework/core/log.h"
#include "framework/core/progress.h"
#include "framework/core/strings.h"
#include "framework/io/atomic_file.h"
#include "framework/text/unicode.h"

namespace motlab::translate {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

int64_t characters(const std::string& s) {
  return static_cast<int64_t>(text::unicode::decode(s).size());
}

bool has_hangul(const std::string& s) {
  for (char32_t cp : text::unicode::decode(s))
    if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF) ||
        (cp >= 0x3130 && cp <= 0x318F))
      return true;
  return false;
}

std::vector<std::string> digit_runs(const std::string& s) {
  std::vector<std::string> out;
  std::string run;
  for (char c : s + " ") {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      run += c;
    } else if (!run.empty()) {
      out.push_back(run);
      run.clear();
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// `text` with every occurrence of each term replaced by a space.
std::string blank_out(std::string text, const std::vector<std::string>& terms) {
  for (const auto& term : terms)
    for (size_t at; !term.empty() && (at = text.find(term)) != std::string::npos;)
      text.replace(at, term.size(), " ");
  return text;
}

bool has_word(const std::string& lower_text, const std::vector<std::string>& words) {
  std::set<std::string> tokens;
  std::string token;
  for (char c : lower_text + " ") {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      token += c;
    } else if (!token.empty()) {
      tokens.insert(token);
      token.clear();
    }
  }
  for (const auto& w : words)
    if (tokens.count(w)) return true;
  return false;
}

// English terms: a plain word matches whole words only ("right" is not in "upright"); a term
// with other characters ("counter-clockwise", "to the left") matches as a substring.
bool has_term(const std::string& lower_text, const std::vector<std::string>& terms) {
  for (const auto& term : terms) {
    const bool word = std::all_of(term.begin(), term.end(), [](char c) {
      return std::isalpha(static_cast<unsigned char>(c));
    });
    if (word ? has_word(lower_text, {term}) : lower_text.find(term) != std::string::npos)
      return true;
  }
  return false;
}

bool has_substring(const std::string& text, const std::vector<std::string>& terms) {
  for (const auto& t : terms)
    if (!t.empty() && text.find(t) != std::string::npos) return true;
  return false;
}

// A caption line of a HumanML3D text file: the caption, and the rest of the line from the first
// '#' on, kept byte for byte.
struct Line {
  std::string lead, caption, rest;  // lead: a UTF-8 byte order mark, kept
  bool has_caption = false;
};

std::vector<Line> read_lines(const std::string& path) {
  const std::string text = read_file(path);
  MOTLAB_CHECK(text::unicode::invalid_utf8_offset(text) < 0, path, ": not UTF-8 text (byte ",
               text::unicode::invalid_utf8_offset(text), ")");
  // Split on '\n' keeping a final empty piece, so joining with '\n' gives the file back
  // (with or without its final newline).
  std::vector<Line> out;
  for (size_t start = 0;;) {
    const size_t found = text.find('\n', start);
    const size_t end = found == std::string::npos ? text.size() : found;
    const std::string line = text.substr(start, end - start);
    Line l;
    const size_t hash = line.find('#');
    l.caption = hash == std::string::npos ? line : line.substr(0, hash);
    l.rest = hash == std::string::npos ? "" : line.substr(hash);
    // A CRLF line without '#' keeps its '\r'; a BOM before the first caption is kept too.
    if (!l.caption.empty() && l.caption.back() == '\r' && l.rest.empty()) {
      l.caption.pop_back();
      l.rest = "\r";
    }
    if (out.empty() && l.caption.rfind("\xEF\xBB\xBF", 0) == 0) {
      l.lead = l.caption.substr(0, 3);
      l.caption = l.caption.substr(3);
    }
    l.has_caption = !trim(l.caption, " \t\r").empty();
    out.push_back(l);
    if (found == std::string::npos) break;
    start = found + 1;
  }
  return out;
}

// One line of valid UTF-8: a caption may hold neither '#' (the field separator) nor a line
// break, and a broken byte sequence (a model can end on half a character) becomes U+FFFD.
std::string valid_utf8(std::string text) {
  for (int64_t bad; (bad = text::unicode::invalid_utf8_offset(text)) >= 0;)
    text.replace(static_cast<size_t>(bad), 1, "\xEF\xBF\xBD");
  return text;
}

std::string one_line(const std::string& translation) {
  std::string out;
  for (char c : valid_utf8(translation)) out += (c == '\n' || c == '\r') ? ' ' : c == '#' ? ' ' : c;
  return trim(out, " \t");
}

class Cache {
 public:
  Cache(std::string file, std::string identity)
      : file_(std::move(file)), key_(fnv1a_hex(std::move(identity))) {
    if (!fs::exists(file_)) return;
    const std::string text = read_file(file_);
    size_t start = 0, valid_end = 0;
    int line_number = 0;
    while (start < text.size()) {
      const size_t end = text.find('\n', start);
      ++line_number;
      if (end == std::string::npos) break;  // a last line cut by a kill: dropped below
      json entry;
      try {
        entry = json::parse(text.substr(start, end - start));
      } catch (const std::exception&) {
        MOTLAB_FAIL(file_, ":", line_number, ": not a translation cache entry (JSON lines of ",
                    "{\"key\", \"source\", \"target\"}); move the file away to start a new cache");
      }
      MOTLAB_CHECK(entry.is_object() && entry.contains("key") && entry.contains("source") &&
                       entry.contains("target") && entry["source"].is_string() &&
                       entry["target"].is_string(),
                   file_, ":", line_number, ": expected {\"key\", \"source\", \"target\"}");
      if (entry["key"] == key_) entries_[entry["source"]] = entry["target"];
      valid_end = end + 1;
      start = end + 1;
    }
    if (valid_end < text.size()) {  // the partial line of an interrupted append
      MOTLAB_CHECK(::truncate(file_.c_str(), static_cast<off_t>(valid_end)) == 0,
                   "cannot truncate the partial last line of ", file_);
      log::info("translate", file_ + ": dropped a partial last line (an interrupted run)");
    }
  }

  const std::string* find(const std::string& source) const {
    auto it = entries_.find(source);
    return it == entries_.end() ? nullptr : &it->second;
  }
  size_t size() const { return entries_.size(); }

  // Appends and syncs: once this returns, the translations survive a kill.
  void add(const std::vector<std::string>& sources, const std::vector<std::string>& targets) {
    std::string lines;
    for (size_t i = 0; i < sources.size(); ++i) {
      lines += json{{"key", key_}, {"source", sources[i]}, {"target", targets[i]}}.dump() + "\n";
      entries_[sources[i]] = targets[i];
    }
    make_dirs(fs::path(file_).parent_path().string());
    const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    MOTLAB_CHECK(fd >= 0, "cannot open the translation cache ", file_, " for appending");
    const bool written =
        ::write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size());
    const bool synced = ::fsync(fd) == 0;
    MOTLAB_CHECK(::close(fd) == 0 && written && synced, "cannot write the translation cache ",
                 file_, " (disk full?)");
  }

 private:
  std::string file_, key_;
  std::map<std::string, std::string> entries_;
};

// What gets translated: HumanML3D files, or one annotations.json.
struct Job {
  struct File {
    std::string source, target;  // paths
    std::vector<Line> lines;     // HumanML3D
    bool kept = false;           // the target exists already
  };
  std::vector<File> files;
  bool annotations = false;
  nlohmann::ordered_json tmr;  // the annotations.json document, keys in file order
  std::string tmr_target;
};

Job collect(const Settings& s) {
  Job job;
  if (fs::is_regular_file(s.input)) {
    MOTLAB_CHECK(fs::path(s.input).extension() == ".json", s.input,
                 ": expected a HumanML3D folder (with ", s.source_dir,
                 "/) or a TMR annotations.json");
    job.annotations = true;
    try {
      job.tmr = nlohmann::ordered_json::parse(read_file(s.input));
    } catch (const std::exception& e) {
      MOTLAB_FAIL(s.input, ": not JSON (", e.what(), ")");
    }
    MOTLAB_CHECK(job.tmr.is_object(), s.input, ": expected {keyid: {annotations: [...]}}");
    for (auto& [keyid, motion] : job.tmr.items()) {
      MOTLAB_CHECK(
          motion.is_object() && motion.contains("annotations") && motion["annotations"].is_array(),
          s.input, ": keyid '", keyid, "' has no \"annotations\" list");
      for (auto& a : motion["annotations"])
        MOTLAB_CHECK(a.is_object() && a.contains("text") && a["text"].is_string(), s.input,
                     ": keyid '", keyid, "': an annotation without a \"text\" string");
    }
    const fs::path in(s.input);
    job.tmr_target =
        (in.parent_path() / (in.stem().string() + "_" + s.language + ".json")).string();
    return job;
  }
  const std::string source = s.input + "/" + s.source_dir;
  MOTLAB_CHECK(fs::is_directory(source), s.input, ": has no ", s.source_dir,
               "/ folder of caption files (HumanML3D's texts.zip unpacked there)");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(source))
    if (entry.path().extension() == ".txt") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  MOTLAB_CHECK(!names.empty(), source, ": no .txt caption files");
  for (const auto& name : names) {
    Job::File f;
    f.source = source + "/" + name;
    f.target = s.input + "/" + s.target_dir + "/" + name;
    f.kept = fs::exists(f.target);
    f.lines = read_lines(f.source);
    job.files.push_back(std::move(f));
  }
  return job;
}

std::vector<std::string> captions_of(const Job& job, const Job::File& f) {
  std::vector<std::string> out;
  for (const auto& l : f.lines)
    if (l.has_caption) out.push_back(l.caption);
  (void)job;
  return out;
}

}  // namespace

std::vector<DirectionPair> load_direction_terms(const std::string& yaml_file) {
  std::vector<DirectionPair> out;
  if (yaml_file.empty()) return out;
  const Config doc = Config::from_yaml_file(yaml_file);
  MOTLAB_CHECK(doc.has("pairs") && doc["pairs"].is_list(), yaml_file,
               ": expected a 'pairs' list of {name, source_a, source_b, target_a, target_b}");
  for (size_t i = 0; i < doc["pairs"].size(); ++i) {
    const Config p = doc["pairs"].at(i);
    DirectionPair d;
    d.name = p.get<std::string>("name");
    d.source_a = p.get<std::vector<std::string>>("source_a");
    d.source_b = p.get<std::vector<std::string>>("source_b");
    d.target_a = p.get<std::vector<std::string>>("target_a");
    d.target_b = p.get<std::vector<std::string>>("target_b");
    for (auto& w : d.source_a) w = lower_ascii(w);
    for (auto& w : d.source_b) w = lower_ascii(w);
    out.push_back(d);
  }
  return out;
}

std::vector<std::string> check_translation(const std::string& source, const std::string& target,
                                           const Settings& s,
                                           const std::vector<DirectionPair>& directions) {
  std::vector<std::string> problems;
  const std::string t = trim(target, " \t\r\n");
  if (t.empty()) return {"empty"};
  bool latin = false;
  for (char c : source) latin |= std::isalpha(static_cast<unsigned char>(c)) != 0;
  if (t == trim(source, " \t\r\n") || (s.language == "ko" && latin && !has_hangul(t)))
    problems.push_back("untranslated");
  if (digit_runs(source) != digit_runs(t)) problems.push_back("numbers");
  const std::string lower = lower_ascii(source);
  for (const auto& d : directions) {
    // A phrase of one side may contain the other's ("counterclockwise" / "clockwise", "반시계
    // 방향" / "시계 방향"): the longer side is matched first and blanked out.
    const bool src_b = has_term(lower, d.source_b);
    const bool src_a = has_term(blank_out(lower, d.source_b), d.source_a);
    const bool dst_b = has_substring(t, d.target_b);
    const bool dst_a = has_substring(blank_out(t, d.target_b), d.target_a);
    if ((src_a && !src_b && dst_b && !dst_a) || (src_b && !src_a && dst_a && !dst_b))
      problems.push_back("direction:" + d.name);
  }
  const int64_t n = characters(source);
  if (n >= 10) {
    const double ratio = static_cast<double>(characters(t)) / static_cast<double>(n);
    if (ratio < s.min_length_ratio || ratio > s.max_length_ratio)
      problems.push_back("length_ratio");
  }
  return problems;
}

Report run(const Settings& s, Translator* translator) {
  MOTLAB_CHECK(s.dry_run || translator, "translate: no translator");
  Job job = collect(s);
  Report report;
  const std::string out_root = job.annotations ? fs::path(s.input).parent_path().string() : s.input;
  report.cache_file = !s.cache_file.empty() ? s.cache_file
                      : job.annotations     ? job.tmr_target + ".cache.jsonl"
                                            : s.input + "/" + s.target_dir + ".cache.jsonl";
  report.output = job.annotations ? job.tmr_target : s.input + "/" + s.target_dir;
  report.report_file = report.output + (job.annotations ? ".report.json" : "_report.json");
  (void)out_root;

  // Distinct captions in order of first appearance.
  // `needed`: those of outputs not written yet (a kept file's captions are never sent).
  std::vector<std::string> order;
  std::set<std::string> seen, needed;
  auto note = [&](const std::string& caption, bool kept) {
    ++report.captions;
    if (seen.insert(caption).second) order.push_back(caption);
    if (!kept) needed.insert(caption);
  };
  if (job.annotations) {
    report.files = 1;
    report.files_kept = fs::exists(job.tmr_target);
    for (auto& [keyid, motion] : job.tmr.items())
      for (auto& a : motion["annotations"]) note(a["text"].get<std::string>(), report.files_kept);
  } else {
    for (const auto& f : job.files) {
      ++report.files;
      report.files_kept += f.kept;
      for (const auto& c : captions_of(job, f)) note(c, f.kept);
    }
  }
  report.unique = static_cast<int64_t>(order.size());
  for (const auto& c : order) report.chars_unique += characters(c);

  std::unique_ptr<Cache> cache;
  if (translator) cache = std::make_unique<Cache>(report.cache_file, translator->identity());
  std::vector<std::string> pending;
  for (const auto& c : order) {
    if (cache && cache->find(c)) {
      ++report.unique_cached;
    } else if (needed.count(c)) {
      pending.push_back(c);
      report.chars_to_send += characters(c);
    }
  }
  if (s.dry_run) return report;

  // Files waiting for captions: written as soon as all theirs are translated.
  std::map<std::string, std::vector<size_t>> waiting_files;  // caption -> files
  std::vector<size_t> missing(job.files.size(), 0);
  auto write_file = [&](size_t k) {
    const Job::File& f = job.files[k];
    std::string text;
    for (size_t i = 0; i < f.lines.size(); ++i) {
      const Line& l = f.lines[i];
      text += l.lead + (l.has_caption ? one_line(*cache->find(l.caption)) : l.caption) + l.rest;
      if (i + 1 < f.lines.size()) text += "\n";
    }
    make_dirs(fs::path(f.target).parent_path().string());
    write_file_atomic(f.target, text);
    ++report.files_written;
  };
  if (!job.annotations) {
    for (size_t k = 0; k < job.files.size(); ++k) {
      if (job.files[k].kept) continue;
      std::set<std::string> own;
      for (const auto& c : captions_of(job, job.files[k]))
        if (!cache->find(c) && own.insert(c).second) waiting_files[c].push_back(k);
      missing[k] = own.size();
      if (missing[k] == 0) write_file(k);
    }
  }

  log::info("translate", std::to_string(report.unique) + " distinct captions (" +
                             std::to_string(report.unique_cached) + " cached), " +
                             std::to_string(pending.size()) + " to send (" +
                             std::to_string(report.chars_to_send) + " characters) to " +
                             translator->endpoint());
  Progress progress("translate", static_cast<int64_t>(pending.size()), "captions");
  const size_t batch = static_cast<size_t>(std::max<int64_t>(1, translator->max_batch()));
  for (size_t begin = 0; begin < pending.size(); begin += batch) {
    const std::vector<std::string> texts(
        pending.begin() + static_cast<long>(begin),
        pending.begin() + static_cast<long>(std::min(pending.size(), begin + batch)));
    int64_t chars = 0;
    for (const auto& t : texts) chars += characters(t);
    if (s.max_chars > 0 && report.chars_sent + chars > s.max_chars) {
      report.budget_reached = true;
      break;
    }
    std::vector<std::string> translated;
    for (int64_t attempt = 0;; ++attempt) {
      ++report.requests;
      try {
        translated = translator->translate(texts);
        break;
      } catch (const TranslateError& e) {
        if (!e.retryable || attempt >= s.max_retries) {
          progress.finish();
          MOTLAB_FAIL(e.what(),
                      e.retryable ? " (gave up after " + std::to_string(attempt + 1) + " attempts)"
                                  : std::string(),
                      "; ", report.sent, " captions translated so far are kept in ",
                      report.cache_file, " and ", report.files_written,
                      " files written: run the same command again to continue");
        }
        const double wait =
            e.retry_after_s >= 0
                ? e.retry_after_s
                : std::min(
                      s.max_backoff_s,
                      s.backoff_s * static_cast<double>(1LL << std::min<int64_t>(attempt, 30)));
        ++report.retries;
        log::info("translate", std::string(e.what()).substr(0, 200) + ": retry " +
                                   std::to_string(attempt + 1) + " in " + std::to_string(wait) +
                                   " s");
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
      }
    }
    MOTLAB_CHECK(translated.size() == texts.size(), translator->endpoint(), ": ", translated.size(),
                 " translations for ", texts.size(), " texts");
    for (auto& t : translated) t = valid_utf8(std::move(t));
    cache->add(texts, translated);
    report.sent += static_cast<int64_t>(texts.size());
    report.chars_sent += chars;
    progress.update(static_cast<int64_t>(texts.size()), {{"chars", double(report.chars_sent)}});
    for (const auto& t : texts) {
      auto it = waiting_files.find(t);
      if (it == waiting_files.end()) continue;
      for (size_t k : it->second)
        if (--missing[k] == 0) write_file(k);
      waiting_files.erase(it);
    }
  }
  progress.finish();
  if (report.budget_reached) return report;

  if (job.annotations && !fs::exists(job.tmr_target)) {
    nlohmann::ordered_json out = job.tmr;
    for (auto& [keyid, motion] : out.items())
      for (auto& a : motion["annotations"])
        a["text"] = one_line(*cache->find(a["text"].get<std::string>()));
    write_file_atomic(job.tmr_target, out.dump(2) + "\n");
    report.files_written = 1;
  }

  // Checks over every translation of this input known to the cache (a kept file translated
  // elsewhere is not checked), per file and caption line.
  const auto directions = load_direction_terms(s.direction_terms);
  json problems = json::object();
  std::map<std::string, std::vector<std::string>> cached_problems;
  static const std::vector<std::string> kUnknown;
  auto check = [&](const std::string& source) -> const std::vector<std::string>& {
    if (!cache->find(source)) return kUnknown;
    auto it = cached_problems.find(source);
    if (it == cached_problems.end())
      it = cached_problems
               .emplace(source, check_translation(source, *cache->find(source), s, directions))
               .first;
    return it->second;
  };
  for (const auto& c : order)
    for (const auto& p : check(c)) ++report.problems[p];
  if (job.annotations) {
    for (auto& [keyid, motion] : job.tmr.items())
      for (size_t i = 0; i < motion["annotations"].size(); ++i) {
        const std::string source = motion["annotations"][i]["text"];
        if (!check(source).empty())
          problems[keyid].push_back({{"annotation", i},
                                     {"source", source},
                                     {"target", *cache->find(source)},
                                     {"problems", check(source)}});
      }
  } else {
    for (const auto& f : job.files)
      for (size_t i = 0; i < f.lines.size(); ++i)
        if (f.lines[i].has_caption && !check(f.lines[i].caption).empty())
          problems[fs::path(f.target).filename().string()].push_back(
              {{"line", i + 1},
               {"source", f.lines[i].caption},
               {"target", *cache->find(f.lines[i].caption)},
               {"problems", check(f.lines[i].caption)}});
  }
  json summary = {{"files", report.files},
                  {"captions", report.captions},
                  {"unique", report.unique},
                  {"problems", report.problems},
                  {"by_file", problems}};
  write_file_atomic(report.report_file, summary.dump(2) + "\n");
  return report;
}

}  // namespace motlab::translate
