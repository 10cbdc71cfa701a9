#include "framework/text/byte_level_bpe.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

#include <climits>
#include <filesystem>
#include <unordered_set>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/text/unicode.h"

namespace motlab::text {

const std::array<std::string, 256>& byte_to_unicode() {
  static const std::array<std::string, 256> table = [] {
    std::array<std::string, 256> t;
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable =
          (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      t[b] = unicode::encode(printable ? static_cast<char32_t>(b)
                                       : static_cast<char32_t>(256 + extra++));
    }
    return t;
  }();
  return table;
}

std::string rust_regex_to_pcre2(const std::string& pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[i + 1];
      if (next == 's')
        out += "\\p{White_Space}";
      else if (next == 'S')
        out += "\\P{White_Space}";
      else if (next == 'd')
        out += "\\p{Nd}";
      else if (next == 'D')
        out += "\\P{Nd}";
      else
        out += pattern.substr(i, 2);
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

namespace {

constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

struct CompiledRegex {
  pcre2_code* code = nullptr;
  ~CompiledRegex() {
    if (code) pcre2_code_free(code);
  }
};

std::shared_ptr<CompiledRegex> compile_regex(const std::string& rust_pattern,
                                             const std::string& origin) {
  const std::string pattern = rust_regex_to_pcre2(rust_pattern);
  int error = 0;
  PCRE2_SIZE offset = 0;
  auto regex = std::make_shared<CompiledRegex>();
  regex->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                              PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
  if (!regex->code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof(message));
    MOTLAB_FAIL("tokenizer '", origin, "': cannot compile the split regex '", rust_pattern,
                "' (as PCRE2: '", pattern, "') at offset ", offset, ": ",
                reinterpret_cast<char*>(message));
  }
  pcre2_jit_compile(regex->code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if absent
  return regex;
}

std::string escape_literal(const std::string& text) {
  std::string out = "\\Q";
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "\\E") == 0) {
      out += "\\E\\\\E\\Q";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out + "\\E";
}

enum class Behavior { Isolated, Removed, MergedWithPrevious, MergedWithNext };

struct PreStep {
  std::shared_ptr<CompiledRegex> regex;  // null: no split
  Behavior behavior = Behavior::Isolated;
  bool invert = false;
  bool add_prefix_space = false;
};

struct AddedToken {
  std::string content;
  int64_t id = 0;
  bool special = false, normalized = false, lstrip = false, rstrip = false;
};

size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  return 4;
}

}  // namespace

struct ByteLevelBpeTokenizer::Impl {
  std::string origin;
  std::vector<std::string> normalizers;
  std::vector<PreStep> steps;
  bool byte_level = false;
  std::unordered_map<std::string, int64_t> vocab;
  std::vector<std::string> tokens;                               // id -> token ("" for holes)
  std::unordered_map<uint64_t, std::pair<int, int64_t>> merges;  // (a<<32|b) -> (rank, merged)
  std::vector<AddedToken> raw_added, normalized_added;
  std::unordered_map<int64_t, const AddedToken*> added_by_id;
  std::optional<int64_t> unk;
  std::unordered_map<char32_t, uint8_t> unicode_to_byte;
  mutable std::mutex cache_mutex;
  mutable std::unordered_map<std::string, std::vector<int64_t>> cache;

  std::string normalize(const std::string& text) const {
    std::string out = text;
    for (const auto& n : normalizers) {
      if (n == "NFC")
        out = unicode::nfc(out);
      else if (n == "NFD")
        out = unicode::nfd(out);
      else if (n == "NFKC")
        out = unicode::nfkc(out);
      else if (n == "NFKD")
        out = unicode::nfkd(out);
      else if (n == "Lowercase") {
        std::vector<char32_t> cps = unicode::decode(out);
        for (auto& c : cps)
          c = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
        out = unicode::encode(cps);
      }
    }
    return out;
  }

