// KoBERT and XLM-R SentencePiece tokenizers (with SentencePiece models trained here, since the
// original files cannot be downloaded), the byte-level BPE trainer, the loader and the CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/text/byte_level_bpe.h"
#include "framework/text/sentencepiece_runtime.h"
#include "framework/text/sentencepiece_tokenizers.h"
#include "framework/text/tokenizer.h"
#include "framework/text/tokenizer_training.h"
#include "framework/text/unicode.h"
#include "tests/support/paths.h"
#include "tests/text/korean_corpus.h"

using namespace motlab::text;

namespace {

// Sentences built so that a unigram model learns the KoBERT check-case pieces: "한국" and "모델"
// with many particles, "어" after many language names, "공유" with many endings, and "합니다"
// after many (random two-syllable) stems.
std::vector<std::string> kobert_check_corpus() {
  const std::string syllables =
      "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리"
      "미비시이지치키티피히";
  std::vector<std::string> syl;
  for (char32_t c : unicode::decode(syllables)) syl.push_back(unicode::encode(c));
  std::mt19937 rng(3);
  auto pick = [&](const std::vector<std::string>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  auto word = [&] { return pick(syl) + pick(syl); };
  std::vector<std::string> stems, nouns;
  for (int i = 0; i < 150; ++i) stems.push_back(word());
  for (int i = 0; i < 150; ++i) nouns.push_back(word());
  const std::vector<std::string> langs = {"영",     "중국",   "일본", "독일", "프랑스",
                                          "러시아", "스페인", "국",   "단",   "용"};
  const std::vector<std::string> places = {"한국", "미국", "일본", "중국", "독일"};
  const std::vector<std::string> place_parts = {"은", "의", "에서", "에", "과", "으로", "이", "어"};
  const std::vector<std::string> model_parts = {"을", "이", "은", "의", "로", "과", "에"};
  const std::vector<std::string> o = {"을", "이", "은"};
  const std::vector<std::string> endings = {"합니다", "했다", "하는", "하고", "할"};
  const std::vector<std::string> share = {"했다", "하는", "하고", "할",
                                          "된",   "하며", "해서", "합니다"};
  std::vector<std::string> corpus;
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 8000; ++i) {
    const double r = u(rng);
    if (r < 0.25)
      corpus.push_back(pick(places) + pick(place_parts) + " " + pick(nouns) + pick(o) + " " +
                       pick(stems) + "합니다.");
    else if (r < 0.45)
      corpus.push_back(pick(langs) + "어 " + pick(nouns) + "을 " + pick(stems) + "합니다.");
    else if (r < 0.65)
      corpus.push_back("모델" + pick(model_parts) + " " + pick(stems) + pick(endings) + ".");
    else if (r < 0.85)
      corpus.push_back("공유" + pick(share) + " " + pick(nouns) + "을 " + pick(stems) + "합니다.");
    else
      corpus.push_back(pick(nouns) + "을 " + pick(stems) + "합니다. 모델을 " + pick(stems) +
                       "합니다.");
  }
  return corpus;
}

}  // namespace

