// motlab tokenize --tokenizer <dir|file> [--pieces] [--framed]
// Reads lines on stdin and prints one line of token ids per input line (space-separated); with
// --pieces, a tab and the token strings follow; --framed adds the model's framing ([CLS]/[SEP],
// <s>/</s>). Works with tokenizer.json (BPE), KoBERT (vocab.txt + .model) and XLM-R folders.
#include <iostream>

#include "framework/core/error.h"
#include "framework/text/tokenizer.h"
#include "tools/motlab/cli.h"

namespace motlab::cli {
namespace {

int tokenize_command(CommandLine& cl) {
  std::string path;
  bool pieces = false, framed = false;
  cl.describe(
        "  prints the ids of each stdin line (space-separated): motlab tokenize --tokenizer D <\n"
        "  lines.txt")
      .text("tokenizer", &path, "DIR|FILE",
            "tokenizer.json (BPE), a KoBERT (vocab.txt + .model) or XLM-R folder (required)")
      .flag("pieces", &pieces, "append a tab and the token strings")
      .flag("framed", &framed, "add [CLS]/[SEP] or <s>/</s> framing")
      .parse();
  MOTLAB_CHECK(!path.empty(), "motlab tokenize: --tokenizer <dir|file> is required");
  auto tokenizer = text::load_tokenizer(path);
  std::string line;
  std::ios::sync_with_stdio(false);
  while (std::getline(std::cin, line)) {
    const text::Encoding e = framed ? tokenizer->encode_framed(line) : tokenizer->encode(line);
    std::string out;
    for (size_t i = 0; i < e.ids.size(); ++i) out += (i ? " " : "") + std::to_string(e.ids[i]);
    if (pieces) {
      out += '\t';
      for (size_t i = 0; i < e.pieces.size(); ++i) out += (i ? " " : "") + e.pieces[i];
    }
    std::cout << out << '\n';
  }
  return 0;
}

}  // namespace

MOTLAB_COMMAND("tokenize", "print the token ids (and pieces) of stdin lines with a HF tokenizer",
               tokenize_command);

}  // namespace motlab::cli
