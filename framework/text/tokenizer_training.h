// Training tokenizers on a caption corpus, written in the Hugging Face file layouts so that they
// load through exactly the same code path (load_tokenizer) as downloaded ones:
//  - byte-level BPE -> tokenizer.json (+ tokenizer_config.json, vocab.json, merges.txt), Qwen2's
//    normaliser (NFC), split regex, ByteLevel and special tokens;
//  - SentencePiece, KoBERT layout -> tokenizer_78b3253a26.model + vocab.txt with [UNK] [PAD] [CLS]
//    [SEP] [MASK] at ids 0..4;
//  - SentencePiece, XLM-R layout -> sentencepiece.bpe.model (fairseq ids at load).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace motlab::text {

// Qwen2's pre-tokenizer split regex (Rust regex syntax, as stored in tokenizer.json).
extern const char* const kQwen2SplitPattern;

struct BpeTrainingSettings {
  int64_t vocab_size = 4096;  // total: 256 byte symbols + merges + special tokens
  int64_t min_frequency = 2;  // a pair seen fewer times is never merged
  std::vector<std::string> special_tokens = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
  std::string split_pattern = kQwen2SplitPattern;
};

struct BpeTrainingResult {
  int64_t vocab_size =
      0;  // ids in the written tokenizer (may be below the request on tiny corpora)
  int64_t merges = 0;
};

// Learns merges on `corpus` (one caption per element) and writes the tokenizer files into
// `out_dir`.
BpeTrainingResult train_byte_level_bpe(const std::vector<std::string>& corpus,
                                       const std::string& out_dir,
                                       const BpeTrainingSettings& options = {});

struct SentencePieceSettings {
  int64_t vocab_size = 8000;           // SentencePiece pieces (a soft limit on small corpora)
  std::string model_type = "unigram";  // or "bpe"
  double character_coverage = 0.9995;
  std::vector<std::string> user_defined_symbols;
};

// Trains a SentencePiece model on `corpus` and writes it to `model_path`.
void train_sentencepiece(const std::vector<std::string>& corpus, const std::string& model_path,
                         const SentencePieceSettings& options = {});

// KoBERT layout in `out_dir`: tokenizer_78b3253a26.model, vocab.txt ([UNK],[PAD],[CLS],[SEP],[MASK]
// then every normal SentencePiece piece in model order), tokenizer_config.json. Returns the vocab
// size.
int64_t build_kobert_style_tokenizer(const std::vector<std::string>& corpus,
                                     const std::string& out_dir,
                                     const SentencePieceSettings& options = {});

// XLM-R layout in `out_dir`: sentencepiece.bpe.model + tokenizer_config.json. Returns the vocab
// size (pieces + 2, counting <pad> and <mask>).
int64_t build_xlmr_style_tokenizer(const std::vector<std::string>& corpus,
                                   const std::string& out_dir,
                                   const SentencePieceSettings& options = {});

}  // namespace motlab::text
