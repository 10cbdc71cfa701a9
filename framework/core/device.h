// Device selection (device=auto|cpu|cuda[:N]) and seeding of every randomness source.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace motlab {

// "auto" picks CUDA when available. Unknown text -> error naming the value and the choices.
torch::Device resolve_device(const std::string& spec);
// Seeds torch (CPU and CUDA), the C library and motlab's own generators; sets deterministic
// algorithms where LibTorch offers them.
void seed_everything(uint64_t seed);
// A 64-bit value derived from (seed, stream name): independent streams for data, model init...
uint64_t derive_seed(uint64_t seed, const std::string& stream);
// Waits for the device's queued work (CUDA); a no-op on CPU. Benchmarks time between two calls.
void synchronize_device(torch::Device device);

}  // namespace motlab
