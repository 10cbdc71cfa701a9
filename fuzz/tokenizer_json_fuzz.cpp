// A tokenizer.json (byte-level BPE, framework/text/byte_level_bpe.h) loaded, then used on a few
// Korean and English captions.
#include "framework/text/byte_level_bpe.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = motlab::fuzz::scratch_file(data, size, "tokenizer.json");
  motlab::fuzz::refused_or_parsed([&] {
    auto tokenizer = motlab::text::ByteLevelBpeTokenizer::load(path);
    for (const char* text : {"사람이 앞으로 걷다가 뒤로 돈다", "a person waves <|im_end|>", ""}) {
      const auto encoding = tokenizer->encode(text);
      tokenizer->decode(encoding.ids);
    }
  });
  return 0;
}
