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

// [total, D1max, ...] from this rank's [rows, D1, ...]: the other ranks' rows as they sent them,
// this rank's rows as `local` itself (so its gradient flows back, scaled by world_size). With
// `pad_dim1`, dim 1 may differ across ranks and is zero/`false`-padded to the longest (as collate
// pads a batch); bool tensors travel as uint8.
torch::Tensor gather_rows(const torch::Tensor& local, const RowLayout& layout,
                          bool pad_dim1 = false);

// Every rank's strings in rank order (the global batch's captions); alone, `local`.
std::vector<std::string> gather_strings(const std::vector<std::string>& local);

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
