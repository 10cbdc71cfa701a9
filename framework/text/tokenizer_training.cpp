#include "framework/text/tokenizer_training.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/text/byte_level_bpe.h"
#include "framework/text/sentencepiece_runtime.h"
#include "framework/text/unicode.h"

namespace motlab::text {

const char* const kQwen2SplitPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

namespace {

nlohmann::ordered_json byte_level_node() {
  return {{"type", "ByteLevel"},
          {"add_prefix_space", false},
          {"trim_offsets", false},
          {"use_regex", false}};
}

nlohmann::ordered_json pre_tokenizer_node(const std::string& pattern) {
  nlohmann::ordered_json split = {{"type", "Split"},
                                  {"pattern", {{"Regex", pattern}}},
                                  {"behavior", "Isolated"},
                                  {"invert", false}};
  return {{"type", "Sequence"}, {"pretokenizers", {split, byte_level_node()}}};
}

struct PairEntry {
  int64_t count;
  uint64_t key;
};

}  // namespace

BpeTrainingResult train_byte_level_bpe(const std::vector<std::string>& corpus,
                                       const std::string& out_dir,
                                       const BpeTrainingSettings& options) {
  const int64_t specials = static_cast<int64_t>(options.special_tokens.size());
  MOTLAB_CHECK(options.vocab_size >= 256 + specials, "BPE training: vocab_size ",
               options.vocab_size, " is below the 256 byte symbols + ", specials,
               " special tokens");
  // Symbols: ids 0..255 are the byte characters, merges append.
  std::vector<std::string> symbols(byte_to_unicode().begin(), byte_to_unicode().end());

  // A merge-less tokenizer with the final normaliser + pre-tokenizer splits the corpus exactly as
  // encoding will.
  nlohmann::ordered_json bootstrap = {{"normalizer", {{"type", "NFC"}}},
                                      {"pre_tokenizer", pre_tokenizer_node(options.split_pattern)}};
  nlohmann::ordered_json vocab0 = nlohmann::ordered_json::object();
  for (size_t i = 0; i < symbols.size(); ++i) vocab0[symbols[i]] = i;
  bootstrap["model"] = {{"type", "BPE"}, {"vocab", vocab0}, {"merges", nlohmann::json::array()}};
  auto splitter = ByteLevelBpeTokenizer::from_json(nlohmann::json::parse(bootstrap.dump()), nullptr,
                                                   "bpe-trainer");

  std::unordered_map<std::string, int64_t> word_counts;
  for (const std::string& line : corpus)
    for (const std::string& word : splitter->pre_tokenize(line)) ++word_counts[word];
  std::vector<std::string> word_list;
  for (const auto& kv : word_counts) word_list.push_back(kv.first);
  std::sort(word_list.begin(), word_list.end());  // deterministic order
  std::vector<std::vector<int32_t>> words;
  std::vector<int64_t> freq;
  for (const auto& w : word_list) {
    std::vector<int32_t> s;
    for (unsigned char c : w) s.push_back(c);
    words.push_back(std::move(s));
    freq.push_back(word_counts[w]);
  }

  auto key_of = [](int32_t a, int32_t b) {
    return (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b);
  };
  std::unordered_map<uint64_t, int64_t> pair_count;
  std::unordered_map<uint64_t, std::unordered_set<size_t>> pair_words;
  for (size_t w = 0; w < words.size(); ++w)
    for (size_t i = 0; i + 1 < words[w].size(); ++i) {
      const uint64_t k = key_of(words[w][i], words[w][i + 1]);
      pair_count[k] += freq[w];
      pair_words[k].insert(w);
    }
  // Max count first; ties by the lexicographically smaller (left, right) strings.
  auto worse = [&](const PairEntry& x, const PairEntry& y) {
    if (x.count != y.count) return x.count < y.count;
    const auto& xa = symbols[x.key >> 32];
    const auto& ya = symbols[y.key >> 32];
    if (xa != ya) return xa > ya;
    return symbols[x.key & 0xffffffffu] > symbols[y.key & 0xffffffffu];
  };
  std::priority_queue<PairEntry, std::vector<PairEntry>, decltype(worse)> heap(worse);
  for (const auto& [k, c] : pair_count) heap.push({c, k});

  std::vector<std::pair<int32_t, int32_t>> merges;
  const int64_t max_merges = options.vocab_size - 256 - specials;
  std::unordered_set<std::string> known(symbols.begin(), symbols.end());
  while (static_cast<int64_t>(merges.size()) < max_merges && !heap.empty()) {
    const PairEntry top = heap.top();
    heap.pop();
    auto current = pair_count.find(top.key);
    if (current == pair_count.end() || current->second != top.count) continue;  // stale entry
    if (top.count < options.min_frequency) break;
    const int32_t a = static_cast<int32_t>(top.key >> 32),
                  b = static_cast<int32_t>(top.key & 0xffffffffu);
    const std::string merged_text = symbols[a] + symbols[b];
    int32_t merged;
    if (known.insert(merged_text).second) {
      merged = static_cast<int32_t>(symbols.size());
      symbols.push_back(merged_text);
    } else {
      // The same string reached by another pair order: reuse its id.
      merged = static_cast<int32_t>(std::find(symbols.begin(), symbols.end(), merged_text) -
                                    symbols.begin());
    }
    merges.emplace_back(a, b);
    std::unordered_map<uint64_t, int64_t> delta;
    const std::unordered_set<size_t> affected = pair_words[top.key];
    for (size_t w : affected) {
      auto& s = words[w];
      for (size_t i = 0; i + 1 < s.size(); ++i) delta[key_of(s[i], s[i + 1])] -= freq[w];
      std::vector<int32_t> next;
      for (size_t i = 0; i < s.size();) {
        if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) {
          next.push_back(merged);
          i += 2;
        } else {
          next.push_back(s[i++]);
        }
      }
      s.swap(next);
      for (size_t i = 0; i + 1 < s.size(); ++i) {
        const uint64_t k = key_of(s[i], s[i + 1]);
        delta[k] += freq[w];
        pair_words[k].insert(w);
      }
    }
    for (const auto& [k, d] : delta) {
      if (d == 0) continue;
      int64_t& c = pair_count[k];
      c += d;
      if (c > 0) heap.push({c, k});
    }
    pair_count.erase(top.key);
    pair_words.erase(top.key);
  }

