#include <gtest/gtest.h>
#include <torch/torch.h>

#include "framework/core/process_setup.h"

int main(int argc, char** argv) {
  motlab::set_up_process(argv);  // before gtest parses (and edits) argv
  ::testing::InitGoogleTest(&argc, argv);
  // Tests are small; one intra-op thread keeps ctest -j2 from oversubscribing the two cores.
  torch::set_num_threads(1);
  return RUN_ALL_TESTS();
}
