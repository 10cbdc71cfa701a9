// The command-line override grammar and interpolation (framework/config/overrides.h,
// compose.h): parse, take the value or the sweep values, and resolve it inside a small config.
#include "framework/config/compose.h"
#include "framework/config/overrides.h"
#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  motlab::fuzz::refused_or_parsed([&] {
    const motlab::Override o = motlab::parse_override(text);
    if (o.is_sweep()) {
      for (const auto& value : o.sweep_values()) motlab::parse_override(o.with_value(value));
      return;
    }
    if (!o.has_value) return;
    const motlab::Config value = o.value();
    const motlab::Config root =
        motlab::Config::dict({{"a", motlab::Config::dict({{"b", motlab::Config::integer(1)}})},
                              {"s", motlab::Config::string("x")},
                              {"v", value}});
    motlab::resolve(root, motlab::RuntimeInfo{});
  });
  return 0;
}
