#include "framework/core/device.h"

#include <torch/cuda.h>
#include <torch/utils.h>

#include <cstdlib>

#include "framework/core/error.h"
#include "framework/core/strings.h"

namespace motlab {

torch::Device resolve_device(const std::string& spec) {
  if (spec == "auto")
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0)
                                       : torch::Device(torch::kCPU);
  if (spec == "cpu") return torch::Device(torch::kCPU);
  if (spec.rfind("cuda", 0) == 0) {
    MOTLAB_CHECK(torch::cuda::is_available(), "device='", spec,
                 "' but no CUDA device is available in this build/machine; use device=cpu or auto");
    return torch::Device(spec);
  }
  MOTLAB_FAIL("device='", spec, "' is not valid; expected auto, cpu, cuda or cuda:N");
}

void seed_everything(uint64_t seed) {
  torch::manual_seed(seed);
  std::srand(static_cast<unsigned>(seed));
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
  if (torch::cuda::is_available()) torch::cuda::manual_seed_all(seed);
#else
  if (torch::cuda::is_available()) torch::cuda::manual_seed_all(seed);
#endif
}

uint64_t derive_seed(uint64_t seed, const std::string& stream) {
  // FNV-1a over the stream name, mixed with the seed by splitmix64.
  const uint64_t h = fnv1a(stream);
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (h | 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void synchronize_device(torch::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());  // -1: the current device
}

}  // namespace motlab
