// Shared by the libFuzzer harnesses (tools/fuzz.sh): an input either parses or is refused with a
// motlab::Error naming the problem; any other exception, a crash, a leak, a sanitizer report or
// an allocation beyond the fuzzer's -rss_limit_mb is a bug.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "framework/core/error.h"

namespace motlab::fuzz {

// The input as a file (for parsers that read paths), rewritten for every input.
inline std::string scratch_file(const uint8_t* data, size_t size, const std::string& name) {
  const std::string path = "/dev/shm/motlab_fuzz_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

template <class Fn>
void refused_or_parsed(Fn fn) {
  try {
    fn();
  } catch (const motlab::Error&) {
    // A clear refusal: what bad input must get.
  }
}

}  // namespace motlab::fuzz
