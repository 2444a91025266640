// Backward formulas of views and shape ops. Slicing-like views scatter their gradient into
// zeros of the input's shape; that scatter records its own node, whose backward slices again,
// so double backward works.
#include <algorithm>
#include <cstdlib>

#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

struct ReshapeBackward : Node {
  Shape in_sizes;
  std::string name() const override { return "ViewBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {reshape(grads[0], in_sizes)}; }
};

struct PermuteBackward : Node {
  std::vector<int64_t> inverse;
  std::string name() const override { return "PermuteBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {permute(grads[0], inverse)}; }
};

struct ExpandBackward : Node {
  Shape in_sizes;
  std::string name() const override { return "ExpandBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {sum_to(grads[0], in_sizes)}; }
};

// g placed into zeros(in_sizes) at slice(dim, start, step); differentiable in g.
Tensor slice_scatter_zeros(const Tensor& g, const Shape& in_sizes, int64_t dim, int64_t start, int64_t step);
Tensor select_scatter_zeros(const Tensor& g, const Shape& in_sizes, int64_t dim, int64_t index);

struct SliceBackward : Node {
  Shape in_sizes;
  int64_t dim, start, step;
  std::string name() const override { return "SliceBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {slice_scatter_zeros(grads[0], in_sizes, dim, start, step)};
  }
};

struct SelectBackward : Node {
  Shape in_sizes;
  int64_t dim, index;
  std::string name() const override { return "SelectBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {select_scatter_zeros(grads[0], in_sizes, dim, index)};
  }
};

// The scatters' own nodes: their gradient is the slice (select) of the incoming gradient.
struct SliceScatterBackward : Node {
  int64_t dim, start, step, length;
  std::string name() const override { return "SliceBackwardBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {slice(grads[0], dim, start, start + length * step, step)};
  }
};
struct SelectScatterBackward : Node {
  int64_t dim, index;
  std::string name() const override { return "SelectBackwardBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {select(grads[0], dim, index)}; }
};

Tensor slice_scatter_zeros(const Tensor& g, const Shape& in_sizes, int64_t dim, int64_t start, int64_t step) {
  Tensor out = zeros(in_sizes, g.dtype(), g.device());
  const int64_t length = g.sizes()[dim];
  {
    GradModeGuard no_grad(false);
    Tensor window = slice(out, dim, start, start + length * step, step);
    copy_(window, g);
  }
  if (should_record({&g})) {
    auto node = make_node<SliceScatterBackward>({&g});
    node->dim = dim;
    node->start = start;
    node->step = step;
    node->length = length;
    set_history(out, node);
  }
  return out;
}

Tensor select_scatter_zeros(const Tensor& g, const Shape& in_sizes, int64_t dim, int64_t index) {
  Tensor out = zeros(in_sizes, g.dtype(), g.device());
  {
    GradModeGuard no_grad(false);
    Tensor row = select(out, dim, index);
    copy_(row, g);
  }
  if (should_record({&g})) {
    auto node = make_node<SelectScatterBackward>({&g});
    node->dim = dim;
    node->index = index;
    set_history(out, node);
  }
  return out;
}

struct CatBackward : Node {
  std::vector<int64_t> lengths;  // size of each input along dim (empty 1-D inputs: -1, skipped)
  int64_t dim;
  std::string name() const override { return "CatBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    std::vector<Tensor> out;
    int64_t at = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      if (lengths[i] < 0) {
        out.push_back(Tensor());
        continue;
      }
      out.push_back(next_edges[i].valid() ? slice(grads[0], dim, at, at + lengths[i], 1) : Tensor());
      at += lengths[i];
    }
    return out;
  }
};

}  // namespace

// The storage position of every element of a geometry (an int64 tensor of shape `sizes`).
Tensor storage_positions(const Shape& sizes, const Shape& strides, int64_t offset) {
  Tensor pos = scalar_tensor(Scalar(offset), ScalarType::Int64);
  for (size_t d = 0; d < sizes.size(); ++d) {
    Shape s(sizes.size(), 1);
    s[d] = sizes[d];
    Tensor r = reshape(arange(Scalar(int64_t(0)), Scalar(sizes[d]), Scalar(int64_t(1)), ScalarType::Int64, Device{}), s);
    pos = add(pos, mul(r, wrapped_scalar(Scalar(strides[d]))));
  }
  return contiguous(expand(pos, sizes));
}

namespace {

// Whether two elements of a geometry may share memory (size > 1 dims not nested by stride).
bool may_overlap(const Shape& sizes, const Shape& strides) {
  std::vector<std::pair<int64_t, int64_t>> dims;  // (|stride|, size)
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] > 1) dims.emplace_back(std::llabs(strides[d]), sizes[d]);
  }
  std::sort(dims.begin(), dims.end());
  int64_t span = 1;  // elements covered by the dims so far
  for (auto& [stride, size] : dims) {
    if (stride < span) return true;
    span = stride * size;
  }
  return false;
}