  // Splits `text` by the regex into (piece, matched) parts.
  static void regex_parts(const CompiledRegex& regex, const std::string& text,
                          std::vector<std::pair<std::string, bool>>* parts) {
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(regex.code, nullptr);
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t offset = 0, last_end = 0;
    while (offset <= text.size()) {
      const int rc =
          pcre2_match(regex.code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK, md, nullptr);
      if (rc < 0) {
        if (rc == PCRE2_ERROR_NOMATCH) break;
        pcre2_match_data_free(md);
        MOTLAB_FAIL("tokenizer split regex failed with PCRE2 error ", rc);
      }
      const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(md);
      const size_t start = ovector[0], end = ovector[1];
      if (end == start) {  // empty match: move on by one character
        if (offset >= text.size()) break;
        offset += utf8_length(static_cast<unsigned char>(text[offset]));
        continue;
      }
      if (start > last_end) parts->emplace_back(text.substr(last_end, start - last_end), false);
      parts->emplace_back(text.substr(start, end - start), true);
      last_end = offset = end;
    }
    pcre2_match_data_free(md);
    if (last_end < text.size()) parts->emplace_back(text.substr(last_end), false);
  }

  std::vector<std::string> pre_tokenize_normalized(const std::string& text) const {
    std::vector<std::string> pieces{text};
    for (const auto& step : steps) {
      std::vector<std::string> next;
      for (std::string piece : pieces) {
        if (step.add_prefix_space && (piece.empty() || piece[0] != ' ')) piece = " " + piece;
        if (!step.regex) {
          next.push_back(piece);
          continue;
        }
        std::vector<std::pair<std::string, bool>> parts;
        regex_parts(*step.regex, piece, &parts);
        std::string pending;  // MergedWithNext carry
        for (auto& [part, matched] : parts) {
          const bool is_match = matched != step.invert;
          switch (step.behavior) {
            case Behavior::Isolated:
              next.push_back(part);
              break;
            case Behavior::Removed:
              if (!is_match) next.push_back(part);
              break;
            case Behavior::MergedWithPrevious:
              if (is_match && !next.empty())
                next.back() += part;
              else
                next.push_back(part);
              break;
            case Behavior::MergedWithNext:
              if (is_match) {
                pending += part;
              } else {
                next.push_back(pending + part);
                pending.clear();
              }
              break;
          }
        }
        if (!pending.empty()) next.push_back(pending);
      }
      pieces.swap(next);
    }
    std::vector<std::string> out;
    for (auto& p : pieces)
      if (!p.empty()) out.push_back(std::move(p));
    return out;
  }

  // Leftmost-longest split on added tokens; (segment, id or -1).
  static std::vector<std::pair<std::string, int64_t>> split_added(
      const std::string& text, const std::vector<AddedToken>& added) {
    std::vector<std::pair<std::string, int64_t>> out;
    if (added.empty()) {
      out.emplace_back(text, -1);
      return out;
    }
    size_t segment_start = 0, pos = 0;
    while (pos < text.size()) {
      const AddedToken* best = nullptr;
      for (const auto& token : added) {
        if (token.content.empty() || (best && token.content.size() <= best->content.size()))
          continue;
        if (text.compare(pos, token.content.size(), token.content) == 0) best = &token;
      }
      if (!best) {
        ++pos;
        continue;
      }
      size_t start = pos, end = pos + best->content.size();
      if (best->lstrip) {
        while (start > segment_start && (text[start - 1] == ' ' || text[start - 1] == '\t' ||
                                         text[start - 1] == '\n' || text[start - 1] == '\r'))
          --start;
      }
      if (best->rstrip) {
        while (end < text.size() &&
               (text[end] == ' ' || text[end] == '\t' || text[end] == '\n' || text[end] == '\r'))
          ++end;
      }
      if (start > segment_start)
        out.emplace_back(text.substr(segment_start, start - segment_start), -1);
      out.emplace_back(best->content, best->id);
      segment_start = pos = end;
    }
    if (segment_start < text.size()) out.emplace_back(text.substr(segment_start), -1);
    return out;
  }

