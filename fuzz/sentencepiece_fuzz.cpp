// A SentencePiece model file (KoBERT / XLM-R tokenizers, framework/text/sentencepiece_*), loaded
// and used on a caption.
#include "framework/text/sentencepiece_tokenizers.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = motlab::fuzz::scratch_file(data, size, "sentencepiece.bpe.model");
  motlab::fuzz::refused_or_parsed([&] {
    auto tokenizer = motlab::text::XlmRobertaTokenizer::load(path);
    tokenizer->decode(tokenizer->encode_framed("사람이 앞으로 걷다가 뒤로 돈다").ids);
  });
  return 0;
}
