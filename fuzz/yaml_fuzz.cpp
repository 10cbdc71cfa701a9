// YAML -> Config (framework/config/config.h), then its YAML and JSON renderings, which must read
// back to the same tree.
#include <cstdio>

#include "framework/config/config.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  motlab::fuzz::refused_or_parsed([&] {
    const motlab::Config config = motlab::Config::from_yaml_string(text, "fuzz.yaml");
    config.to_json();
    const motlab::Config again = motlab::Config::from_yaml_string(config.to_yaml(), "again.yaml");
    if (!(again == config)) {  // to_yaml must round-trip
      std::fprintf(stderr, "read:    %s\nwritten: %s\nread back: %s\n", config.to_json().c_str(),
                   config.to_yaml().c_str(), again.to_json().c_str());
      __builtin_trap();
    }
  });
  return 0;
}