  std::vector<int64_t> bpe(const std::string& word) const {
    {
      std::lock_guard<std::mutex> lock(cache_mutex);
      auto it = cache.find(word);
      if (it != cache.end()) return it->second;
    }
    std::vector<int64_t> symbols;
    for (size_t i = 0; i < word.size();) {
      const size_t n = utf8_length(static_cast<unsigned char>(word[i]));
      auto it = vocab.find(word.substr(i, n));
      if (it != vocab.end())
        symbols.push_back(it->second);
      else if (unk)
        symbols.push_back(*unk);
      i += n;
    }
    while (symbols.size() > 1) {
      int best_rank = INT_MAX;
      uint64_t best_key = 0;
      int64_t best_merged = -1;
      for (size_t i = 0; i + 1 < symbols.size(); ++i) {
        const uint64_t key =
            (static_cast<uint64_t>(symbols[i]) << 32) | static_cast<uint64_t>(symbols[i + 1]);
        auto it = merges.find(key);
        if (it != merges.end() && it->second.first < best_rank) {
          best_rank = it->second.first;
          best_key = key;
          best_merged = it->second.second;
        }
      }
      if (best_merged < 0) break;
      std::vector<int64_t> merged;
      merged.reserve(symbols.size());
      for (size_t i = 0; i < symbols.size();) {
        if (i + 1 < symbols.size() && ((static_cast<uint64_t>(symbols[i]) << 32) |
                                       static_cast<uint64_t>(symbols[i + 1])) == best_key) {
          merged.push_back(best_merged);
          i += 2;
        } else {
          merged.push_back(symbols[i]);
          ++i;
        }
      }
      symbols.swap(merged);
    }
    std::lock_guard<std::mutex> lock(cache_mutex);
    if (cache.size() > 200000) cache.clear();
    cache.emplace(word, symbols);
    return symbols;
  }

  void encode_plain(const std::string& normalized, Encoding* out) const {
    for (const std::string& word : pre_tokenize_normalized(normalized)) {
      std::string mapped;
      if (byte_level) {
        for (unsigned char c : word) mapped += byte_to_unicode()[c];
      } else {
        mapped = word;
      }
      for (int64_t id : bpe(mapped)) {
        out->ids.push_back(id);
        out->pieces.push_back(tokens[static_cast<size_t>(id)]);
      }
    }
  }
};

ByteLevelBpeTokenizer::~ByteLevelBpeTokenizer() = default;

namespace {

std::optional<std::string> token_content(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("content") && value["content"].is_string())
    return value["content"].get<std::string>();
  return std::nullopt;
}

void parse_normalizer(const nlohmann::json& node, const std::string& origin,
                      std::vector<std::string>* out) {
  if (node.is_null()) return;
  MOTLAB_CHECK(node.is_object() && node.contains("type"), "tokenizer '", origin,
               "': normalizer must be an object with a 'type'");
  const std::string type = node["type"].get<std::string>();
  if (type == "Sequence") {
    for (const auto& child : node.at("normalizers")) parse_normalizer(child, origin, out);
  } else if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD" ||
             type == "Lowercase") {
    out->push_back(type);
  } else {
    MOTLAB_FAIL("tokenizer '", origin, "': normalizer type '", type,
                "' is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, Sequence)");
  }
}

