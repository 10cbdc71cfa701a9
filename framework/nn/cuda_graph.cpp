#include "framework/nn/cuda_graph.h"

#include "framework/core/error.h"
#include "framework/core/log.h"

#ifdef MOTLAB_WITH_CUDA_GRAPHS
#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace motlab::nn {

struct CudaGraphs::Entry {
  std::string key;
  bool eager = false;                 // capture failed: run the function directly
  std::vector<torch::Tensor> inputs;  // the graph's static input buffers
  torch::Tensor output;
#ifdef MOTLAB_WITH_CUDA_GRAPHS
  std::unique_ptr<at::cuda::CUDAGraph> graph;
#endif
};

CudaGraphs::CudaGraphs(size_t max_graphs) : max_graphs_(std::max<size_t>(1, max_graphs)) {}
CudaGraphs::~CudaGraphs() = default;

bool CudaGraphs::supported() {
#ifdef MOTLAB_WITH_CUDA_GRAPHS
  return true;
#else
  return false;
#endif
}

void CudaGraphs::clear() { entries_.clear(); }

torch::Tensor CudaGraphs::run(const std::string& key, const std::vector<torch::Tensor>& inputs,
                              const Function& fn) {
  bool on_cuda = !inputs.empty();
  for (const auto& x : inputs) on_cuda = on_cuda && x.is_cuda();
  if (!supported() || !on_cuda) return fn(inputs);
#ifdef MOTLAB_WITH_CUDA_GRAPHS
  // Streams, capture and replay on the inputs' GPU (a data-parallel rank's is not device 0).
  for (const auto& x : inputs)
    MOTLAB_CHECK(x.device() == inputs.front().device(), "cuda graph '", key,
                 "': inputs on several devices (", inputs.front().device(), ", ", x.device(), ")");
  const c10::cuda::CUDAGuard device_guard(inputs.front().device());
  auto found = entries_.begin();
  while (found != entries_.end() && (*found)->key != key) ++found;
  if (found != entries_.end()) {
    entries_.splice(entries_.begin(), entries_, found);  // most recently used first
  } else {
    auto entry = std::make_unique<Entry>();
    entry->key = key;
    for (const auto& x : inputs) entry->inputs.push_back(x.clone());
    try {
      // Capture on a side stream (the legacy default stream cannot be captured), after warm-up
      // calls there that do the function's lazy allocations and library set-up.
      const c10::cuda::CUDAStream caller = c10::cuda::getCurrentCUDAStream();
      const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
      at::cuda::CUDAEvent inputs_ready;
      inputs_ready.record(caller);
      inputs_ready.block(side);
      {
        c10::cuda::CUDAStreamGuard guard(side);
        // An autocast cast cached now would be freed when the caller's autocast scope ends, while
        // the graph still reads it.
        const bool cast_cache = at::autocast::is_autocast_cache_enabled();
        at::autocast::set_autocast_cache_enabled(false);
        try {
          for (int k = 0; k < 2; ++k) fn(entry->inputs);
          side.synchronize();
          entry->graph = std::make_unique<at::cuda::CUDAGraph>();
          // Thread-local mode: another thread's CUDA calls do not invalidate this capture.
          entry->graph->capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
          try {
            entry->output = fn(entry->inputs);
          } catch (...) {
            entry->graph->capture_end();
            throw;
          }
          entry->graph->capture_end();
        } catch (...) {
          at::autocast::set_autocast_cache_enabled(cast_cache);
          throw;
        }
        at::autocast::set_autocast_cache_enabled(cast_cache);
      }
    } catch (const std::exception& e) {
      log::warn("cuda graph", "capturing '" + key + "' failed, running it eagerly: " + e.what());
      entry->graph.reset();
      entry->output = torch::Tensor();
      entry->eager = true;
    }
    entries_.push_front(std::move(entry));
    while (entries_.size() > max_graphs_) entries_.pop_back();
  }
  Entry& entry = *entries_.front();
  if (entry.eager) return fn(inputs);
  for (size_t k = 0; k < inputs.size(); ++k) entry.inputs[k].copy_(inputs[k]);
  entry.graph->replay();
  return entry.output;
#else
  return fn(inputs);
#endif
}

}  // namespace motlab::nn
