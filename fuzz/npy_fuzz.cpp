// .npy files (framework/data/npy.h): header, dtype, shape and data size against the file size.
#include "framework/data/npy.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = motlab::fuzz::scratch_file(data, size, "input.npy");
  motlab::fuzz::refused_or_parsed([&] { motlab::npy::load(path); });
  return 0;
}
