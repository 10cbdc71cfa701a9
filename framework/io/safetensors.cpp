#include "framework/io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"

namespace motlab::io {

std::string shape_string(at::IntArrayRef shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

namespace {

constexpr uint64_t kMaxHeaderSize = 100'000'000;  // MAX_HEADER_SIZE of the reference reader

struct DtypeEntry {
  const char* name;
  int bits;
  std::optional<torch::ScalarType> torch_type;
};

const std::vector<DtypeEntry>& dtype_table() {
  static const std::vector<DtypeEntry> table = {
      {"BOOL", 8, torch::kBool},         {"U8", 8, torch::kUInt8},
      {"I8", 8, torch::kInt8},           {"F8_E5M2", 8, std::nullopt},
      {"F8_E4M3", 8, std::nullopt},      {"F8_E8M0", 8, std::nullopt},
      {"F8_E4M3FNUZ", 8, std::nullopt},  {"F8_E5M2FNUZ", 8, std::nullopt},
      {"I16", 16, torch::kInt16},        {"U16", 16, std::nullopt},
      {"F16", 16, torch::kFloat16},      {"BF16", 16, torch::kBFloat16},
      {"I32", 32, torch::kInt32},        {"U32", 32, std::nullopt},
      {"F32", 32, torch::kFloat32},      {"F64", 64, torch::kFloat64},
      {"I64", 64, torch::kInt64},        {"U64", 64, std::nullopt},
      {"C64", 64, torch::kComplexFloat}, {"F4", 4, std::nullopt},
      {"F6_E2M3", 6, std::nullopt},      {"F6_E3M2", 6, std::nullopt},
  };
  return table;
}

// Detects duplicate keys in any JSON object (nlohmann keeps the last one silently).
class DuplicateKeyGuard {
 public:
  explicit DuplicateKeyGuard(std::string origin) : origin_(std::move(origin)) {}
  bool operator()(int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) {
      keys_.emplace_back();
    } else if (event == E::object_end) {
      if (!keys_.empty()) keys_.pop_back();
    } else if (event == E::key && !keys_.empty()) {
      const std::string key = parsed.get<std::string>();
      MOTLAB_CHECK(keys_.back().insert(key).second, "safetensors file '", origin_,
                   "': duplicate key '", key, "' in the header");
    }
    return true;
  }

 private:
  std::string origin_;
  std::vector<std::set<std::string>> keys_;
};

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint64_t checked_numel(const std::vector<int64_t>& shape, const std::string& origin,
                       const std::string& name) {
  uint64_t numel = 1;
  for (int64_t d : shape) {
    MOTLAB_CHECK(!__builtin_mul_overflow(numel, static_cast<uint64_t>(d), &numel),
                 "safetensors file '", origin, "': tensor '", name, "' has a shape ",
                 shape_string(shape), " whose element count overflows");
  }
  return numel;
}

std::vector<int64_t> as_shape(const nlohmann::json& value, const std::string& origin,
                              const std::string& name) {
  MOTLAB_CHECK(value.is_array(), "safetensors file '", origin, "': tensor '", name,
               "' has a 'shape' that is not an array (", value.dump(), ")");
  std::vector<int64_t> shape;
  for (const auto& d : value) {
    MOTLAB_CHECK(d.is_number_unsigned() || (d.is_number_integer() && d.get<int64_t>() >= 0),
                 "safetensors file '", origin, "': tensor '", name,
                 "' has a shape entry that is not a non-negative integer (", d.dump(), ")");
    const uint64_t u = d.get<uint64_t>();
    MOTLAB_CHECK(u <= static_cast<uint64_t>(INT64_MAX), "safetensors file '", origin, "': tensor '",
                 name, "' has a shape entry too large (", d.dump(), ")");
    shape.push_back(static_cast<int64_t>(u));
  }
  return shape;
}

}  // namespace

std::optional<int> safetensors_dtype_bits(const std::string& dtype) {
  for (const auto& e : dtype_table())
    if (dtype == e.name) return e.bits;
  return std::nullopt;
}

std::optional<torch::ScalarType> safetensors_dtype_to_torch(const std::string& dtype) {
  for (const auto& e : dtype_table())
    if (dtype == e.name) return e.torch_type;
  return std::nullopt;
}

std::string torch_dtype_to_safetensors(torch::ScalarType type) {
  for (const auto& e : dtype_table())
    if (e.torch_type && *e.torch_type == type) return e.name;
  MOTLAB_FAIL("safetensors: LibTorch dtype ", c10::toString(type), " cannot be stored");
}

std::vector<TensorInfo> parse_safetensors_header(const uint8_t* bytes, uint64_t size,
                                                 const std::string& origin,
                                                 std::map<std::string, std::string>* metadata,
                                                 uint64_t* data_start) {
  MOTLAB_CHECK(size >= 8, "safetensors file '", origin, "' is truncated: ", size,
               " bytes, fewer than the 8-byte header length");
  const uint64_t header_size = read_u64_le(bytes);
  MOTLAB_CHECK(header_size <= kMaxHeaderSize, "safetensors file '", origin, "': header length ",
               header_size, " exceeds the limit of ", kMaxHeaderSize,
               " bytes (not a safetensors file, or corrupt)");
  MOTLAB_CHECK(header_size <= size - 8, "safetensors file '", origin,
               "' is truncated: the header claims ", header_size, " bytes but only ", size - 8,
               " follow the length field");
  MOTLAB_CHECK(header_size >= 2 && bytes[8] == '{', "safetensors file '", origin,
               "': the header is not a JSON object (must start with '{')");
  // The writer pads with spaces; strip them before parsing.
  uint64_t json_end = 8 + header_size;
  while (json_end > 8 && bytes[json_end - 1] == ' ') --json_end;
  const char* json_begin = reinterpret_cast<const char*>(bytes + 8);
  nlohmann::json header;
  try {
    DuplicateKeyGuard guard(origin);
    header = nlohmann::json::parse(json_begin, json_begin + (json_end - 8), std::ref(guard),
                                   /*allow_exceptions=*/true);
  } catch (const nlohmann::json::exception& e) {
    MOTLAB_FAIL("safetensors file '", origin, "': the header is not valid JSON: ", error_text(e));
  }
  MOTLAB_CHECK(header.is_object(), "safetensors file '", origin,
               "': the header is not a JSON object");

  std::vector<TensorInfo> tensors;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const nlohmann::json& value = it.value();
    if (name == "__metadata__") {
      MOTLAB_CHECK(value.is_object(), "safetensors file '", origin,
                   "': __metadata__ must be an object of strings");
      for (auto m = value.begin(); m != value.end(); ++m) {
        MOTLAB_CHECK(m.value().is_string(), "safetensors file '", origin, "': __metadata__ key '",
                     m.key(), "' is not a string (", m.value().dump(), ")");
        if (metadata) (*metadata)[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    MOTLAB_CHECK(value.is_object(), "safetensors file '", origin, "': tensor '", name,
                 "' entry is not an object");
    for (const char* field : {"dtype", "shape", "data_offsets"})
      MOTLAB_CHECK(value.contains(field), "safetensors file '", origin, "': tensor '", name,
                   "' has no '", field, "'");
    TensorInfo info;
    info.name = name;
    MOTLAB_CHECK(value["dtype"].is_string(), "safetensors file '", origin, "': tensor '", name,
                 "' has a non-string dtype");
    info.dtype = value["dtype"].get<std::string>();
    MOTLAB_CHECK(safetensors_dtype_bits(info.dtype).has_value(), "safetensors file '", origin,
                 "': tensor '", name, "' has unknown dtype '", info.dtype, "'");
    info.shape = as_shape(value["shape"], origin, name);
    const nlohmann::json& offsets = value["data_offsets"];
    MOTLAB_CHECK(offsets.is_array() && offsets.size() == 2 && offsets[0].is_number_unsigned() &&
                     offsets[1].is_number_unsigned(),
                 "safetensors file '", origin, "': tensor '", name,
                 "' data_offsets must be two non-negative integers (", offsets.dump(), ")");
    info.begin = offsets[0].get<uint64_t>();
    info.end = offsets[1].get<uint64_t>();
    tensors.push_back(std::move(info));
  }

  // Validation of the reference reader: sorted by offsets, contiguous from 0, sizes exact, and the
  // last end is the end of the buffer.
  std::vector<const TensorInfo*> by_offset;
  for (const auto& t : tensors) by_offset.push_back(&t);
  std::stable_sort(by_offset.begin(), by_offset.end(),
                   [](const TensorInfo* a, const TensorInfo* b) {
                     return std::make_pair(a->begin, a->end) < std::make_pair(b->begin, b->end);
                   });
  const uint64_t buffer_size = size - 8 - header_size;
  uint64_t expected_begin = 0;
  for (const TensorInfo* t : by_offset) {
    MOTLAB_CHECK(t->begin == expected_begin && t->end >= t->begin, "safetensors file '", origin,
                 "': tensor '", t->name, "' has data_offsets [", t->begin, ", ", t->end,
                 "] but the next free offset is ", expected_begin,
                 " (tensors must be contiguous from 0 with no holes or overlaps)");
    const uint64_t numel = checked_numel(t->shape, origin, t->name);
    const int bits = *safetensors_dtype_bits(t->dtype);
    uint64_t total_bits = 0;
    MOTLAB_CHECK(!__builtin_mul_overflow(numel, static_cast<uint64_t>(bits), &total_bits),
                 "safetensors file '", origin, "': tensor '", t->name, "' is too large");
    MOTLAB_CHECK(total_bits % 8 == 0, "safetensors file '", origin, "': tensor '", t->name, "' (",
                 t->dtype, ", shape ", shape_string(t->shape),
                 ") does not fill a whole number of bytes");
    MOTLAB_CHECK(t->end - t->begin == total_bits / 8, "safetensors file '", origin, "': tensor '",
                 t->name, "' (", t->dtype, ", shape ", shape_string(t->shape), ") needs ",
                 total_bits / 8, " bytes but data_offsets [", t->begin, ", ", t->end, "] span ",
                 t->end - t->begin);
    expected_begin = t->end;
  }
  MOTLAB_CHECK(expected_begin == buffer_size, "safetensors file '", origin,
               "': the tensors end at byte ", expected_begin, " of the data buffer but it has ",
               buffer_size, " bytes (",
               expected_begin > buffer_size ? "file truncated" : "trailing bytes", ")");
  if (data_start) *data_start = 8 + header_size;
  std::sort(tensors.begin(), tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
  return tensors;
}

// ---- SafetensorsFile ---------------------------------------------------------------------------

struct SafetensorsFile::Mapping {
  void* address = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (address && address != MAP_FAILED) ::munmap(address, size);
  }
};

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  MOTLAB_CHECK(ext != ".bin" && ext != ".pt" && ext != ".pth", "'", path,
               "' is a PyTorch pickle; motlab reads only safetensors. Convert it once with "
               "Python: AutoModel.from_pretrained(folder).save_pretrained(out, "
               "safe_serialization=True) (transformers), or safetensors.torch.save_file("
               "torch.load(path), 'model.safetensors')");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  MOTLAB_CHECK(fd >= 0, "cannot open safetensors file '", path, "': ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    MOTLAB_FAIL("'", path, "' is not a regular file");
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->size = static_cast<size_t>(st.st_size);
  if (mapping->size > 0) {
    // Private + writable: zero-copy views may be written to without touching the file.
    mapping->address = ::mmap(nullptr, mapping->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    const int err = errno;
    ::close(fd);
    MOTLAB_CHECK(mapping->address != MAP_FAILED, "cannot map safetensors file '", path,
                 "': ", std::strerror(err));
  } else {
    ::close(fd);
  }
  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  file->tensors_ =
      parse_safetensors_header(static_cast<const uint8_t*>(mapping->address), mapping->size, path,
                               &file->metadata_, &file->data_start_);
  for (size_t i = 0; i < file->tensors_.size(); ++i) file->index_[file->tensors_[i].name] = i;
  file->mapping_ = std::move(mapping);
  return file;
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  for (const auto& t : tensors_) out.push_back(t.name);
  return out;
}

const TensorInfo& SafetensorsFile::info(const std::string& name) const {
  auto it = index_.find(name);
  MOTLAB_CHECK(it != index_.end(), "safetensors file '", path_, "' has no tensor '", name, "'");
  return tensors_[it->second];
}

const uint8_t* SafetensorsFile::data(const std::string& name) const {
  const TensorInfo& t = info(name);
  return static_cast<const uint8_t*>(mapping_->address) + data_start_ + t.begin;
}

torch::Tensor SafetensorsFile::view(const std::string& name) const {
  const TensorInfo& t = info(name);
  auto type = safetensors_dtype_to_torch(t.dtype);
  MOTLAB_CHECK(type.has_value(), "safetensors file '", path_, "': tensor '", name, "' has dtype ",
               t.dtype, ", which LibTorch cannot represent");
  const uint8_t* ptr = data(name);
  const size_t element = c10::elementSize(*type);
  if (t.end == t.begin) return torch::empty(t.shape, torch::TensorOptions().dtype(*type));
  if (reinterpret_cast<uintptr_t>(ptr) % element != 0) {
    // Misaligned (a header length that is not a multiple of 8): copy through an aligned buffer.
    torch::Tensor out = torch::empty(t.shape, torch::TensorOptions().dtype(*type));
    std::memcpy(out.data_ptr(), ptr, t.end - t.begin);
    return out;
  }
  std::shared_ptr<Mapping> keep = mapping_;
  return torch::from_blob(
      const_cast<uint8_t*>(ptr), t.shape, [keep](void*) mutable { keep.reset(); },
      torch::TensorOptions().dtype(*type));
}

torch::Tensor SafetensorsFile::tensor(const std::string& name,
                                      std::optional<torch::ScalarType> dtype) const {
  const TensorInfo& t = info(name);
  auto type = safetensors_dtype_to_torch(t.dtype);
  MOTLAB_CHECK(type.has_value(), "safetensors file '", path_, "': tensor '", name, "' has dtype ",
               t.dtype, ", which LibTorch cannot represent");
  torch::Tensor out = torch::empty(t.shape, torch::TensorOptions().dtype(*type));
  if (t.end > t.begin) std::memcpy(out.data_ptr(), data(name), t.end - t.begin);
  if (dtype && *dtype != *type) out = out.to(*dtype);
  return out;
}

// ---- Checkpoint --------------------------------------------------------------------------------

namespace {

std::string bin_conversion_hint(const std::string& where) {
  return "'" + where +
         "' holds only a PyTorch pickle (pytorch_model.bin); motlab reads safetensors only. "
         "Convert it once with Python: transformers.AutoModel.from_pretrained(folder)"
         ".save_pretrained(out_folder, safe_serialization=True), or "
         "safetensors.torch.save_file(torch.load('pytorch_model.bin'), 'model.safetensors')";
}

}  // namespace

Checkpoint Checkpoint::open(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  MOTLAB_CHECK(fs::exists(p), "checkpoint '", path, "' does not exist");
  Checkpoint ckpt;
  ckpt.origin_ = path;
  fs::path index_path;
  std::vector<fs::path> single;
  if (fs::is_directory(p)) {
    if (fs::exists(p / "model.safetensors")) {
      single.push_back(p / "model.safetensors");
    } else if (fs::exists(p / "model.safetensors.index.json")) {
      index_path = p / "model.safetensors.index.json";
    } else {
      std::vector<fs::path> candidates;
      bool has_bin = false;
      for (const auto& entry : fs::directory_iterator(p)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".safetensors") candidates.push_back(entry.path());
        if (name.size() > 20 && name.rfind(".safetensors.index.json") == name.size() - 23)
          index_path = entry.path();
        if (entry.path().extension() == ".bin" || name == "pytorch_model.bin.index.json")
          has_bin = true;
      }
      if (index_path.empty()) {
        MOTLAB_CHECK(!(candidates.empty() && has_bin), bin_conversion_hint(path));
        MOTLAB_CHECK(!candidates.empty(), "checkpoint folder '", path,
                     "' has no model.safetensors, no *.safetensors.index.json and no "
                     "*.safetensors file");
        MOTLAB_CHECK(candidates.size() == 1, "checkpoint folder '", path, "' has ",
                     candidates.size(),
                     " *.safetensors files and no index.json; name the file to load");
        single = candidates;
      }
    }
  } else {
    const std::string name = p.filename().string();
    if (name.size() >= 11 && name.rfind(".index.json") == name.size() - 11) {
      MOTLAB_CHECK(name.find(".bin.index.json") == std::string::npos, bin_conversion_hint(path));
      index_path = p;
    } else {
      single.push_back(p);
    }
  }

  if (!index_path.empty()) {
    nlohmann::json index;
    try {
      index = nlohmann::json::parse(motlab::read_file(index_path.string()));
    } catch (const nlohmann::json::exception& e) {
      MOTLAB_FAIL("checkpoint index '", index_path.string(),
                  "' is not valid JSON: ", error_text(e));
    }
    MOTLAB_CHECK(
        index.is_object() && index.contains("weight_map") && index["weight_map"].is_object(),
        "checkpoint index '", index_path.string(),
        "' has no 'weight_map' object (expected {\"weight_map\": {tensor: file}})");
    std::map<std::string, size_t> file_slot;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
      MOTLAB_CHECK(it.value().is_string(), "checkpoint index '", index_path.string(),
                   "': weight_map entry '", it.key(), "' is not a file name");
      const std::string shard = it.value().get<std::string>();
      MOTLAB_CHECK(!shard.empty() && fs::path(shard).is_relative(), "checkpoint index '",
                   index_path.string(), "': weight_map entry '", it.key(),
                   "' names an absolute or empty path '", shard, "'");
      auto slot = file_slot.find(shard);
      if (slot == file_slot.end()) {
        ckpt.files_.push_back(SafetensorsFile::open((index_path.parent_path() / shard).string()));
        slot = file_slot.emplace(shard, ckpt.files_.size() - 1).first;
      }
      MOTLAB_CHECK(ckpt.files_[slot->second]->contains(it.key()), "checkpoint index '",
                   index_path.string(), "' maps tensor '", it.key(), "' to '", shard,
                   "', which does not contain it");
      ckpt.where_[it.key()] = slot->second;
    }
  } else {
    ckpt.files_.push_back(SafetensorsFile::open(single.front().string()));
    for (const auto& name : ckpt.files_.front()->names()) ckpt.where_[name] = 0;
  }
  return ckpt;
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  for (const auto& kv : where_) out.push_back(kv.first);
  return out;
}

const std::string& Checkpoint::file_of(const std::string& name) const {
  auto it = where_.find(name);
  MOTLAB_CHECK(it != where_.end(), "checkpoint '", origin_, "' has no tensor '", name, "'");
  return files_[it->second]->path();
}

const TensorInfo& Checkpoint::info(const std::string& name) const {
  auto it = where_.find(name);
  MOTLAB_CHECK(it != where_.end(), "checkpoint '", origin_, "' has no tensor '", name, "'");
  return files_[it->second]->info(name);
}

torch::Tensor Checkpoint::tensor(const std::string& name,
                                 std::optional<torch::ScalarType> dtype) const {
  auto it = where_.find(name);
  MOTLAB_CHECK(it != where_.end(), "checkpoint '", origin_, "' has no tensor '", name, "'");
  return files_[it->second]->tensor(name, dtype);
}

const std::map<std::string, std::string>& Checkpoint::metadata() const {
  static const std::map<std::string, std::string> empty;
  return files_.empty() ? empty : files_.front()->metadata();
}

// ---- writer ------------------------------------------------------------------------------------

namespace {

struct Planned {
  std::string name;
  torch::Tensor cpu;  // contiguous CPU tensor
  std::string dtype;
  uint64_t begin = 0, end = 0;
};

// Returns the header (padded) and the planned tensors in data order.
std::string plan_layout(const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                        const std::map<std::string, std::string>& metadata,
                        std::vector<Planned>* planned) {
  std::set<std::string> seen;
  for (const auto& [name, t] : tensors) {
    MOTLAB_CHECK(name != "__metadata__", "safetensors: '__metadata__' cannot name a tensor");
    MOTLAB_CHECK(seen.insert(name).second, "safetensors: tensor '", name, "' given twice");
    MOTLAB_CHECK(t.defined(), "safetensors: tensor '", name, "' is undefined");
    Planned p;
    p.name = name;
    p.cpu = t.detach().to(torch::kCPU).contiguous();
    p.dtype = torch_dtype_to_safetensors(p.cpu.scalar_type());
    planned->push_back(std::move(p));
  }
  std::stable_sort(planned->begin(), planned->end(), [](const Planned& a, const Planned& b) {
    const int sa = *safetensors_dtype_bits(a.dtype), sb = *safetensors_dtype_bits(b.dtype);
    if (sa != sb) return sa > sb;
    return a.name < b.name;
  });
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) {
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [k, v] : metadata) meta[k] = v;
    header["__metadata__"] = meta;
  }
  uint64_t offset = 0;
  for (auto& p : *planned) {
    p.begin = offset;
    p.end = offset + static_cast<uint64_t>(p.cpu.numel()) * p.cpu.element_size();
    offset = p.end;
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    entry["dtype"] = p.dtype;
    entry["shape"] = p.cpu.sizes().vec();
    entry["data_offsets"] = {p.begin, p.end};
    header[p.name] = entry;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');
  return json;
}

void write_layout(const std::string& json, const std::vector<Planned>& planned,
                  const std::function<void(const void*, size_t)>& sink) {
  uint8_t length[8];
  uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) length[i] = static_cast<uint8_t>(n >> (8 * i));
  sink(length, 8);
  sink(json.data(), json.size());
  for (const auto& p : planned)
    if (p.end > p.begin) sink(p.cpu.data_ptr(), p.end - p.begin);
}

}  // namespace

std::string serialize_safetensors(const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                                  const std::map<std::string, std::string>& metadata) {
  std::vector<Planned> planned;
  const std::string json = plan_layout(tensors, metadata, &planned);
  std::string out;
  write_layout(json, planned,
               [&](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); });
  return out;
}

void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<Planned> planned;
  const std::string json = plan_layout(tensors, metadata, &planned);
  std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  FILE* out = std::fopen(temp.c_str(), "wb");
  MOTLAB_CHECK(out, "cannot write '", temp, "': ", std::strerror(errno));
  bool ok = true;
  write_layout(json, planned, [&](const void* p, size_t n) {
    if (ok && std::fwrite(p, 1, n, out) != n) ok = false;
  });
  ok = (std::fflush(out) == 0) && ok;
  ok = (std::fclose(out) == 0) && ok;
  if (!ok) {
    std::remove(temp.c_str());
    MOTLAB_FAIL("cannot write safetensors file '", path, "' (disk full?)");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(temp.c_str());
    MOTLAB_FAIL("cannot move '", temp, "' to '", path, "': ", std::strerror(err));
  }
}

}  // namespace motlab::io