void parse_pre_tokenizer(const nlohmann::json& node, const std::string& origin,
                         std::vector<PreStep>* steps, bool* byte_level) {
  if (node.is_null()) return;
  MOTLAB_CHECK(node.is_object() && node.contains("type"), "tokenizer '", origin,
               "': pre_tokenizer must be an object with a 'type'");
  const std::string type = node["type"].get<std::string>();
  if (type == "Sequence") {
    for (const auto& child : node.at("pretokenizers"))
      parse_pre_tokenizer(child, origin, steps, byte_level);
  } else if (type == "Split") {
    PreStep step;
    const auto& pattern = node.at("pattern");
    if (pattern.contains("Regex"))
      step.regex = compile_regex(pattern["Regex"].get<std::string>(), origin);
    else if (pattern.contains("String"))
      step.regex = compile_regex(escape_literal(pattern["String"].get<std::string>()), origin);
    else
      MOTLAB_FAIL("tokenizer '", origin, "': Split pattern must have 'Regex' or 'String'");
    const std::string behavior = node.value("behavior", std::string("Isolated"));
    if (behavior == "Isolated")
      step.behavior = Behavior::Isolated;
    else if (behavior == "Removed")
      step.behavior = Behavior::Removed;
    else if (behavior == "MergedWithPrevious")
      step.behavior = Behavior::MergedWithPrevious;
    else if (behavior == "MergedWithNext")
      step.behavior = Behavior::MergedWithNext;
    else
      MOTLAB_FAIL("tokenizer '", origin, "': Split behavior '", behavior, "' is not supported");
    step.invert = node.value("invert", false);
    steps->push_back(step);
  } else if (type == "ByteLevel") {
    PreStep step;
    step.add_prefix_space = node.value("add_prefix_space", false);
    if (node.value("use_regex", true)) step.regex = compile_regex(kGpt2Pattern, origin);
    steps->push_back(step);
    *byte_level = true;
  } else {
    MOTLAB_FAIL("tokenizer '", origin, "': pre_tokenizer type '", type,
                "' is not supported (supported: Split, ByteLevel, Sequence)");
  }
}

}  // namespace

std::shared_ptr<ByteLevelBpeTokenizer> ByteLevelBpeTokenizer::load(const std::string& path) {
  MOTLAB_CHECK(std::filesystem::exists(path), "tokenizer file '", path, "' does not exist");
  nlohmann::json tokenizer, config;
  try {
    tokenizer = nlohmann::json::parse(motlab::read_file(path));
  } catch (const nlohmann::json::exception& e) {
    MOTLAB_FAIL("tokenizer '", path, "' is not valid JSON: ", error_text(e));
  }
  const auto config_path = std::filesystem::path(path).parent_path() / "tokenizer_config.json";
  if (std::filesystem::exists(config_path)) {
    try {
      config = nlohmann::json::parse(motlab::read_file(config_path.string()));
    } catch (const nlohmann::json::exception& e) {
      MOTLAB_FAIL("tokenizer config '", config_path.string(),
                  "' is not valid JSON: ", error_text(e));
    }
  }
  return from_json(tokenizer, config, path);
}

