#include "framework/dist/data_parallel.h"

#include <algorithm>
#include <cstring>

#include "framework/core/error.h"
#include "framework/dist/dist.h"

namespace motlab::dist {
namespace {

// Identity forward; backward multiplies the gradient by `scale` (world_size: see the header).
struct ScaleGradient : public torch::autograd::Function<ScaleGradient> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               double scale) {
    ctx->saved_data["scale"] = scale;
    return x.clone();
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    return {grads[0] * ctx->saved_data["scale"].toDouble(), torch::Tensor()};
  }
};

}  // namespace

RowLayout row_layout(int64_t local_rows) {
  RowLayout layout;
  if (!active()) {
    layout.rows = {local_rows};
    layout.total = local_rows;
    return layout;
  }
  const torch::Tensor counts = all_gather(torch::tensor({local_rows}, torch::kLong));
  for (int k = 0; k < world_size(); ++k) {
    const int64_t n = counts[k].item<int64_t>();
    if (k < rank()) layout.offset += n;
    layout.rows.push_back(n);
    layout.total += n;
  }
  return layout;
}

std::pair<int64_t, int64_t> shard_of(int64_t global_rows, int rank, int world) {
  const int64_t base = global_rows / world, extra = global_rows % world;
  const int64_t begin = rank * base + std::min<int64_t>(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

namespace {
// The shapes travel in a header of fixed size, so ranks that disagree on the pieces still
// exchange it and fail with a message (Gloo aborts the process on unequal sizes).
constexpr int64_t kMaxPieces = 16;
constexpr int64_t kMaxDims = 8;
constexpr int64_t kHeaderPerPiece = 3 + kMaxDims;  // kind, dtype, dims, sizes (padded)
constexpr int64_t kAlignment = 16;                 // every piece starts aligned for its dtype

int64_t aligned(int64_t bytes) { return (bytes + kAlignment - 1) / kAlignment * kAlignment; }

std::string shape_text(const std::vector<int64_t>& sizes) {
  std::string text = "[";
  for (size_t k = 0; k < sizes.size(); ++k) text += (k ? ", " : "") + std::to_string(sizes[k]);
  return text + "]";
}

// Zero/false-pads dim 1 of `rows` [n, d1, ...] to `dim1`; differentiable.
torch::Tensor pad_dim1_to(const torch::Tensor& rows, int64_t dim1) {
  if (rows.dim() < 2 || rows.size(1) == dim1) return rows;
  if (rows.requires_grad()) {
    std::vector<int64_t> pad(2 * (rows.dim() - 1), 0);
    pad[pad.size() - 1] = dim1 - rows.size(1);  // (last dim ..., dim 1 after)
    return torch::constant_pad_nd(rows, pad, 0);
  }
  std::vector<int64_t> sizes = rows.sizes().vec();
  sizes[1] = dim1;
  torch::Tensor out = torch::zeros(sizes, rows.options());
  out.narrow(1, 0, rows.size(1)).copy_(rows);
  return out;
}
}  // namespace

size_t BatchGather::add(const torch::Tensor& local, bool pad_dim1) {
  MOTLAB_CHECK(!ran_, "BatchGather: add() after run()");
  MOTLAB_CHECK(local.defined() && local.dim() >= 1 && local.dim() <= kMaxDims,
               "BatchGather: a piece needs 1 to ", kMaxDims, " dims (dim 0 = rows)");
  MOTLAB_CHECK(pieces_.size() < kMaxPieces, "BatchGather: more than ", kMaxPieces, " pieces");
  pieces_.push_back({pad_dim1 ? Kind::kPaddedTensor : Kind::kTensor, local, {}});
  return pieces_.size() - 1;
}

size_t BatchGather::add(const std::vector<std::string>& local) {
  MOTLAB_CHECK(!ran_, "BatchGather: add() after run()");
  MOTLAB_CHECK(pieces_.size() < kMaxPieces, "BatchGather: more than ", kMaxPieces, " pieces");
  // Each string followed by a NUL (captions hold none: they are text lines).
  std::string packed;
  for (const auto& text : local) packed += text + '\0';
  torch::Tensor bytes = torch::empty({static_cast<int64_t>(packed.size())}, torch::kByte);
  if (!packed.empty()) std::memcpy(bytes.data_ptr<uint8_t>(), packed.data(), packed.size());
  pieces_.push_back({Kind::kStrings, bytes, local});
  return pieces_.size() - 1;
}

const BatchGather::Piece& BatchGather::piece_at(size_t piece) const {
  MOTLAB_CHECK(piece < pieces_.size(), "BatchGather: no piece ", piece);
  return pieces_[piece];
}

void BatchGather::run() {
  MOTLAB_CHECK(!ran_, "BatchGather: run() twice");
  ran_ = true;
  if (!active()) return;
  const int world = world_size(), me = rank();
  const auto count = static_cast<int64_t>(pieces_.size());

  // 1. Every piece's kind, dtype and shape on every rank.
  torch::Tensor header = torch::full({1 + kMaxPieces * kHeaderPerPiece}, -1, torch::kLong);
  auto* h = header.data_ptr<int64_t>();
  h[0] = count;
  for (int64_t p = 0; p < count; ++p) {
    const torch::Tensor& t = pieces_[p].local;
    int64_t* entry = h + 1 + p * kHeaderPerPiece;
    entry[0] = static_cast<int64_t>(pieces_[p].kind);
    entry[1] = static_cast<int64_t>(t.scalar_type());
    entry[2] = t.dim();
    for (int64_t d = 0; d < t.dim(); ++d) entry[3 + d] = t.size(d);
  }
  const torch::Tensor headers = all_gather(header).view({world, -1}).contiguous();
  shapes_.assign(world, {});
  offsets_.assign(world, {});
  slot_bytes_ = kAlignment;
  for (int k = 0; k < world; ++k) {
    const int64_t* theirs = headers[k].data_ptr<int64_t>();
    MOTLAB_CHECK(theirs[0] == count, "rank ", me, ": gathering the global batch, rank ", k,
                 " sent ", theirs[0], " pieces and this rank ", count,
                 " (the ranks' batches or models differ)");
    int64_t offset = 0;
    for (int64_t p = 0; p < count; ++p) {
      const int64_t* entry = theirs + 1 + p * kHeaderPerPiece;
      const int64_t* mine = h + 1 + p * kHeaderPerPiece;
      std::vector<int64_t> sizes(entry + 3, entry + 3 + std::max<int64_t>(0, entry[2]));
      std::vector<int64_t> my_sizes(mine + 3, mine + 3 + mine[2]);
      bool same = entry[0] == mine[0] && entry[1] == mine[1] && entry[2] == mine[2];
      for (int64_t d = 1; same && d < mine[2]; ++d)
        same = sizes[d] == my_sizes[d] || (d == 1 && pieces_[p].kind == Kind::kPaddedTensor);
      MOTLAB_CHECK(same, "rank ", me, ": gathering the global batch, piece ", p, " is ",
                   shape_text(sizes), " of dtype ", entry[1], " on rank ", k, " but ",
                   shape_text(my_sizes), " of dtype ", mine[1], " here (only dim 0",
                   pieces_[p].kind == Kind::kPaddedTensor ? " and 1" : "", " may differ)");
      int64_t numel = 1;
      for (int64_t size : sizes) numel *= size;
      offsets_[k].push_back(offset);
      offset += aligned(numel * static_cast<int64_t>(pieces_[p].local.element_size()));
      shapes_[k].push_back(std::move(sizes));
    }
    slot_bytes_ = std::max(slot_bytes_, offset);
  }

  // 2. All pieces' bytes in one buffer per rank, on the device the collective runs on.
  torch::Device device = torch::kCPU;
  for (const auto& piece : pieces_)
    if (piece.kind != Kind::kStrings) {
      device = piece.local.device();
      break;
    }
  torch::Tensor slot =
      torch::zeros({slot_bytes_}, torch::TensorOptions(torch::kByte).device(device));
  for (int64_t p = 0; p < count; ++p) {
    const torch::Tensor& t = pieces_[p].local;
    if (t.numel() == 0) continue;
    const torch::Tensor bytes = t.detach().to(device).contiguous().reshape({-1}).view(torch::kByte);
    slot.narrow(0, offsets_[me][p], bytes.numel()).copy_(bytes);
  }
  all_ = all_gather(slot);
}

torch::Tensor BatchGather::received(int from, size_t piece) const {
  const Piece& p = piece_at(piece);
  const std::vector<int64_t>& sizes = shapes_.at(from).at(piece);
  int64_t numel = 1;
  for (int64_t size : sizes) numel *= size;
  if (numel == 0) return torch::empty(sizes, all_.options().dtype(p.local.scalar_type()));
  const int64_t bytes = numel * static_cast<int64_t>(p.local.element_size());
  return all_.narrow(0, from * slot_bytes_ + offsets_[from][piece], bytes)
      .view(p.local.scalar_type())
      .view(sizes);
}

torch::Tensor BatchGather::tensor(size_t piece) const {
  const Piece& p = piece_at(piece);
  MOTLAB_CHECK(p.kind != Kind::kStrings, "BatchGather: piece ", piece, " holds strings");
  MOTLAB_CHECK(ran_, "BatchGather: tensor() before run()");
  if (!active()) return p.local;
  const int world = world_size();
  int64_t dim1 = 0;
  if (p.local.dim() > 1)
    for (int k = 0; k < world; ++k) dim1 = std::max(dim1, shapes_[k][piece][1]);
  std::vector<torch::Tensor> parts;
  for (int k = 0; k < world; ++k) {
    torch::Tensor rows = k == rank() && p.local.requires_grad()
                             ? ScaleGradient::apply(p.local, static_cast<double>(world))
                             : received(k, piece).to(p.local.device());
    parts.push_back(p.local.dim() > 1 ? pad_dim1_to(rows, dim1) : rows);
  }
  return torch::cat(parts, 0);
}

std::vector<std::string> BatchGather::strings(size_t piece) const {
  const Piece& p = piece_at(piece);
  MOTLAB_CHECK(p.kind == Kind::kStrings, "BatchGather: piece ", piece, " holds no strings");
  MOTLAB_CHECK(ran_, "BatchGather: strings() before run()");
  if (!active()) return p.texts;
  std::vector<std::string> out;
  for (int k = 0; k < world_size(); ++k) {
    const torch::Tensor bytes = received(k, piece).cpu().contiguous();
    const auto* data = reinterpret_cast<const char*>(bytes.data_ptr<uint8_t>());
    std::string current;
    for (int64_t j = 0; j < bytes.numel(); ++j) {
      if (data[j] == '\0') {
        out.push_back(std::move(current));
        current.clear();
      } else {
        current += data[j];
      }
    }
  }
  return out;
}

RowLayout BatchGather::layout(size_t piece) const {
  const Piece& p = piece_at(piece);
  MOTLAB_CHECK(ran_, "BatchGather: layout() before run()");
  RowLayout out;
  if (!active()) {
    out.rows = {p.local.size(0)};
    out.total = p.local.size(0);
    return out;
  }
  for (int k = 0; k < world_size(); ++k) {
    const int64_t n = shapes_[k][piece][0];
    if (k < rank()) out.offset += n;
    out.rows.push_back(n);
    out.total += n;
  }
  return out;
}

torch::Tensor randn_rows_like(const torch::Tensor& local) {
  if (!active()) return torch::randn_like(local);
  const RowLayout layout = row_layout(local.size(0));
  std::vector<int64_t> sizes = local.sizes().vec();
  sizes[0] = layout.total;
  return torch::randn(sizes, local.options()).narrow(0, layout.offset, local.size(0));
}

void average_gradients(const std::vector<torch::Tensor>& parameters, int64_t bucket_bytes) {
  if (!active() || parameters.empty()) return;
  const int64_t count = static_cast<int64_t>(parameters.size());
  torch::Tensor has_gradient = torch::zeros({count}, torch::kFloat);
  for (int64_t k = 0; k < count; ++k)
    if (parameters[k].grad().defined()) has_gradient[k] = 1.0f;
  std::vector<torch::Tensor> flags{has_gradient};
  all_reduce_sum(flags);
  const double world = static_cast<double>(world_size());
  std::vector<int64_t> bucket;
  int64_t bytes = 0;
  auto flush = [&] {
    if (bucket.empty()) return;
    std::vector<torch::Tensor> flat_parts;
    for (int64_t k : bucket) {
      const torch::Tensor& p = parameters[k];
      flat_parts.push_back(p.grad().defined() ? p.grad().reshape({-1})
                                              : torch::zeros({p.numel()}, p.options()));
    }
    std::vector<torch::Tensor> flat{torch::cat(flat_parts)};
    all_reduce_sum(flat);
    flat[0].div_(world);
    int64_t offset = 0;
    for (int64_t k : bucket) {
      torch::Tensor p = parameters[k];
      torch::Tensor averaged = flat[0].narrow(0, offset, p.numel()).view(p.sizes());
      offset += p.numel();
      if (p.grad().defined())
        p.mutable_grad().copy_(averaged);
      else
        p.mutable_grad() = averaged.clone();
    }
    bucket.clear();
    bytes = 0;
  };
  for (int64_t k = 0; k < count; ++k) {
    if (has_gradient[k].item<float>() == 0.0f) continue;
    const torch::Tensor& p = parameters[k];
    const bool same_kind =
        bucket.empty() || (parameters[bucket[0]].scalar_type() == p.scalar_type() &&
                           parameters[bucket[0]].device() == p.device());
    const int64_t size = p.numel() * static_cast<int64_t>(p.element_size());
    if (!same_kind || (bytes > 0 && bytes + size > bucket_bytes)) flush();
    bucket.push_back(k);
    bytes += size;
  }
  flush();
}

}  // namespace motlab::dist
