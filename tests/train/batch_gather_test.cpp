// dist::BatchGather with 2 real ranks (c10d Gloo on 127.0.0.1): this test binary starts two
// copies of itself as torchrun would (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), and each copy
// gathers tensors of different dtypes, a padded dim 1 and strings in one go, then checks the
// global batch, its layout, the gradient of its own rows and a mismatch between the ranks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "framework/dist/data_parallel.h"
#include "framework/dist/dist.h"
#include "tests/support/paths.h"

namespace {

constexpr const char* kWorkerVariable = "MOTLAB_BATCH_GATHER_WORKER";

int64_t rows_of(int rank) { return rank == 0 ? 3 : 2; }
int64_t frames_of(int rank) { return rank == 0 ? 5 : 7; }

// Rank r's features [rows, frames, 2]: 100 r + 10 row + frame + channel / 10.
torch::Tensor features_of(int rank) {
  torch::Tensor out = torch::empty({rows_of(rank), frames_of(rank), 2});
  for (int64_t i = 0; i < out.size(0); ++i)
    for (int64_t t = 0; t < out.size(1); ++t)
      for (int64_t c = 0; c < 2; ++c) out[i][t][c] = 100.0 * rank + 10.0 * i + t + c / 10.0;
  return out;
}

std::vector<std::string> captions_of(int rank) {
  if (rank == 0) return {"사람이 걷는다", "", "a person jumps"};
  return {"두 번째 랭크", "x"};
}

// One rank's side of the test (runs inside the copies the test starts).
void run_worker() {
  motlab::dist::GroupSettings options;
  options.backend = "gloo";
  options.timeout_s = 60;
  motlab::dist::initialize(motlab::dist::placement_from_environment(), options, torch::kCPU);
  struct Shutdown {
    ~Shutdown() { motlab::dist::shutdown(); }
  } shutdown;
  const int me = motlab::dist::rank();
  ASSERT_EQ(motlab::dist::world_size(), 2);

  torch::Tensor features = features_of(me).requires_grad_(true);
  const torch::Tensor mask = torch::ones({rows_of(me), frames_of(me)}, torch::kBool);
  const torch::Tensor lengths = torch::full({rows_of(me)}, frames_of(me), torch::kLong);
  const torch::Tensor half = torch::full({rows_of(me), 3}, me + 0.5, torch::kHalf);

  motlab::dist::BatchGather gather;
  const size_t f = gather.add(features, /*pad_dim1=*/true);
  const size_t c = gather.add(captions_of(me));
  const size_t m = gather.add(mask, /*pad_dim1=*/true);
  const size_t l = gather.add(lengths);
  const size_t h = gather.add(half);
  const size_t none = gather.add(std::vector<std::string>{});
  gather.run();

  const torch::Tensor all = gather.tensor(f);
  ASSERT_EQ(all.sizes(), (std::vector<int64_t>{5, 7, 2}));
  torch::Tensor expected = torch::zeros({5, 7, 2});
  expected.narrow(0, 0, 3).narrow(1, 0, 5).copy_(features_of(0));
  expected.narrow(0, 3, 2).copy_(features_of(1));
  EXPECT_TRUE(torch::equal(all.detach(), expected));
  const torch::Tensor all_mask = gather.tensor(m);
  EXPECT_EQ(all_mask.scalar_type(), torch::kBool);
  EXPECT_EQ(all_mask.sum().item<int64_t>(), 3 * 5 + 2 * 7);
  EXPECT_FALSE(all_mask[0][5].item<bool>());
  EXPECT_TRUE(torch::equal(gather.tensor(l), torch::tensor({5, 5, 5, 7, 7}, torch::kLong)));
  EXPECT_EQ(gather.tensor(h).scalar_type(), torch::kHalf);
  EXPECT_FLOAT_EQ(gather.tensor(h)[4][2].item<float>(), 1.5f);
  std::vector<std::string> captions = captions_of(0);
  for (const auto& text : captions_of(1)) captions.push_back(text);
  EXPECT_EQ(gather.strings(c), captions);
  EXPECT_TRUE(gather.strings(none).empty());
  const motlab::dist::RowLayout layout = gather.layout(f);
  EXPECT_EQ(layout.rows, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(layout.offset, me == 0 ? 0 : 3);
  EXPECT_EQ(layout.total, 5);

  // The gather's backward gives this rank's rows world_size times the gradient.
  all.sum().backward();
  EXPECT_TRUE(torch::equal(features.grad(), torch::full_like(features, 2.0)));

  // Ranks that add different pieces fail on both sides, naming the other rank.
  motlab::dist::BatchGather mismatched;
  mismatched.add(lengths);
  if (me == 1) mismatched.add(lengths);
  try {
    mismatched.run();
    ADD_FAILURE() << "a mismatch between the ranks was not detected";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("rank " + std::to_string(1 - me) + " sent"),
              std::string::npos)
        << e.what();
  }
  motlab::dist::barrier();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST(BatchGather, TwoRanksGatherEveryPieceInRankOrderWithTheOwnRowsGradient) {
  if (std::getenv(kWorkerVariable)) {
    run_worker();
    return;
  }
  const std::string dir = motlab::test::temp_dir("batch_gather");
  const std::string port = std::to_string(motlab::dist::free_local_port());
  char self[4096] = {0};  // this test binary's path
  ASSERT_GT(readlink("/proc/self/exe", self, sizeof(self) - 1), 0);
  auto rank_command = [&](int rank) {
    return std::string(kWorkerVariable) + "=1 RANK=" + std::to_string(rank) +
           " WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + port + " " + self +
           " --gtest_filter=BatchGather.* > " + dir + "/rank" + std::to_string(rank) + ".txt 2>&1";
  };
  const std::string script = rank_command(0) + " & first=$!; " + rank_command(1) +
                             "; second=$?; wait $first; exit $(( $? | second ))";
  const int rc = motlab::test::run_command(script);
  for (int rank = 0; rank < 2; ++rank) {
    const std::string output = read_text(dir + "/rank" + std::to_string(rank) + ".txt");
    EXPECT_NE(output.find("[  PASSED  ] 1 test"), std::string::npos) << "rank " << rank << ":\n"
                                                                     << output;
  }
  EXPECT_EQ(rc, 0);
}