  // tokenizer.json in the Hugging Face layout.
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  for (size_t i = 0; i < symbols.size(); ++i) vocab[symbols[i]] = i;
  nlohmann::ordered_json merge_list = nlohmann::ordered_json::array();
  for (const auto& [a, b] : merges) merge_list.push_back({symbols[a], symbols[b]});
  nlohmann::ordered_json added = nlohmann::ordered_json::array();
  int64_t next_id = static_cast<int64_t>(symbols.size());
  for (const auto& token : options.special_tokens) {
    MOTLAB_CHECK(!known.count(token), "BPE training: special token '", token,
                 "' collides with a learned token");
    added.push_back({{"id", next_id++},
                     {"content", token},
                     {"single_word", false},
                     {"lstrip", false},
                     {"rstrip", false},
                     {"normalized", false},
                     {"special", true}});
  }
  nlohmann::ordered_json tokenizer = {{"version", "1.0"},
                                      {"truncation", nullptr},
                                      {"padding", nullptr},
                                      {"added_tokens", added},
                                      {"normalizer", {{"type", "NFC"}}},
                                      {"pre_tokenizer", pre_tokenizer_node(options.split_pattern)},
                                      {"post_processor", byte_level_node()},
                                      {"decoder", byte_level_node()}};
  tokenizer["model"] = {{"type", "BPE"},
                        {"dropout", nullptr},
                        {"unk_token", nullptr},
                        {"continuing_subword_prefix", ""},
                        {"end_of_word_suffix", ""},
                        {"fuse_unk", false},
                        {"byte_fallback", false},
                        {"ignore_merges", false},
                        {"vocab", vocab},
                        {"merges", merge_list}};
  make_dirs(out_dir);
  write_file_atomic(out_dir + "/tokenizer.json", tokenizer.dump(1) + "\n");
  nlohmann::ordered_json config = {{"tokenizer_class", "Qwen2Tokenizer"},
                                   {"bos_token", nullptr},
                                   {"eos_token", nullptr},
                                   {"pad_token", nullptr},
                                   {"unk_token", nullptr},
                                   {"model_max_length", 32768},
                                   {"clean_up_tokenization_spaces", false}};
  if (!options.special_tokens.empty()) {
    config["eos_token"] = options.special_tokens.front();
    config["pad_token"] = options.special_tokens.front();
    config["additional_special_tokens"] =
        std::vector<std::string>(options.special_tokens.begin() + 1, options.special_tokens.end());
  }
  write_file_atomic(out_dir + "/tokenizer_config.json", config.dump(2) + "\n");
  write_file_atomic(out_dir + "/vocab.json", vocab.dump() + "\n");
  std::string merges_txt = "#version: 0.2\n";
  for (const auto& [a, b] : merges) merges_txt += symbols[a] + " " + symbols[b] + "\n";
  write_file_atomic(out_dir + "/merges.txt", merges_txt);
  BpeTrainingResult result;
  result.vocab_size = next_id;
  result.merges = static_cast<int64_t>(merges.size());
  return result;
}

