#include "framework/text/sentencepiece_tokenizers.h"

#include <filesystem>
#include <fstream>

#include "framework/core/error.h"
#include "framework/text/unicode.h"

namespace motlab::text {
namespace {

const std::string kUnderline = "\xE2\x96\x81";  // U+2581, SentencePiece's word-start mark

std::unique_ptr<SentencePieceModel> load_spm(const std::string& path) {
  return std::make_unique<SentencePieceModel>(path);
}

std::vector<std::string> spm_pieces(const SentencePieceModel& sp, const std::string& text) {
  return sp.encode_pieces(text);
}

// Splits on special-token strings (leftmost-longest); (segment, is_special).
std::vector<std::pair<std::string, bool>> split_specials(const std::string& text,
                                                         const std::vector<std::string>& specials) {
  std::vector<std::pair<std::string, bool>> out;
  size_t start = 0, pos = 0;
  while (pos < text.size()) {
    const std::string* best = nullptr;
    for (const auto& s : specials)
      if (!s.empty() && (!best || s.size() > best->size()) && text.compare(pos, s.size(), s) == 0)
        best = &s;
    if (!best) {
      ++pos;
      continue;
    }
    if (pos > start) out.emplace_back(text.substr(start, pos - start), false);
    out.emplace_back(*best, true);
    start = pos = pos + best->size();
  }
  if (start < text.size()) out.emplace_back(text.substr(start), false);
  return out;
}

std::string join_pieces(const std::vector<std::string>& pieces) {
  std::string joined;
  for (const auto& p : pieces) joined += p;
  std::string out;
  for (size_t i = 0; i < joined.size();) {
    if (joined.compare(i, kUnderline.size(), kUnderline) == 0) {
      out += ' ';
      i += kUnderline.size();
    } else {
      out += joined[i++];
    }
  }
  const size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

}  // namespace

// ---- KoBERT
// ---------------------------------------------------------------------------------------

KoBertTokenizer::~KoBertTokenizer() = default;

std::shared_ptr<KoBertTokenizer> KoBertTokenizer::load(const std::string& model_path,
                                                       const std::string& vocab_path) {
  std::shared_ptr<KoBertTokenizer> t(new KoBertTokenizer());
  t->origin_ = model_path;
  t->sp_ = load_spm(model_path);
  std::ifstream in(vocab_path);
  MOTLAB_CHECK(in.good(), "cannot read KoBERT vocabulary '", vocab_path,
               "' (one token per line, line index = id)");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    t->ids_.emplace(line, static_cast<int64_t>(t->tokens_.size()));
    t->tokens_.push_back(line);
  }
  auto need = [&](const char* token) {
    auto it = t->ids_.find(token);
    MOTLAB_CHECK(it != t->ids_.end(), "KoBERT vocabulary '", vocab_path,
                 "' lacks the special token ", token);
    t->special_strings_.push_back(token);
    return it->second;
  };
  t->special_.unk = need("[UNK]");
  t->special_.pad = need("[PAD]");
  t->special_.cls = need("[CLS]");
  t->special_.sep = need("[SEP]");
  t->special_.mask = need("[MASK]");
  return t;
}

std::string KoBertTokenizer::preprocess(const std::string& text) {
  std::string out = unicode::collapse_whitespace(unicode::sanitize_utf8(text));
  for (const char* quote : {"``", "''"}) {
    size_t pos = 0;
    while ((pos = out.find(quote, pos)) != std::string::npos) {
      out.replace(pos, 2, "\"");
      pos += 1;
    }
  }
  std::string kept;
  for (char32_t c : unicode::decode(unicode::nfkd(out)))
    if (!unicode::is_combining(c)) kept += unicode::encode(c);
  return kept;
}

std::vector<std::string> KoBertTokenizer::segment(const std::string& preprocessed) const {
  std::vector<std::string> out;
  for (const std::string& piece : spm_pieces(*sp_, preprocessed)) {
    const std::vector<char32_t> cps = unicode::decode(piece);
    if (cps.size() > 1 && cps.back() == U',' && unicode::is_python_digit(cps[cps.size() - 2])) {
      // XLNet-style fix: "▁1,000," style pieces are re-segmented without the trailing comma.
      std::string body = unicode::encode(std::vector<char32_t>(cps.begin(), cps.end() - 1));
      std::string no_mark;
      for (size_t i = 0; i < body.size();) {
        if (body.compare(i, kUnderline.size(), kUnderline) == 0)
          i += kUnderline.size();
        else
          no_mark += body[i++];
      }
      std::vector<std::string> current = spm_pieces(*sp_, no_mark);
      if (piece.compare(0, kUnderline.size(), kUnderline) != 0 && !current.empty() &&
          current[0].compare(0, kUnderline.size(), kUnderline) == 0) {
        if (current[0] == kUnderline)
          current.erase(current.begin());
        else
          current[0] = current[0].substr(kUnderline.size());
      }
      current.push_back(",");
      out.insert(out.end(), current.begin(), current.end());
    } else {
      out.push_back(piece);
    }
  }
  return out;
}

Encoding KoBertTokenizer::encode(const std::string& text) const {
  Encoding out;
  for (const auto& [part, special] :
       split_specials(unicode::sanitize_utf8(text), special_strings_)) {
    if (special) {
      out.ids.push_back(ids_.at(part));
      out.pieces.push_back(part);
      continue;
    }
    const std::string clean = preprocess(part);
    if (clean.empty()) continue;
    for (const std::string& piece : segment(clean)) {
      auto it = ids_.find(piece);
      out.ids.push_back(it != ids_.end() ? it->second : *special_.unk);
      out.pieces.push_back(piece);
    }
  }
  return out;
}

Encoding KoBertTokenizer::encode_framed(const std::string& text) const {
  Encoding inner = encode(text);
  Encoding out;
  out.ids.push_back(*special_.cls);
  out.pieces.push_back("[CLS]");
  out.ids.insert(out.ids.end(), inner.ids.begin(), inner.ids.end());
  out.pieces.insert(out.pieces.end(), inner.pieces.begin(), inner.pieces.end());
  out.ids.push_back(*special_.sep);
  out.pieces.push_back("[SEP]");
  return out;
}

std::string KoBertTokenizer::decode(const std::vector<int64_t>& ids, bool skip_special) const {
  std::vector<std::string> pieces;
  for (int64_t id : ids) {
    const std::string token = id_to_token(id);
    const bool is_special = id == *special_.unk || id == *special_.pad || id == *special_.cls ||
                            id == *special_.sep || id == *special_.mask;
    if (skip_special && is_special) continue;
    pieces.push_back(is_special ? kUnderline + token : token);
  }
  return join_pieces(pieces);
}

std::string KoBertTokenizer::id_to_token(int64_t id) const {
  MOTLAB_CHECK(id >= 0 && id < vocab_size(), "tokenizer '", origin_, "': id ", id,
               " is outside the vocabulary (size ", vocab_size(), ")");
  return tokens_[static_cast<size_t>(id)];
}

std::optional<int64_t> KoBertTokenizer::token_to_id(const std::string& token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

// ---- XLM-R
// ----------------------------------------------------------------------------------------

namespace {
const std::vector<std::string> kFairseqSpecials = {"<s>", "<pad>", "</s>", "<unk>"};
constexpr int64_t kFairseqOffset = 1;
}  // namespace

XlmRobertaTokenizer::~XlmRobertaTokenizer() = default;

std::shared_ptr<XlmRobertaTokenizer> XlmRobertaTokenizer::load(const std::string& model_path) {
  std::shared_ptr<XlmRobertaTokenizer> t(new XlmRobertaTokenizer());
  t->origin_ = model_path;
  t->sp_ = load_spm(model_path);
  return t;
}

int64_t XlmRobertaTokenizer::vocab_size() const { return sp_->piece_size() + kFairseqOffset + 1; }

SpecialTokens XlmRobertaTokenizer::special_tokens() const {
  SpecialTokens s;
  s.bos = s.cls = 0;
  s.pad = 1;
  s.eos = s.sep = 2;
  s.unk = 3;
  s.mask = vocab_size() - 1;
  return s;
}

std::optional<int64_t> XlmRobertaTokenizer::token_to_id(const std::string& token) const {
  for (size_t i = 0; i < kFairseqSpecials.size(); ++i)
    if (token == kFairseqSpecials[i]) return static_cast<int64_t>(i);
  if (token == "<mask>") return vocab_size() - 1;
  const int spm_id = sp_->piece_to_id(token);
  if (spm_id == 0 || sp_->is_unknown(spm_id)) return 3;
  return spm_id + kFairseqOffset;
}

std::string XlmRobertaTokenizer::id_to_token(int64_t id) const {
  MOTLAB_CHECK(id >= 0 && id < vocab_size(), "tokenizer '", origin_, "': id ", id,
               " is outside the vocabulary (size ", vocab_size(), ")");
  if (id < 4) return kFairseqSpecials[static_cast<size_t>(id)];
  if (id == vocab_size() - 1) return "<mask>";
  return sp_->id_to_piece(static_cast<int>(id - kFairseqOffset));
}

Encoding XlmRobertaTokenizer::encode(const std::string& text) const {
  Encoding out;
  const std::vector<std::string> specials = {"<s>", "<pad>", "</s>", "<unk>", "<mask>"};
  auto parts = split_specials(unicode::sanitize_utf8(text), specials);
  for (size_t i = 0; i < parts.size(); ++i) {
    auto& [part, special] = parts[i];
    if (special) {
      out.ids.push_back(*token_to_id(part));
      out.pieces.push_back(part);
      continue;
    }
    std::string chunk = part;
    // <mask> is declared with lstrip: it swallows the whitespace before it.
    if (i + 1 < parts.size() && parts[i + 1].second && parts[i + 1].first == "<mask>") {
      const size_t last = chunk.find_last_not_of(" \t\n\r");
      chunk = last == std::string::npos ? "" : chunk.substr(0, last + 1);
    }
    if (chunk.empty()) continue;
    for (const std::string& piece : spm_pieces(*sp_, chunk)) {
      out.ids.push_back(*token_to_id(piece));
      out.pieces.push_back(piece);
    }
  }
  return out;
}

Encoding XlmRobertaTokenizer::encode_framed(const std::string& text) const {
  Encoding inner = encode(text);
  Encoding out;
  out.ids.push_back(0);
  out.pieces.push_back("<s>");
  out.ids.insert(out.ids.end(), inner.ids.begin(), inner.ids.end());
  out.pieces.insert(out.pieces.end(), inner.pieces.begin(), inner.pieces.end());
  out.ids.push_back(2);
  out.pieces.push_back("</s>");
  return out;
}

std::string XlmRobertaTokenizer::decode(const std::vector<int64_t>& ids, bool skip_special) const {
  std::vector<std::string> pieces;
  for (int64_t id : ids) {
    const bool is_special = id < 4 || id == vocab_size() - 1;
    if (skip_special && is_special) continue;
    pieces.push_back(is_special ? kUnderline + id_to_token(id) : id_to_token(id));
  }
  return join_pieces(pieces);
}

}  // namespace motlab::text
