// The pieces of data-parallel training on top of framework/dist/dist.h: the global batch's rows,
// gathering a rank's tensors into the global batch with their gradient, noise drawn for the
// global batch, and bucketed gradient averaging.
//
// Why it equals one process on the global batch: every rank gathers the global batch's
// embeddings and computes the same loss on them; backward through the gather gives this rank's
// own rows world_size times the gradient (the gather's backward), and averaging the parameter
// gradients over the ranks then gives each parameter exactly the one-process gradient (for
// encoder parameters the sum over ranks of their rows' share; for parameters used after the
// gather, e.g. TMR's decoder, the same gradient on every rank).
#pragma once
#include <torch/torch.h>

#include <vector>

namespace motlab::dist {

// Rows of the global batch: rank r holds rows [offset(r), offset(r) + rows[r]).
struct RowLayout {
  std::vector<int64_t> rows;  // per rank
  int64_t offset = 0;         // this rank's first row
  int64_t total = 0;
};
RowLayout row_layout(int64_t local_rows);  // one all-gather of the counts (trivial alone)

// How a global batch of `global_rows` is split: the first global_rows % world ranks get one more.
// Returns [begin, end) of `rank`'s rows.
std::pair<int64_t, int64_t> shard_of(int64_t global_rows, int rank, int world);

// Gathers pieces of this rank's share of the global batch (tensors whose dim 0 is this rank's
// rows, and string lists) in two collectives however many pieces there are: one all-gather of
// every piece's shape, then one of all their bytes in a single buffer. Every rank adds the same
// kinds of piece (dtype, dims) in the same order; a mismatch is an error naming both ranks.
class BatchGather {
 public:
  // `pad_dim1`: dim 1 may differ across ranks and is zero/false-padded to the longest (as collate
  // pads a batch). Returns the piece's index.
  size_t add(const torch::Tensor& local, bool pad_dim1 = false);
  size_t add(const std::vector<std::string>& local);  // strings without NUL bytes
  void run();  // the two collectives; alone (no group), nothing
  // [total, D1max, ...] from this rank's [rows, D1, ...]: the other ranks' rows as they sent
  // them, this rank's rows as `local` itself (so its gradient flows back, scaled by world_size).
  torch::Tensor tensor(size_t piece) const;
  std::vector<std::string> strings(size_t piece) const;  // every rank's, in rank order
  RowLayout layout(size_t piece) const;                  // rows of tensor `piece` per rank

 private:
  enum class Kind : int64_t { kTensor = 0, kPaddedTensor = 1, kStrings = 2 };
  struct Piece {
    Kind kind;
    torch::Tensor local;             // tensors: as added; strings: their bytes [n] uint8 (CPU)
    std::vector<std::string> texts;  // strings: as added
  };
  torch::Tensor received(int rank, size_t piece) const;  // rank's piece as it sent it
  const Piece& piece_at(size_t piece) const;

  std::vector<Piece> pieces_;
  bool ran_ = false;
  // After run(): shapes_[rank][piece], every rank's byte offset of each piece in its slot of
  // all_ [world * slot_bytes_] uint8.
  std::vector<std::vector<std::vector<int64_t>>> shapes_;
  std::vector<std::vector<int64_t>> offsets_;
  int64_t slot_bytes_ = 0;
  torch::Tensor all_;
};

// Standard normal noise shaped like `local` [rows, ...]: alone, randn_like(local); in a group,
// this rank's rows of one draw for the global batch, so the noise does not depend on how the
// batch is split (the ranks' generators start equal: same seed).
torch::Tensor randn_rows_like(const torch::Tensor& local);

// Averages the gradients of `parameters` over the ranks in flat buckets of at most
// `bucket_bytes` (one all-reduce per bucket). A parameter no rank computed a gradient for keeps
// none; one only some ranks did counts as zero elsewhere.
void average_gradients(const std::vector<torch::Tensor>& parameters,
                       int64_t bucket_bytes = 25 << 20);

}  // namespace motlab::dist
