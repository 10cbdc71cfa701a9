// HumanML3D caption files: caption#tokens#start#end lines (framework/data/humanml3d.h).
#include "framework/data/humanml3d.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = motlab::fuzz::scratch_file(data, size, "captions.txt");
  motlab::fuzz::refused_or_parsed([&] {
    for (const auto& line : motlab::humanml3d::read_captions(path)) line.frames(120, 20.0);
  });
  return 0;
}
