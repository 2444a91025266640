// Backward formulas of views and shape ops. Slicing-like views scatter their gradient into
// zeros of the input's shape; that scatter records its own node, whose backward slices again,
// so double backward works.
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
  Tensor out = zeros(in_sizes, g.dtype());
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
  Tensor out = zeros(in_sizes, g.dtype());
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

void record_reshape(const Tensor& x, const Tensor& out) {
  auto node = make_node<ReshapeBackward>({&x});
  node->in_sizes = x.sizes();
  set_history(out, node);
}

void record_permute(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& out) {
  auto node = make_node<PermuteBackward>({&x});
  node->inverse.assign(dims.size(), 0);
  for (size_t i = 0; i < dims.size(); ++i) node->inverse[wrap_dim(dims[i], x.dim())] = static_cast<int64_t>(i);
  set_history(out, node);
}

void record_expand(const Tensor& x, const Tensor& out) {
  auto node = make_node<ExpandBackward>({&x});
  node->in_sizes = x.sizes();
  set_history(out, node);
}

void record_slice(const Tensor& x, int64_t dim, int64_t start, int64_t step, const Tensor& out) {
  auto node = make_node<SliceBackward>({&x});
  node->in_sizes = x.sizes();
  node->dim = dim;
  node->start = start;
  node->step = step;
  set_history(out, node);
}

void record_select(const Tensor& x, int64_t dim, int64_t index, const Tensor& out) {
  auto node = make_node<SelectBackward>({&x});
  node->in_sizes = x.sizes();
  node->dim = dim;
  node->index = index;
  set_history(out, node);
}

void record_cat(const std::vector<Tensor>& inputs, int64_t dim, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node_list<CatBackward>(inputs);
  node->dim = dim;
  for (const Tensor& t : inputs) node->lengths.push_back(t.dim() == 1 && t.numel() == 0 ? -1 : t.sizes()[dim]);
  set_history(out, node);
}

void record_as_strided(const Tensor& x, const Tensor& out) {
  EMBER_FAIL(NotImplemented, "as_strided: autograd through as_strided is not implemented yet (input requires grad)");
}

}  // namespace ember::autograd
