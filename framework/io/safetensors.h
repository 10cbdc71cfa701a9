// safetensors checkpoints (huggingface/safetensors byte layout; see shared/specs/models.md §6).
// Files are memory-mapped and validated completely at open: a truncated file, a header that lies
// about offsets, an unknown dtype or a duplicate key is a motlab::Error naming the file (and the
// tensor), never a crash. A Checkpoint is one file or a sharded folder (`*.index.json`).
// PyTorch `.bin` pickles are out of scope: opening one explains how to convert it.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace motlab::io {

// One header entry. `dtype` is the safetensors string ("BF16", "F32", ...); offsets are relative to
// the start of the data buffer (absolute file position = 8 + header length + begin).
struct TensorInfo {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;
};

// Bits per element of a safetensors dtype string; std::nullopt when the dtype is unknown.
std::optional<int> safetensors_dtype_bits(const std::string& dtype);
// The LibTorch scalar type of a safetensors dtype; std::nullopt when LibTorch has none (U16,
// F8...).
std::optional<torch::ScalarType> safetensors_dtype_to_torch(const std::string& dtype);
// The safetensors dtype string of a LibTorch scalar type; throws for unsupported types.
std::string torch_dtype_to_safetensors(torch::ScalarType type);
// "[2, 3]": shapes in error messages.
std::string shape_string(at::IntArrayRef shape);

class SafetensorsFile {
 public:
  // Memory-maps and validates `path`. Throws motlab::Error naming the file (and tensor) on any
  // defect.
  static std::shared_ptr<const SafetensorsFile> open(const std::string& path);

  const std::string& path() const { return path_; }
  // Tensor names, sorted.
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return index_.count(name) > 0; }
  // Throws naming the file when `name` is absent.
  const TensorInfo& info(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  size_t size() const { return tensors_.size(); }

  // A CPU copy of the tensor in its stored dtype, or converted to `dtype` when given.
  torch::Tensor tensor(const std::string& name,
                       std::optional<torch::ScalarType> dtype = std::nullopt) const;
  // Zero-copy CPU view of the mapped bytes (copy-on-write: writes stay private to this process).
  // The mapping lives as long as any view does. Falls back to a copy when the data is misaligned.
  torch::Tensor view(const std::string& name) const;
  // Raw bytes of a tensor inside the mapping.
  const uint8_t* data(const std::string& name) const;

  struct Mapping;  // the mmap; shared with views

 private:
  SafetensorsFile() = default;
  std::string path_;
  std::shared_ptr<Mapping> mapping_;
  uint64_t data_start_ = 0;
  std::vector<TensorInfo> tensors_;  // in header (sorted-name) order
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

// Validates a complete file image held in memory (what open() does after mapping). Exposed for the
// fuzz test; `origin` names the source in errors. Returns the parsed entries, sorted by name.
std::vector<TensorInfo> parse_safetensors_header(const uint8_t* bytes, uint64_t size,
                                                 const std::string& origin,
                                                 std::map<std::string, std::string>* metadata,
                                                 uint64_t* data_start);

// A set of tensors stored in one safetensors file or in shards listed by an index.json.
class Checkpoint {
 public:
  // `path` is a `.safetensors` file, a `*.safetensors.index.json`, or a model folder (which holds
  // model.safetensors, model.safetensors.index.json, or exactly one other *.safetensors file).
  static Checkpoint open(const std::string& path);

  const std::string& origin() const { return origin_; }
  std::vector<std::string> names() const;  // sorted
  bool contains(const std::string& name) const { return where_.count(name) > 0; }
  const TensorInfo& info(const std::string& name) const;
  // The file holding `name`.
  const std::string& file_of(const std::string& name) const;
  torch::Tensor tensor(const std::string& name,
                       std::optional<torch::ScalarType> dtype = std::nullopt) const;
  // Metadata of the first (or only) file.
  const std::map<std::string, std::string>& metadata() const;

 private:
  std::string origin_;
  std::vector<std::shared_ptr<const SafetensorsFile>> files_;
  std::map<std::string, size_t> where_;  // tensor name -> index in files_
};

// Writes tensors (any device; made contiguous and copied to CPU) to `path` atomically (temporary
// file + rename). Layout like the reference writer: data sorted by descending dtype size, then
// name; header JSON padded with spaces to a multiple of 8 bytes; `metadata` stored under
// __metadata__ (default {"format": "pt"}). Duplicate names are an error.
void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

// Builds the file image in memory (same layout as save_safetensors).
std::string serialize_safetensors(const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                                  const std::map<std::string, std::string>& metadata = {
                                      {"format", "pt"}});

}  // namespace motlab::io
