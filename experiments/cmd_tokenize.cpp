// motlab tokenize --tokenizer <dir|file> [--pieces] [--framed]
// Reads lines on stdin and prints one line of token ids per input line (space-separated); with
// --pieces, a tab and the token strings follow; --framed adds the model's framing ([CLS]/[SEP],
// <s>/</s>). Works with tokenizer.json (BPE), KoBERT (vocab.txt + .model) and XLM-R folders.
#include <iostream>

#include "experiments/cli.h"
#include "framework/core/error.h"
#include "framework/text/tokenizer.h"

namespace motlab::cli {
namespace {

const char* kTokenizeUsage =
    "usage: motlab tokenize --tokenizer <dir|file> [--pieces] [--framed] < lines.txt\n"
    "  prints the ids of each stdin line (space-separated); --pieces appends a tab\n"
    "  and the token strings; --framed adds [CLS]/[SEP] or <s>/</s> framing\n";

int tokenize_command(const std::vector<std::string>& args) {
  std::string path;
  bool pieces = false, framed = false;
  for (size_t k = 0; k < args.size(); ++k) {
    if (args[k] == "--tokenizer") {
      MOTLAB_CHECK(k + 1 < args.size(), "motlab tokenize: --tokenizer needs a folder or file");
      path = args[++k];
    } else if (args[k] == "--pieces") {
      pieces = true;
    } else if (args[k] == "--framed") {
      framed = true;
    } else {
      MOTLAB_FAIL("motlab tokenize: unknown argument '", args[k], "' (see motlab tokenize --help)");
    }
  }
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
               kTokenizeUsage, tokenize_command);

}  // namespace motlab::cli