std::shared_ptr<ByteLevelBpeTokenizer> ByteLevelBpeTokenizer::from_json(
    const nlohmann::json& json, const nlohmann::json& config, const std::string& origin) {
  std::shared_ptr<ByteLevelBpeTokenizer> result(new ByteLevelBpeTokenizer());
  result->origin_ = origin;
  result->impl_ = std::make_unique<Impl>();
  Impl& impl = *result->impl_;
  impl.origin = origin;
  try {
    MOTLAB_CHECK(json.is_object() && json.contains("model") && json["model"].is_object(),
                 "tokenizer '", origin,
                 "' has no 'model' object (expected a Hugging Face tokenizer.json)");
    const auto& model = json["model"];
    const std::string type = model.value("type", std::string("BPE"));
    MOTLAB_CHECK(type == "BPE", "tokenizer '", origin, "': model type '", type,
                 "' is not supported (only BPE tokenizer.json files; SentencePiece folders load "
                 "from their .model)");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
      if (model.contains(key) && model[key].is_string())
        MOTLAB_CHECK(model[key].get<std::string>().empty(), "tokenizer '", origin, "': BPE ", key,
                     " is not supported");
    }
    MOTLAB_CHECK(!model.value("byte_fallback", false), "tokenizer '", origin,
                 "': BPE byte_fallback is not supported");
    MOTLAB_CHECK(model.contains("vocab") && model["vocab"].is_object(), "tokenizer '", origin,
                 "': model.vocab must be an object of token -> id");
    int64_t max_id = -1;
    for (auto it = model["vocab"].begin(); it != model["vocab"].end(); ++it) {
      MOTLAB_CHECK(it.value().is_number_integer() && it.value().get<int64_t>() >= 0, "tokenizer '",
                   origin, "': vocab entry '", it.key(), "' has no valid id");
      impl.vocab[it.key()] = it.value().get<int64_t>();
      max_id = std::max(max_id, it.value().get<int64_t>());
    }
    if (json.contains("added_tokens") && json["added_tokens"].is_array()) {
      for (const auto& t : json["added_tokens"]) {
        AddedToken token;
        token.content = t.at("content").get<std::string>();
        MOTLAB_CHECK(t.at("id").is_number_integer(), "tokenizer '", origin,
                     "': an added token's id must be an integer, got ", t.at("id").dump());
        token.id = t.at("id").get<int64_t>();
        MOTLAB_CHECK(token.id >= 0, "tokenizer '", origin, "': added token '", token.content,
                     "' has the negative id ", token.id);
        token.special = t.value("special", false);
        token.normalized = t.value("normalized", !token.special);
        token.lstrip = t.value("lstrip", false);
        token.rstrip = t.value("rstrip", false);
        max_id = std::max(max_id, token.id);
        (token.normalized ? impl.normalized_added : impl.raw_added).push_back(token);
      }
    }
    // Ids index a table: they must be (nearly) dense, or an id of 10^9 would allocate gigabytes.
    const int64_t count = static_cast<int64_t>(model["vocab"].size() + impl.raw_added.size() +
                                               impl.normalized_added.size());
    MOTLAB_CHECK(max_id < count + 1024, "tokenizer '", origin, "': the largest token id is ",
                 max_id, " for ", count, " tokens (ids must run 0..N-1 with few gaps)");
    impl.tokens.assign(static_cast<size_t>(max_id + 1), std::string());
    for (const auto& [token, id] : impl.vocab) impl.tokens[static_cast<size_t>(id)] = token;
    for (auto* list : {&impl.raw_added, &impl.normalized_added}) {
      for (const auto& token : *list) {
        impl.tokens[static_cast<size_t>(token.id)] = token.content;
        impl.vocab.emplace(token.content, token.id);
      }
    }
    for (auto* list : {&impl.raw_added, &impl.normalized_added})
      for (const auto& token : *list) impl.added_by_id[token.id] = &token;
    if (model.contains("unk_token") && model["unk_token"].is_string()) {
      auto it = impl.vocab.find(model["unk_token"].get<std::string>());
      if (it != impl.vocab.end()) impl.unk = it->second;
    }
    MOTLAB_CHECK(model.contains("merges") && model["merges"].is_array(), "tokenizer '", origin,
                 "': model.merges must be a list");
    int rank = 0;
    for (const auto& merge : model["merges"]) {
      std::string a, b;
      if (merge.is_string()) {
        const std::string s = merge.get<std::string>();
        const size_t space = s.find(' ');
        MOTLAB_CHECK(space != std::string::npos && s.find(' ', space + 1) == std::string::npos,
                     "tokenizer '", origin, "': merge ", rank, " ('", s,
                     "') is not of the form \"a b\"");
        a = s.substr(0, space);
        b = s.substr(space + 1);
      } else {
        MOTLAB_CHECK(
            merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string(),
            "tokenizer '", origin, "': merge ", rank, " is neither \"a b\" nor [a, b]");
        a = merge[0].get<std::string>();
        b = merge[1].get<std::string>();
      }
      auto ia = impl.vocab.find(a), ib = impl.vocab.find(b), im = impl.vocab.find(a + b);
      MOTLAB_CHECK(ia != impl.vocab.end() && ib != impl.vocab.end() && im != impl.vocab.end(),
                   "tokenizer '", origin, "': merge ", rank, " ('", a, "' + '", b,
                   "') uses a token missing from the vocab");
      const uint64_t key =
          (static_cast<uint64_t>(ia->second) << 32) | static_cast<uint64_t>(ib->second);
      impl.merges.emplace(key, std::make_pair(rank, im->second));
      ++rank;
    }
    parse_normalizer(json.value("normalizer", nlohmann::json()), origin, &impl.normalizers);
    parse_pre_tokenizer(json.value("pre_tokenizer", nlohmann::json()), origin, &impl.steps,
                        &impl.byte_level);
  } catch (const nlohmann::json::exception& e) {
    MOTLAB_FAIL("tokenizer '", origin, "' is malformed: ", error_text(e));
  }
  const auto& btu = byte_to_unicode();
  for (int b = 0; b < 256; ++b)
    impl.unicode_to_byte[unicode::decode(btu[b])[0]] = static_cast<uint8_t>(b);
  result->vocab_size_ = static_cast<int64_t>(impl.tokens.size());

  // Special-token roles: tokenizer_config.json when present, else the Qwen/GPT-2 convention.
  SpecialTokens& special = result->special_;
  auto role = [&](const char* key) -> std::optional<int64_t> {
    if (!config.is_object() || !config.contains(key)) return std::nullopt;
    auto content = token_content(config[key]);
    if (!content) return std::nullopt;
    auto it = impl.vocab.find(*content);
    MOTLAB_CHECK(it != impl.vocab.end(), "tokenizer '", origin, "': tokenizer_config.json ", key,
                 " '", *content, "' is not in the vocabulary");
    return it->second;
  };
  special.bos = role("bos_token");
  special.eos = role("eos_token");
  special.pad = role("pad_token");
  special.unk = role("unk_token");
  special.cls = role("cls_token");
  special.sep = role("sep_token");
  special.mask = role("mask_token");
  if (!config.is_object()) {
    auto eot = impl.vocab.find("<|endoftext|>");
    if (eot != impl.vocab.end()) special.eos = special.pad = eot->second;
  }
  return result;
}

