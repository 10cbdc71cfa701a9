// safetensors header and tensor table (framework/io/safetensors.h), as a mapped file image.
#include "framework/io/safetensors.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  motlab::fuzz::refused_or_parsed([&] {
    std::map<std::string, std::string> metadata;
    uint64_t data_start = 0;
    motlab::io::parse_safetensors_header(data, size, "fuzz", &metadata, &data_start);
  });
  return 0;
}
