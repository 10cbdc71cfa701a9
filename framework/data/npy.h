// .npy files (NumPy format versions 1, 2 and 3): little-endian float32/float64/int64/int32, C
// order. Fortran order, big-endian data and other dtypes are rejected with an error naming the
// file.
#pragma once
#include <torch/torch.h>

#include <string>

namespace motlab::npy {

struct Header {
  std::string dtype;  // e.g. "<f4"
  bool fortran_order = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;  // bytes before the array data
};

// Parses only the header (cheap: shape checks of a whole dataset).
Header read_header(const std::string& path);
// Reads the array as a tensor of its own dtype (float32, float64, int64 or int32), on CPU.
torch::Tensor load(const std::string& path);
// Writes a CPU tensor (float32, float64, int64 or int32), version 1.0 header, atomically.
void save(const std::string& path, const torch::Tensor& tensor);

}  // namespace motlab::npy
