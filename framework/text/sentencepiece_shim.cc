// C interface to libsentencepiece, built as its own shared library (motlab_sentencepiece) and
// loaded at run time into a separate link-map namespace (dlmopen; see sentencepiece_runtime.cpp):
// Debian's libsentencepiece embeds and exports protobuf-lite 3.14 while LibTorch loads libprotobuf
// 3.21; linked into one process the two collide. Only C types cross the boundary.
// (.cc, not .cpp: kept out of the framework library on purpose.)
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace {
char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}
sentencepiece::SentencePieceProcessor* processor(void* handle) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(handle);
}
}  // namespace

extern "C" {

__attribute__((visibility("default"))) void motlab_spm_free_string(char* s) { std::free(s); }

__attribute__((visibility("default"))) void* motlab_spm_load(const char* path, char** error) {
  auto* sp = new sentencepiece::SentencePieceProcessor();
  const auto status = sp->Load(path);
  if (!status.ok()) {
    *error = copy_string(status.ToString());
    delete sp;
    return nullptr;
  }
  return sp;
}

__attribute__((visibility("default"))) void motlab_spm_free(void* handle) {
  delete processor(handle);
}

// Calls emit(ctx, piece, piece_length, id) for each piece; returns 0, or 1 with *error set.
__attribute__((visibility("default"))) int motlab_spm_encode(
    void* handle, const char* text, size_t length, void (*emit)(void*, const char*, size_t, int),
    void* ctx, char** error) {
  const std::string input(text, length);
  std::vector<std::string> pieces;
  std::vector<int> ids;
  auto status = processor(handle)->Encode(input, &pieces);
  if (status.ok()) status = processor(handle)->Encode(input, &ids);
  if (!status.ok()) {
    *error = copy_string(status.ToString());
    return 1;
  }
  if (pieces.size() != ids.size()) {
    *error = copy_string("piece and id sequences differ in length");
    return 1;
  }
  for (size_t i = 0; i < pieces.size(); ++i) emit(ctx, pieces[i].data(), pieces[i].size(), ids[i]);
  return 0;
}

__attribute__((visibility("default"))) int motlab_spm_piece_size(void* handle) {
  return processor(handle)->GetPieceSize();
}
__attribute__((visibility("default"))) int motlab_spm_piece_to_id(void* handle, const char* piece,
                                                                  size_t length) {
  return processor(handle)->PieceToId(std::string(piece, length));
}
__attribute__((visibility("default"))) const char* motlab_spm_id_to_piece(void* handle, int id,
                                                                          size_t* length) {
  const std::string& piece = processor(handle)->IdToPiece(id);
  *length = piece.size();
  return piece.data();
}
__attribute__((visibility("default"))) int motlab_spm_is_control(void* handle, int id) {
  return processor(handle)->IsControl(id) ? 1 : 0;
}
__attribute__((visibility("default"))) int motlab_spm_is_unknown(void* handle, int id) {
  return processor(handle)->IsUnknown(id) ? 1 : 0;
}

// Trains with SentencePieceTrainer (key/value arguments as for spm_train). 0 or 1 with *error.
__attribute__((visibility("default"))) int motlab_spm_train(const char* const* keys,
                                                            const char* const* values, size_t count,
                                                            char** error) {
  std::unordered_map<std::string, std::string> args;
  for (size_t i = 0; i < count; ++i) args[keys[i]] = values[i];
  const auto status = sentencepiece::SentencePieceTrainer::Train(args);
  if (!status.ok()) {
    *error = copy_string(status.ToString());
    return 1;
  }
  return 0;
}

}  // extern "C"