void train_sentencepiece(const std::vector<std::string>& corpus, const std::string& model_path,
                         const SentencePieceSettings& options) {
  namespace fs = std::filesystem;
  MOTLAB_CHECK(!corpus.empty(), "SentencePiece training: the corpus is empty");
  const fs::path target(model_path);
  MOTLAB_CHECK(target.extension() == ".model", "SentencePiece training: '", model_path,
               "' must end in .model");
  if (target.has_parent_path()) make_dirs(target.parent_path().string());
  const std::string prefix =
      (target.parent_path() / target.stem()).string() + ".training." + std::to_string(::getpid());
  const std::string input = prefix + ".txt";
  {
    std::ofstream out(input);
    for (const auto& line : corpus) {
      std::string clean = unicode::sanitize_utf8(line);
      std::replace(clean.begin(), clean.end(), '\n', ' ');
      out << clean << '\n';
    }
  }
  std::map<std::string, std::string> args = {
      {"input", input},
      {"model_prefix", prefix},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"model_type", options.model_type},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"num_threads", "1"},
      {"hard_vocab_limit", "false"},
      {"minloglevel", "2"},  // errors only: its INFO lines would flood the run log
  };
  if (!options.user_defined_symbols.empty()) {
    std::string symbols;
    for (const auto& s : options.user_defined_symbols) symbols += (symbols.empty() ? "" : ",") + s;
    args["user_defined_symbols"] = symbols;
  }
  try {
    run_sentencepiece_trainer(args);
  } catch (const motlab::Error& e) {
    fs::remove(input);
    MOTLAB_FAIL("SentencePiece training for '", model_path, "': ", error_text(e));
  }
  fs::remove(input);
  fs::remove(prefix + ".vocab");
  fs::rename(prefix + ".model", model_path);
}

int64_t build_kobert_style_tokenizer(const std::vector<std::string>& corpus,
                                     const std::string& out_dir,
                                     const SentencePieceSettings& options) {
  const std::string model_path = out_dir + "/tokenizer_78b3253a26.model";
  train_sentencepiece(corpus, model_path, options);
  SentencePieceModel sp(model_path);
  std::string vocab = "[UNK]\n[PAD]\n[CLS]\n[SEP]\n[MASK]\n";
  int64_t size = 5;
  for (int id = 0; id < sp.piece_size(); ++id) {
    if (sp.is_control(id) || sp.is_unknown(id)) continue;
    vocab += sp.id_to_piece(id) + "\n";
    ++size;
  }
  write_file_atomic(out_dir + "/vocab.txt", vocab);
  nlohmann::ordered_json config = {{"tokenizer_class", "KoBertTokenizer"},
                                   {"do_lower_case", false},
                                   {"remove_space", true},
                                   {"keep_accents", false},
                                   {"unk_token", "[UNK]"},
                                   {"sep_token", "[SEP]"},
                                   {"pad_token", "[PAD]"},
                                   {"cls_token", "[CLS]"},
                                   {"mask_token", "[MASK]"},
                                   {"model_max_length", 512}};
  write_file_atomic(out_dir + "/tokenizer_config.json", config.dump(2) + "\n");
  return size;
}

int64_t build_xlmr_style_tokenizer(const std::vector<std::string>& corpus,
                                   const std::string& out_dir,
                                   const SentencePieceSettings& options) {
  const std::string model_path = out_dir + "/sentencepiece.bpe.model";
  train_sentencepiece(corpus, model_path, options);
  SentencePieceModel sp(model_path);
  nlohmann::ordered_json config = {{"tokenizer_class", "XLMRobertaTokenizer"},
                                   {"bos_token", "<s>"},
                                   {"eos_token", "</s>"},
                                   {"sep_token", "</s>"},
                                   {"cls_token", "<s>"},
                                   {"unk_token", "<unk>"},
                                   {"pad_token", "<pad>"},
                                   {"mask_token", "<mask>"},
                                   {"model_max_length", 512}};
  write_file_atomic(out_dir + "/tokenizer_config.json", config.dump(2) + "\n");
  return sp.piece_size() + 2;
}

}  // namespace motlab::text