Encoding ByteLevelBpeTokenizer::encode(const std::string& text) const {
  Encoding out;
  const std::string clean = unicode::sanitize_utf8(text);
  for (const auto& [segment, id] : Impl::split_added(clean, impl_->raw_added)) {
    if (id >= 0) {
      out.ids.push_back(id);
      out.pieces.push_back(segment);
      continue;
    }
    const std::string normalized = impl_->normalize(segment);
    for (const auto& [part, part_id] : Impl::split_added(normalized, impl_->normalized_added)) {
      if (part_id >= 0) {
        out.ids.push_back(part_id);
        out.pieces.push_back(part);
      } else {
        impl_->encode_plain(part, &out);
      }
    }
  }
  return out;
}

std::vector<std::string> ByteLevelBpeTokenizer::pre_tokenize(const std::string& text) const {
  return impl_->pre_tokenize_normalized(impl_->normalize(unicode::sanitize_utf8(text)));
}

std::string ByteLevelBpeTokenizer::decode(const std::vector<int64_t>& ids,
                                          bool skip_special) const {
  std::string out, bytes;
  auto flush = [&] {
    if (bytes.empty()) return;
    out += unicode::sanitize_utf8(bytes);
    bytes.clear();
  };
  for (int64_t id : ids) {
    auto added = impl_->added_by_id.find(id);
    if (added != impl_->added_by_id.end()) {
      if (skip_special && added->second->special) continue;
      flush();
      out += added->second->content;
      continue;
    }
    const std::string& token = id_to_token(id);
    if (!impl_->byte_level) {
      bytes += token;
      continue;
    }
    for (char32_t c : unicode::decode(token)) {
      auto it = impl_->unicode_to_byte.find(c);
      if (it != impl_->unicode_to_byte.end())
        bytes += static_cast<char>(it->second);
      else
        bytes += unicode::encode(c);
    }
  }
  flush();
  return out;
}

std::string ByteLevelBpeTokenizer::id_to_token(int64_t id) const {
  MOTLAB_CHECK(id >= 0 && id < vocab_size_ && !impl_->tokens[static_cast<size_t>(id)].empty(),
               "tokenizer '", origin_, "': id ", id, " is not in the vocabulary (size ",
               vocab_size_, ")");
  return impl_->tokens[static_cast<size_t>(id)];
}

std::optional<int64_t> ByteLevelBpeTokenizer::token_to_id(const std::string& token) const {
  auto it = impl_->vocab.find(token);
  if (it == impl_->vocab.end()) return std::nullopt;
  return it->second;
}

}  // namespace motlab::text