TEST(KoBert, SpecCheckCaseWithSelfTrainedModel) {
  const std::string dir = motlab::test::temp_dir("kobert_check");
  SentencePieceSettings options;
  options.vocab_size = 500;
  options.character_coverage = 1.0;
  train_sentencepiece(kobert_check_corpus(), dir + "/tokenizer_78b3253a26.model", options);
  // vocab.txt with the real KoBERT ids for the pieces of the check case; other lines are filler
  // and the model's remaining pieces.
  std::vector<std::string> vocab(8002);
  const std::vector<std::pair<int, std::string>> fixed = {
      {0, "[UNK]"},  {1, "[PAD]"},    {2, "[CLS]"},     {3, "[SEP]"},
      {4, "[MASK]"}, {4958, "▁한국"}, {6855, "어"},     {2046, "▁모델"},
      {7088, "을"},  {1050, "▁공유"}, {7843, "합니다"}, {54, "."}};
  std::set<std::string> placed;
  for (const auto& [id, piece] : fixed) {
    vocab[id] = piece;
    placed.insert(piece);
  }
  SentencePieceModel sp(dir + "/tokenizer_78b3253a26.model");
  size_t slot = 5;
  for (int id = 0; id < sp.piece_size(); ++id) {
    if (sp.is_control(id) || sp.is_unknown(id) || placed.count(sp.id_to_piece(id))) continue;
    while (!vocab[slot].empty()) ++slot;
    vocab[slot] = sp.id_to_piece(id);
  }
  std::string text;
  for (size_t i = 0; i < vocab.size(); ++i)
    text += (vocab[i].empty() ? "[unused" + std::to_string(i) + "]" : vocab[i]) + "\n";
  motlab::write_file_atomic(dir + "/vocab.txt", text);

  auto tokenizer = load_tokenizer(dir);
  ASSERT_EQ(tokenizer->kind(), "kobert");
  EXPECT_EQ(tokenizer->vocab_size(), 8002);
  const Encoding e = tokenizer->encode("[CLS] 한국어 모델을 공유합니다. [SEP]");
  EXPECT_EQ(e.pieces, (std::vector<std::string>{"[CLS]", "▁한국", "어", "▁모델", "을", "▁공유",
                                                "합니다", ".", "[SEP]"}));
  EXPECT_EQ(e.ids, (std::vector<int64_t>{2, 4958, 6855, 2046, 7088, 1050, 7843, 54, 3}));
  EXPECT_EQ(tokenizer->encode_framed("한국어 모델을 공유합니다.").ids, e.ids);
  // Preprocessing: whitespace collapse, decomposed Hangul (NFD) and accents, `` and ''.
  EXPECT_EQ(tokenizer->encode_framed("  한국어\t\n모델을   공유합니다.  ").ids, e.ids);
  EXPECT_EQ(tokenizer->encode_framed(unicode::nfd("한국어 모델을 공유합니다.")).ids, e.ids);
  EXPECT_EQ(KoBertTokenizer::preprocess("``café''  naïve\u0301 "), "\"cafe\" naive");
  EXPECT_EQ(KoBertTokenizer::preprocess(" 한국어 "), unicode::nfkd("한국어"));
  const SpecialTokens s = tokenizer->special_tokens();
  EXPECT_EQ(*s.cls, 2);
  EXPECT_EQ(*s.sep, 3);
  EXPECT_EQ(*s.pad, 1);
  EXPECT_EQ(*s.mask, 4);
  EXPECT_EQ(tokenizer->decode(e.ids, /*skip_special=*/true), "한국어 모델을 공유합니다.");
  // A piece absent from vocab.txt becomes [UNK].
  EXPECT_EQ(tokenizer->encode("Ж").ids.back(), 0);
}

TEST(KoBert, DigitCommaFixAndBuilderLayout) {
  const std::string dir = motlab::test::temp_dir("kobert_builder");
  std::vector<std::string> corpus = motlab::test::korean_captions(2000, 5);
  for (int i = 0; i < 200; ++i) corpus.push_back("가격은 " + std::to_string(i) + "3,000원 입니다.");
  SentencePieceSettings options;
  options.vocab_size = 400;
  options.user_defined_symbols = {"3,"};  // forces a digit+comma piece
  const int64_t size = build_kobert_style_tokenizer(corpus, dir, options);
  auto tokenizer = load_tokenizer(dir);
  ASSERT_EQ(tokenizer->kind(), "kobert");
  EXPECT_EQ(tokenizer->vocab_size(), size);
  for (int id = 0; id < 5; ++id)
    EXPECT_EQ(tokenizer->id_to_token(id),
              (std::vector<std::string>{"[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]"}[id]));
  const Encoding e = tokenizer->encode("가격은 3,000원");
  bool split = false;
  for (size_t i = 0; i < e.pieces.size(); ++i) {
    const auto cps = unicode::decode(e.pieces[i]);
    EXPECT_FALSE(cps.size() > 1 && cps.back() == U',' &&
                 unicode::is_python_digit(cps[cps.size() - 2]))
        << e.pieces[i];
    if (e.pieces[i] == "," && i > 0 && e.pieces[i - 1] == "3") split = true;
  }
  EXPECT_TRUE(split) << "pieces were not re-split at the comma";
  for (const std::string& caption : motlab::test::korean_captions(50, 9)) {
    const Encoding c = tokenizer->encode_framed(caption);
    EXPECT_EQ(c.ids.front(), 2);
    EXPECT_EQ(c.ids.back(), 3);
    EXPECT_EQ(tokenizer->decode(c.ids, true), unicode::collapse_whitespace(caption));
  }
}

