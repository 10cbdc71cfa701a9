// Split files (one motion id per line, framework/data/humanml3d.h).
#include "framework/data/humanml3d.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = motlab::fuzz::scratch_file(data, size, "split.txt");
  motlab::fuzz::refused_or_parsed([&] { motlab::humanml3d::read_split(path); });
  return 0;
}
