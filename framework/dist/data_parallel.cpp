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

torch::Tensor gather_rows(const torch::Tensor& local, const RowLayout& layout, bool pad_dim1) {
  if (!active()) return local;
  const int world = world_size();
  MOTLAB_CHECK(local.dim() >= 1 && local.size(0) == layout.rows.at(rank()), "gather_rows: rank ",
               rank(), " has ", local.dim() ? local.size(0) : 0, " rows, its layout says ",
               layout.rows.at(rank()));
  std::vector<int64_t> sizes = local.sizes().vec();
  std::vector<int64_t> dim1(world, local.dim() > 1 ? sizes[1] : 0);
  if (pad_dim1 && local.dim() > 1) {
    const torch::Tensor all = all_gather(torch::tensor({sizes[1]}, torch::kLong));
    for (int k = 0; k < world; ++k) dim1[k] = all[k].item<int64_t>();
  }
  const int64_t max_rows = *std::max_element(layout.rows.begin(), layout.rows.end());
  const int64_t max_dim1 = *std::max_element(dim1.begin(), dim1.end());
  const bool is_bool = local.scalar_type() == torch::kBool;
  torch::Tensor send = local.detach();
  if (is_bool) send = send.to(torch::kByte);
  std::vector<int64_t> padded = sizes;
  padded[0] = max_rows;
  if (local.dim() > 1) padded[1] = max_dim1;
  torch::Tensor buffer = torch::zeros(padded, send.options());
  torch::Tensor target = buffer.narrow(0, 0, sizes[0]);
  if (local.dim() > 1) target = target.narrow(1, 0, sizes[1]);
  target.copy_(send);
  std::vector<int64_t> stacked{world};
  stacked.insert(stacked.end(), padded.begin(), padded.end());
  const torch::Tensor all = all_gather(buffer).view(stacked);
  std::vector<torch::Tensor> parts;
  for (int k = 0; k < world; ++k) {
    if (k == rank() && local.requires_grad()) {
      torch::Tensor own = ScaleGradient::apply(local, static_cast<double>(world));
      if (local.dim() > 1 && sizes[1] < max_dim1) {
        std::vector<int64_t> pad(2 * (local.dim() - 1), 0);
        pad[pad.size() - 1] = max_dim1 - sizes[1];  // (last dim ..., dim 1 after)
        own = torch::constant_pad_nd(own, pad, 0);
      }
      parts.push_back(own);
    } else {
      torch::Tensor rows = all[k].narrow(0, 0, layout.rows[k]);
      parts.push_back(is_bool ? rows.to(torch::kBool) : rows);
    }
  }
  return torch::cat(parts, 0);
}

std::vector<std::string> gather_strings(const std::vector<std::string>& local) {
  if (!active()) return local;
  // Each string followed by a NUL (captions hold none: they are text lines).
  std::string packed;
  for (const auto& text : local) packed += text + '\0';
  const RowLayout bytes = row_layout(static_cast<int64_t>(packed.size()));
  torch::Tensor mine = torch::empty({static_cast<int64_t>(packed.size())}, torch::kByte);
  std::memcpy(mine.data_ptr<uint8_t>(), packed.data(), packed.size());
  const torch::Tensor all = gather_rows(mine, bytes).contiguous();
  const auto* data = reinterpret_cast<const char*>(all.data_ptr<uint8_t>());
  std::vector<std::string> out;
  std::string current;
  for (int64_t k = 0; k < all.numel(); ++k) {
    if (data[k] == '\0') {
      out.push_back(current);
      current.clear();
    } else {
      current += data[k];
    }
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
