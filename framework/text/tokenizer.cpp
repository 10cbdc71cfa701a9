#include "framework/text/tokenizer.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"
#include "framework/text/byte_level_bpe.h"
#include "framework/text/sentencepiece_tokenizers.h"

namespace motlab::text {
namespace {

namespace fs = std::filesystem;

std::string tokenizer_class(const fs::path& dir) {
  const fs::path config = dir / "tokenizer_config.json";
  if (!fs::exists(config)) return "";
  try {
    auto json = nlohmann::json::parse(motlab::read_file(config.string()));
    if (json.is_object() && json.contains("tokenizer_class") && json["tokenizer_class"].is_string())
      return json["tokenizer_class"].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  return "";
}

bool is_bpe_json(const fs::path& file) {
  try {
    auto json = nlohmann::json::parse(motlab::read_file(file.string()));
    return json.is_object() && json.contains("model") && json["model"].is_object() &&
           json["model"].value("type", std::string("BPE")) == "BPE";
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::vector<fs::path> model_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".model") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::shared_ptr<Tokenizer> load_tokenizer(const std::string& path) {
  const fs::path p(path);
  MOTLAB_CHECK(fs::exists(p), "tokenizer path '", path, "' does not exist");
  if (!fs::is_directory(p)) {
    if (p.extension() == ".json") return ByteLevelBpeTokenizer::load(path);
    MOTLAB_CHECK(p.extension() == ".model", "tokenizer file '", path,
                 "' is neither a tokenizer.json nor a SentencePiece .model");
    const std::string cls = tokenizer_class(p.parent_path());
    if (p.filename() == "sentencepiece.bpe.model" || cls.find("XLMRoberta") != std::string::npos)
      return XlmRobertaTokenizer::load(path);
    const fs::path vocab = p.parent_path() / "vocab.txt";
    MOTLAB_CHECK(fs::exists(vocab), "SentencePiece model '", path,
                 "' needs a vocab.txt next to it (KoBERT layout), or the name "
                 "sentencepiece.bpe.model (XLM-R)");
    return KoBertTokenizer::load(path, vocab.string());
  }
  const std::string cls = tokenizer_class(p);
  const std::vector<fs::path> models = model_files(p);
  const bool xlmr_class = cls.find("XLMRoberta") != std::string::npos;
  if (fs::exists(p / "sentencepiece.bpe.model"))
    return XlmRobertaTokenizer::load((p / "sentencepiece.bpe.model").string());
  if (xlmr_class && models.size() == 1) return XlmRobertaTokenizer::load(models.front().string());
  if (fs::exists(p / "tokenizer.json") && is_bpe_json(p / "tokenizer.json"))
    return ByteLevelBpeTokenizer::load((p / "tokenizer.json").string());
  if (fs::exists(p / "vocab.txt") && !models.empty()) {
    MOTLAB_CHECK(models.size() == 1, "tokenizer folder '", path, "' has ", models.size(),
                 " .model files next to vocab.txt; name the one to use");
    return KoBertTokenizer::load(models.front().string(), (p / "vocab.txt").string());
  }
  MOTLAB_FAIL("tokenizer folder '", path,
              "' has no tokenizer.json (byte-level BPE), sentencepiece.bpe.model (XLM-R) or "
              "vocab.txt + *.model (KoBERT)");
}

}  // namespace motlab::text
