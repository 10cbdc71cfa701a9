// libsentencepiece behind a run-time loaded shim (see sentencepiece_shim.cc for why): a loaded
// SentencePiece model and the trainer. Throws motlab::Error naming the file on failure.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace motlab::text {

class SentencePieceModel {
 public:
  explicit SentencePieceModel(const std::string& path);
  ~SentencePieceModel();
  SentencePieceModel(const SentencePieceModel&) = delete;
  SentencePieceModel& operator=(const SentencePieceModel&) = delete;

  // (piece, spm id) pairs; unknown text comes back as its surface string with the unknown id.
  std::vector<std::pair<std::string, int>> encode(const std::string& text) const;
  std::vector<std::string> encode_pieces(const std::string& text) const;
  int piece_size() const;
  int piece_to_id(const std::string& piece) const;  // the unknown id (0) when absent
  std::string id_to_piece(int id) const;
  bool is_control(int id) const;
  bool is_unknown(int id) const;
  const std::string& path() const { return path_; }

 private:
  void* handle_ = nullptr;
  std::string path_;
};

// SentencePieceTrainer::Train with spm_train's arguments ({"input", file}, {"vocab_size", "8000"},
// ...).
void run_sentencepiece_trainer(const std::map<std::string, std::string>& args);

}  // namespace motlab::text