TEST(XlmRoberta, FairseqIdsWithSelfTrainedModel) {
  const std::string dir = motlab::test::temp_dir("xlmr");
  std::vector<std::string> corpus;
  for (const auto& caption : motlab::test::korean_captions(2000, 3))
    corpus.push_back("query: " + caption);
  const int64_t size = build_xlmr_style_tokenizer(corpus, dir, {400, "unigram", 1.0, {}});
  auto tokenizer = load_tokenizer(dir);
  ASSERT_EQ(tokenizer->kind(), "xlmr");
  SentencePieceModel sp(dir + "/sentencepiece.bpe.model");
  EXPECT_EQ(size, sp.piece_size() + 2);
  EXPECT_EQ(tokenizer->vocab_size(), size);
  const std::string text = "query: 사람이 앞으로 천천히 걷는다.";
  std::vector<int> spm_ids;
  for (const auto& [piece, id] : sp.encode(text)) spm_ids.push_back(id);
  const Encoding e = tokenizer->encode_framed(text);
  ASSERT_EQ(e.ids.size(), spm_ids.size() + 2);
  EXPECT_EQ(e.ids.front(), 0);
  EXPECT_EQ(e.ids.back(), 2);
  for (size_t i = 0; i < spm_ids.size(); ++i)
    EXPECT_EQ(e.ids[i + 1], spm_ids[i] == 0 ? 3 : spm_ids[i] + 1) << e.pieces[i + 1];
  // Unknown pieces -> 3; specials; <mask> = pieces + 1.
  EXPECT_EQ(tokenizer->token_to_id("never-seen-piece"), 3);
  EXPECT_EQ(tokenizer->encode("<s></s><pad><unk>").ids, (std::vector<int64_t>{0, 2, 1, 3}));
  EXPECT_EQ(*tokenizer->special_tokens().mask, sp.piece_size() + 1);
  EXPECT_EQ(tokenizer->encode("사람 <mask>").ids.back(), sp.piece_size() + 1);
  EXPECT_EQ(tokenizer->id_to_token(5), sp.id_to_piece(4));
  EXPECT_EQ(tokenizer->decode(e.ids, true), text);
}