// as_strided reads storage positions directly: its gradient is scattered (accumulating, since
// output elements may share a position) into the storage span, and the input's geometry read
// back from it; where input elements share memory, each gets an equal share.
struct AsStridedBackward : Node {
  Shape in_sizes, in_strides, out_sizes, out_strides;
  int64_t in_offset = 0, out_offset = 0;
  std::string name() const override { return "AsStridedBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    if (shape_numel(in_sizes) == 0 || shape_numel(out_sizes) == 0) return {zeros(in_sizes, g.dtype(), g.device())};
    auto span = [](const Shape& sizes, const Shape& strides, int64_t off) {
      int64_t lo = off, hi = off;
      for (size_t d = 0; d < sizes.size(); ++d) {
        int64_t reach = (sizes[d] - 1) * strides[d];
        (reach < 0 ? lo : hi) += reach;
      }
      return std::pair<int64_t, int64_t>{lo, hi};
    };
    auto [in_lo, in_hi] = span(in_sizes, in_strides, in_offset);
    auto [out_lo, out_hi] = span(out_sizes, out_strides, out_offset);
    const int64_t lo = std::min(in_lo, out_lo), n = std::max(in_hi, out_hi) - lo + 1;
    Tensor out_pos = reshape(storage_positions(out_sizes, out_strides, out_offset - lo), {-1});
    Tensor in_pos = storage_positions(in_sizes, in_strides, in_offset - lo);
    Tensor storage = zeros({n}, g.dtype(), g.device());
    index_put_(storage, {out_pos}, reshape(g, {-1}), true);
    Tensor gx = index(storage, {in_pos});
    if (may_overlap(in_sizes, in_strides)) {
      Tensor count = zeros({n}, g.dtype(), g.device());
      index_put_(count, {reshape(in_pos, {-1})}, ones({shape_numel(in_sizes)}, g.dtype(), g.device()), true);
      gx = div(gx, index(count, {in_pos}));
    }
    return {gx};
  }
};

}  // namespace

void record_reshape(const Tensor& x, const Tensor& out) {
  auto node = make_node<ReshapeBackward>({&x});
  node->in_sizes = x.sizes();
  set_history(out, node);
  mark_view(x, out);
}

void record_permute(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& out) {
  auto node = make_node<PermuteBackward>({&x});
  node->inverse.assign(dims.size(), 0);
  for (size_t i = 0; i < dims.size(); ++i) node->inverse[wrap_dim(dims[i], x.dim())] = static_cast<int64_t>(i);
  set_history(out, node);
  mark_view(x, out);
}

void record_expand(const Tensor& x, const Tensor& out) {
  auto node = make_node<ExpandBackward>({&x});
  node->in_sizes = x.sizes();
  set_history(out, node);
  mark_view(x, out);
}

void record_slice(const Tensor& x, int64_t dim, int64_t start, int64_t step, const Tensor& out) {
  auto node = make_node<SliceBackward>({&x});
  node->in_sizes = x.sizes();
  node->dim = dim;
  node->start = start;
  node->step = step;
  set_history(out, node);
  mark_view(x, out);
}

void record_select(const Tensor& x, int64_t dim, int64_t index, const Tensor& out) {
  auto node = make_node<SelectBackward>({&x});
  node->in_sizes = x.sizes();
  node->dim = dim;
  node->index = index;
  set_history(out, node);
  mark_view(x, out);
}

void record_cat(const std::vector<Tensor>& inputs, int64_t dim, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node_list<CatBackward>(inputs);
  node->dim = dim;
  for (const Tensor& t : inputs) node->lengths.push_back(t.dim() == 1 && t.numel() == 0 ? -1 : t.sizes()[dim]);
  set_history(out, node);
}

std::shared_ptr<Node> make_view_node(const Tensor& base, const Tensor& view) {
  auto node = make_node<AsStridedBackward>({&base});
  node->in_sizes = base.sizes();
  node->in_strides = base.strides();
  node->in_offset = base.storage_offset();
  node->out_sizes = view.sizes();
  node->out_strides = view.strides();
  node->out_offset = view.storage_offset();
  node->outputs.push_back(OutputMeta{view.sizes(), view.dtype()});
  return node;
}

void record_as_strided(const Tensor& x, const Tensor& out) {
  auto node = make_node<AsStridedBackward>({&x});
  node->in_sizes = x.sizes();
  node->in_strides = x.strides();
  node->in_offset = x.storage_offset();
  node->out_sizes = out.sizes();
  node->out_strides = out.strides();
  node->out_offset = out.storage_offset();
  set_history(out, node);
  mark_view(x, out);
}

}  // namespace ember::autograd
