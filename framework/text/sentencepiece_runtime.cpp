#include "framework/text/sentencepiece_runtime.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "framework/core/error.h"
#include "framework/core/install_paths.h"

#ifndef MOTLAB_SENTENCEPIECE_SHIM
#define MOTLAB_SENTENCEPIECE_SHIM ""
#endif

namespace motlab::text {
namespace {

struct Shim {
  void (*free_string)(char*);
  void* (*load)(const char*, char**);
  void (*free_model)(void*);
  int (*encode)(void*, const char*, size_t, void (*)(void*, const char*, size_t, int), void*,
                char**);
  int (*piece_size)(void*);
  int (*piece_to_id)(void*, const char*, size_t);
  const char* (*id_to_piece)(void*, int, size_t*);
  int (*is_control)(void*, int);
  int (*is_unknown)(void*, int);
  int (*train)(const char* const*, const char* const*, size_t, char**);
};

std::string shim_path() {
  if (const char* env = std::getenv("MOTLAB_SENTENCEPIECE_SHIM")) return env;
  // Next to libmotlab (a build tree, or <prefix>/lib after `cmake --install`), else where the
  // build put it.
  const std::string beside = library_dir() + "/libmotlab_sentencepiece.so";
  if (std::filesystem::exists(beside)) return beside;
  return MOTLAB_SENTENCEPIECE_SHIM;
}

const Shim& shim() {
  static Shim instance;
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    const std::string path = shim_path();
    // A separate link-map namespace: libsentencepiece (with its embedded protobuf-lite) and its
    // own libstdc++ never see LibTorch's libprotobuf. (RTLD_DEEPBIND is not enough: libstdc++
    // globals such as std::cerr then resolve to uninitialised originals.)
    void* lib = dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* why = dlerror();
      failure = "cannot load the SentencePiece shim '" + path + "' (" +
                (why ? why : "unknown error") +
                "); build the motlab_sentencepiece target or set MOTLAB_SENTENCEPIECE_SHIM";
      return;
    }
    auto get = [&](const char* name) {
      void* symbol = dlsym(lib, name);
      if (!symbol && failure.empty()) failure = std::string("SentencePiece shim lacks ") + name;
      return symbol;
    };
    instance.free_string =
        reinterpret_cast<decltype(instance.free_string)>(get("motlab_spm_free_string"));
    instance.load = reinterpret_cast<decltype(instance.load)>(get("motlab_spm_load"));
    instance.free_model = reinterpret_cast<decltype(instance.free_model)>(get("motlab_spm_free"));
    instance.encode = reinterpret_cast<decltype(instance.encode)>(get("motlab_spm_encode"));
    instance.piece_size =
        reinterpret_cast<decltype(instance.piece_size)>(get("motlab_spm_piece_size"));
    instance.piece_to_id =
        reinterpret_cast<decltype(instance.piece_to_id)>(get("motlab_spm_piece_to_id"));
    instance.id_to_piece =
        reinterpret_cast<decltype(instance.id_to_piece)>(get("motlab_spm_id_to_piece"));
    instance.is_control =
        reinterpret_cast<decltype(instance.is_control)>(get("motlab_spm_is_control"));
    instance.is_unknown =
        reinterpret_cast<decltype(instance.is_unknown)>(get("motlab_spm_is_unknown"));
    instance.train = reinterpret_cast<decltype(instance.train)>(get("motlab_spm_train"));
  });
  MOTLAB_CHECK(failure.empty(), failure);
  return instance;
}

std::string take_error(char* error) {
  std::string message = error ? error : "unknown error";
  if (error) shim().free_string(error);
  return message;
}

}  // namespace

SentencePieceModel::SentencePieceModel(const std::string& path) : path_(path) {
  MOTLAB_CHECK(std::filesystem::exists(path), "SentencePiece model '", path, "' does not exist");
  char* error = nullptr;
  handle_ = shim().load(path.c_str(), &error);
  if (!handle_) {
    std::string why = take_error(error);
    // The library names its own source line; a user needs to know the file is no model.
    if (why.find("ParseFromArray") != std::string::npos)
      why = "not a SentencePiece model (its protobuf does not parse)";
    MOTLAB_FAIL("cannot load SentencePiece model '", path, "': ", why);
  }
}

SentencePieceModel::~SentencePieceModel() {
  if (handle_) shim().free_model(handle_);
}

std::vector<std::pair<std::string, int>> SentencePieceModel::encode(const std::string& text) const {
  std::vector<std::pair<std::string, int>> out;
  char* error = nullptr;
  auto emit = [](void* ctx, const char* piece, size_t length, int id) {
    static_cast<std::vector<std::pair<std::string, int>>*>(ctx)->emplace_back(
        std::string(piece, length), id);
  };
  const int rc = shim().encode(handle_, text.data(), text.size(), emit, &out, &error);
  MOTLAB_CHECK(rc == 0, "SentencePiece encoding with '", path_, "' failed: ", take_error(error));
  return out;
}

std::vector<std::string> SentencePieceModel::encode_pieces(const std::string& text) const {
  std::vector<std::string> pieces;
  for (auto& [piece, id] : encode(text)) pieces.push_back(std::move(piece));
  return pieces;
}

int SentencePieceModel::piece_size() const { return shim().piece_size(handle_); }
int SentencePieceModel::piece_to_id(const std::string& piece) const {
  return shim().piece_to_id(handle_, piece.data(), piece.size());
}
std::string SentencePieceModel::id_to_piece(int id) const {
  MOTLAB_CHECK(id >= 0 && id < piece_size(), "SentencePiece model '", path_, "': id ", id,
               " out of range");
  size_t length = 0;
  const char* piece = shim().id_to_piece(handle_, id, &length);
  return std::string(piece, length);
}
bool SentencePieceModel::is_control(int id) const { return shim().is_control(handle_, id) != 0; }
bool SentencePieceModel::is_unknown(int id) const { return shim().is_unknown(handle_, id) != 0; }

void run_sentencepiece_trainer(const std::map<std::string, std::string>& args) {
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : args) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  char* error = nullptr;
  const int rc = shim().train(keys.data(), values.data(), keys.size(), &error);
  MOTLAB_CHECK(rc == 0, "SentencePiece training failed: ", take_error(error));
}

}  // namespace motlab::text