TEST(BpeTrainer, TrainsLoadsAndRoundTrips) {
  const std::string dir = motlab::test::temp_dir("bpe_train");
  const auto corpus = motlab::test::korean_captions(3000, 21);
  BpeTrainingSettings options;
  options.vocab_size = 800;
  const BpeTrainingResult result = train_byte_level_bpe(corpus, dir, options);
  EXPECT_EQ(result.vocab_size, 256 + result.merges + 3);
  EXPECT_GT(result.merges, 300);
  auto tokenizer = load_tokenizer(dir);
  ASSERT_EQ(tokenizer->kind(), "bpe");
  const int64_t n = result.vocab_size;
  EXPECT_EQ(tokenizer->vocab_size(), n);
  EXPECT_EQ(*tokenizer->special_tokens().eos, n - 3);
  EXPECT_EQ(*tokenizer->special_tokens().pad, n - 3);
  EXPECT_EQ(tokenizer->encode("<|im_start|><|im_end|>").ids, (std::vector<int64_t>{n - 2, n - 1}));
  size_t tokens = 0, bytes = 0;
  for (const auto& caption : corpus) {
    const auto ids = tokenizer->encode(caption).ids;
    EXPECT_EQ(tokenizer->decode(ids), caption);
    tokens += ids.size();
    bytes += caption.size();
  }
  // Learned merges compress Korean captions well below one token per byte.
  EXPECT_LT(static_cast<double>(tokens) / bytes, 0.25);
  // Unseen text still encodes (byte fallback through the 256 byte symbols) and round-trips.
  for (const std::string text : {"Unseen English text 123", "😀 emoji", "中文", "  \n\t"})
    EXPECT_EQ(tokenizer->decode(tokenizer->encode(text).ids), text);
  // Deterministic: the same corpus gives the same file.
  const std::string again = motlab::test::temp_dir("bpe_train_again");
  train_byte_level_bpe(corpus, again, options);
  EXPECT_EQ(motlab::read_file(dir + "/tokenizer.json"),
            motlab::read_file(again + "/tokenizer.json"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/merges.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/vocab.json"));
}

TEST(Tokenizer, SplitRegexUsesRustWhitespaceAndErrorsNamePaths) {
  EXPECT_EQ(rust_regex_to_pcre2(R"(\s+(?!\S)|[^\s\p{L}]\d)"),
            R"(\p{White_Space}+(?!\P{White_Space})|[^\p{White_Space}\p{L}]\p{Nd})");
  EXPECT_EQ(byte_to_unicode()[' '], "Ġ");
  EXPECT_EQ(byte_to_unicode()['\n'], "Ċ");
  EXPECT_EQ(byte_to_unicode()['a'], "a");
  const std::string dir = motlab::test::temp_dir("tokenizer_errors");
  auto message = [](const std::string& path) {
    try {
      load_tokenizer(path);
    } catch (const motlab::Error& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  EXPECT_NE(message(dir).find(dir), std::string::npos);
  motlab::write_file_atomic(dir + "/tokenizer.json",
                            R"({"model":{"type":"BPE","vocab":{"a":0},"merges":["a b"]}})");
  EXPECT_NE(message(dir + "/tokenizer.json").find("merge 0"), std::string::npos);
  motlab::write_file_atomic(
      dir + "/tokenizer.json",
      R"({"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"type":"Metaspace"}})");
  EXPECT_NE(message(dir + "/tokenizer.json").find("Metaspace"), std::string::npos);
  motlab::write_file_atomic(dir + "/broken.json", "{");
  EXPECT_NE(message(dir + "/broken.json").find("broken.json"), std::string::npos);
}

TEST(Tokenizer, CommandLinePrintsIdsAndPieces) {
  const std::string dir = motlab::test::temp_dir("tokenize_cli");
  train_byte_level_bpe(motlab::test::korean_captions(500, 1), dir + "/tok",
                       {400, 2, {"<|endoftext|>"}, kQwen2SplitPattern});
  auto tokenizer = load_tokenizer(dir + "/tok");
  motlab::write_file_atomic(dir + "/in.txt", "사람이 걷는다\nhello<|endoftext|>\n");
  std::string output;
  ASSERT_EQ(motlab::test::run_command(motlab::test::motlab_executable() + " tokenize --tokenizer " +
                                          dir + "/tok --pieces < " + dir + "/in.txt",
                                      &output),
            0)
      << output;
  std::string expected;
  for (const std::string line : {"사람이 걷는다", "hello<|endoftext|>"}) {
    const Encoding e = tokenizer->encode(line);
    for (size_t i = 0; i < e.ids.size(); ++i) expected += (i ? " " : "") + std::to_string(e.ids[i]);
    expected += "\t";
    for (size_t i = 0; i < e.pieces.size(); ++i) expected += (i ? " " : "") + e.pieces[i];
    expected += "\n";
  }
  EXPECT_EQ(output, expected);
  EXPECT_NE(motlab::test::run_command(motlab::test::motlab_executable() + " tokenize --tokenizer " +
                                          dir + "/none < /dev/null",
                                      &output),
            0);
  EXPECT_NE(output.find(dir + "/none"), std::string::npos) << output;
}
