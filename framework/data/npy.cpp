#include "framework/data/npy.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"

namespace motlab::npy {
namespace {

const char kMagic[] = "\x93NUMPY";

torch::Dtype dtype_of(const std::string& descr, const std::string& path) {
  if (descr == "<f4") return torch::kFloat32;
  if (descr == "<f8") return torch::kFloat64;
  if (descr == "<i8") return torch::kInt64;
  if (descr == "<i4") return torch::kInt32;
  MOTLAB_CHECK(descr.empty() || descr[0] != '>', path, ": big-endian array ('", descr,
               "') is not supported; save it little-endian (arr.astype('<f4'))");
  MOTLAB_FAIL(path, ": unsupported dtype '", descr, "' (expected <f4, <f8, <i8 or <i4)");
}

std::string descr_of(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kFloat32:
      return "<f4";
    case torch::kFloat64:
      return "<f8";
    case torch::kInt64:
      return "<i8";
    case torch::kInt32:
      return "<i4";
    default:
      MOTLAB_FAIL("npy::save: unsupported tensor dtype ", dtype);
  }
}

// Value of 'key' in the header dict text: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4),
// }
std::string dict_value(const std::string& dict, const std::string& key, const std::string& path) {
  size_t at = dict.find("'" + key + "'");
  MOTLAB_CHECK(at != std::string::npos, path, ": .npy header has no '", key, "' (header: ", dict,
               ")");
  size_t colon = dict.find(':', at);
  MOTLAB_CHECK(colon != std::string::npos, path, ": malformed .npy header: ", dict);
  size_t begin = dict.find_first_not_of(' ', colon + 1);
  MOTLAB_CHECK(begin != std::string::npos, path, ": malformed .npy header: ", dict);
  size_t end = begin;
  if (dict[begin] == '(') {
    end = dict.find(')', begin);
  } else if (dict[begin] == '\'') {
    end = dict.find('\'', begin + 1);
  } else {
    end = dict.find_first_of(",}", begin);
    if (end != std::string::npos) --end;
  }
  MOTLAB_CHECK(end != std::string::npos && end >= begin, path, ": malformed .npy header: ", dict);
  ++end;  // past the closing bracket or quote (or the last character of a bare value)
  std::string value = dict.substr(begin, end - begin);
  return value.substr(0, value.find_last_not_of(' ') + 1);
}

}  // namespace

Header read_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  MOTLAB_CHECK(in.good(), path, ": cannot open");
  char magic[6];
  in.read(magic, 6);
  MOTLAB_CHECK(in.gcount() == 6 && std::memcmp(magic, kMagic, 6) == 0, path,
               ": not a .npy file (bad magic)");
  unsigned char version[2];
  in.read(reinterpret_cast<char*>(version), 2);
  MOTLAB_CHECK(in.gcount() == 2 && version[0] >= 1 && version[0] <= 3, path,
               ": unsupported .npy version ", int(version[0]));
  uint32_t header_length = 0;
  size_t prefix = 0;
  if (version[0] == 1) {
    unsigned char len[2];
    in.read(reinterpret_cast<char*>(len), 2);
    MOTLAB_CHECK(in.gcount() == 2, path, ": truncated .npy header");
    header_length = len[0] | (len[1] << 8);
    prefix = 10;
  } else {
    unsigned char len[4];
    in.read(reinterpret_cast<char*>(len), 4);
    MOTLAB_CHECK(in.gcount() == 4, path, ": truncated .npy header");
    header_length = len[0] | (len[1] << 8) | (len[2] << 16) | (uint32_t(len[3]) << 24);
    prefix = 12;
  }
  MOTLAB_CHECK(header_length < (1u << 24), path, ": implausible .npy header length ",
               header_length);
  std::string dict(header_length, '\0');
  in.read(dict.data(), header_length);
  MOTLAB_CHECK(static_cast<uint32_t>(in.gcount()) == header_length, path,
               ": truncated .npy header");
  Header header;
  header.data_offset = prefix + header_length;
  std::string descr = dict_value(dict, "descr", path);
  MOTLAB_CHECK(descr.size() >= 2 && descr.front() == '\'' && descr.back() == '\'', path,
               ": .npy header 'descr' must be a quoted dtype, got ", descr);
  header.dtype = descr.substr(1, descr.size() - 2);
  std::string fortran = dict_value(dict, "fortran_order", path);
  MOTLAB_CHECK(fortran == "False" || fortran == "True", path, ": bad fortran_order '", fortran,
               "'");
  header.fortran_order = fortran == "True";
  std::string shape = dict_value(dict, "shape", path);
  MOTLAB_CHECK(shape.size() >= 2 && shape.front() == '(' && shape.back() == ')', path,
               ": .npy header 'shape' must be a tuple, got ", shape);
  std::string inner = shape.substr(1, shape.size() - 2);
  std::stringstream parts(inner);
  std::string part;
  while (std::getline(parts, part, ',')) {
    const size_t b = part.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    const size_t e = part.find_last_not_of(' ');
    const std::string digits = part.substr(b, e - b + 1);
    MOTLAB_CHECK(!digits.empty() && digits.size() <= 18 &&
                     digits.find_first_not_of("0123456789") == std::string::npos,
                 path, ": bad dimension '", digits, "' in shape ", shape,
                 " (expected non-negative integers)");
    header.shape.push_back(std::stoll(digits));
    MOTLAB_CHECK(header.shape.size() <= 32, path, ": shape ", shape,
                 " has more than 32 dimensions");
  }
  return header;
}

