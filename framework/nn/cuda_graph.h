// Captured CUDA graphs of a function with fixed input shapes (LibTorch's at::cuda::CUDAGraph).
// A query encoder's forward is ~1000 small kernels; launched one by one from the CPU they take
// longer than they run, and one graph replay launches them all at once. On CPU, or where motlab
// was built without CUDA graphs (MOTLAB_WITH_CUDA_GRAPHS), run() just calls the function.
//
// The function must be capturable: no host synchronisation (.item(), printing a CUDA tensor), no
// host-to-device copies of new data, the same kernels on every call; its lazy set-up (caches,
// cuBLAS handles) happens in two warm-up calls before the capture. A capture that fails is
// reported once and that key then runs eagerly.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

namespace motlab::nn {

class CudaGraphs {
 public:
  using Function = std::function<torch::Tensor(const std::vector<torch::Tensor>&)>;
  explicit CudaGraphs(size_t max_graphs = 8);
  ~CudaGraphs();

  // fn(inputs) through the graph captured for `key` (captured on first use; same input shapes
  // and dtypes every time for one key). The returned tensor is the graph's output buffer: read
  // or copy it before the next run() with the same key.
  torch::Tensor run(const std::string& key, const std::vector<torch::Tensor>& inputs,
                    const Function& fn);
  // Whether this build can capture (LibTorch with CUDA and MOTLAB_WITH_CUDA_GRAPHS).
  static bool supported();
  size_t size() const { return entries_.size(); }
  void clear();

 private:
  struct Entry;
  size_t max_graphs_;
  std::list<std::unique_ptr<Entry>> entries_;  // most recently used first
};

}  // namespace motlab::nn
