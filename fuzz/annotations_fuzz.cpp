// TMR's annotations.json (framework/data/tmr_annotations.h).
#include "framework/data/tmr_annotations.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = motlab::fuzz::scratch_file(data, size, "annotations.json");
  motlab::fuzz::refused_or_parsed([&] { motlab::data::read_tmr_annotations(path); });
  return 0;
}
