#include <gtest/gtest.h>
#include <torch/torch.h>

#include "framework/core/process_setup.h"

int main(int argc, char** argv) {
  motlab::use_fast_openblas_kernels(argv);  // before gtest parses (and edits) argv
  motlab::keep_freed_memory_for_reuse();
  ::testing::InitGoogleTest(&argc, argv);
  // Tests are small; one intra-op thread keeps ctest -j2 from oversubscribing the two cores.
  torch::set_num_threads(1);
  return RUN_ALL_TESTS();
}