torch::Tensor load(const std::string& path) {
  Header header = read_header(path);
  MOTLAB_CHECK(!header.fortran_order, path,
               ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
  torch::Dtype dtype = dtype_of(header.dtype, path);
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(in.tellg());
  MOTLAB_CHECK(file_size >= header.data_offset, path, ": truncated .npy header");
  const uint64_t available = file_size - header.data_offset;
  // The shape's byte count, checked against the file before anything is allocated: a product
  // that overflows 64 bits is as wrong as one larger than the file.
  uint64_t bytes = torch::elementSize(dtype);
  bool overflow = false;
  for (int64_t d : header.shape)
    overflow = overflow || __builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes);
  MOTLAB_CHECK(!overflow, path, ": shape ", torch::IntArrayRef(header.shape), " ", header.dtype,
               " needs more than 2^64 bytes; the file has ", available);
  MOTLAB_CHECK(available >= bytes, path, ": truncated data: shape ",
               torch::IntArrayRef(header.shape), " ", header.dtype, " needs ", bytes,
               " bytes, the file has ", available);
  MOTLAB_CHECK(available == bytes, path, ": ", available - bytes,
               " unexpected trailing bytes after the data");
  torch::Tensor out = torch::empty(header.shape, torch::TensorOptions().dtype(dtype));
  in.seekg(static_cast<std::streamoff>(header.data_offset));
  in.read(static_cast<char*>(out.data_ptr()), static_cast<std::streamsize>(bytes));
  MOTLAB_CHECK(static_cast<size_t>(in.gcount()) == bytes, path, ": short read");
  return out;
}

void save(const std::string& path, const torch::Tensor& tensor) {
  torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
  // NumPy's tuple syntax: (), (7,), (170, 263).
  std::string shape = "(";
  for (int64_t k = 0; k < t.dim(); ++k) shape += (k ? ", " : "") + std::to_string(t.size(k));
  shape += t.dim() == 1 ? ",)" : ")";
  std::string dict = "{'descr': '" + descr_of(t.scalar_type()) +
                     "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that magic(6)+version(2)+len(2)+dict+'\n' is a multiple of 64.
  size_t total = 10 + dict.size() + 1;
  dict += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::string out(kMagic, 6);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>((dict.size() >> 8) & 0xff);
  out += dict;
  out.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
  write_file_atomic(path, out);
}

}  // namespace motlab::npy
