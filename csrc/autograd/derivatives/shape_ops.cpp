// Backward formulas of the second batch of shape ops. Each is another shape op, so double
// backward records again: flip and roll undo themselves, diagonal and diag_embed are each
// other's adjoints, a constant pad is undone by the opposite pad, and an index-mapping pad
// (reflect, replicate, circular) sums its gradient back, whose adjoint is the pad again.
#include "autograd/derivatives/shape_ops.h"

#include "autograd/derivatives/derivatives.h"

namespace ember::autograd {

namespace {

struct TriangleBackward : Node {
  int64_t diagonal = 0;
  bool lower = true;
  std::string name() const override { return lower ? "TrilBackward0" : "TriuBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {lower ? tril(grads[0], diagonal) : triu(grads[0], diagonal)};
  }
};

struct DiagonalBackward : Node {
  Shape in_sizes;
  int64_t offset = 0, dim1 = 0, dim2 = 0;
  std::string name() const override { return "DiagonalBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {diagonal_scatter_zeros(grads[0], in_sizes, offset, dim1, dim2)};
  }
};

struct DiagonalScatterBackward : Node {
  int64_t offset = 0, dim1 = 0, dim2 = 0;
  std::string name() const override { return "DiagEmbedBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {diagonal(grads[0], offset, dim1, dim2)};
  }
};

struct FlipBackward : Node {
  std::vector<int64_t> dims;
  std::string name() const override { return "FlipBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override { return {flip(grads[0], dims)}; }
};

struct RollBackward : Node {
  std::vector<int64_t> shifts, dims;
  std::string name() const override { return "RollBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    if (dims.empty()) return {grads[0]};  // every shift was a whole turn
    std::vector<int64_t> back;
    for (int64_t s : shifts) back.push_back(-s);
    return {roll(grads[0], back, dims)};
  }
};

struct ConstantPadBackward : Node {
  std::vector<int64_t> pad;
  std::string name() const override { return "ConstantPadNdBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    std::vector<int64_t> back;
    for (int64_t p : pad) back.push_back(-p);
    return {ember::pad(grads[0], back, PadMode::Constant, Scalar(int64_t(0)))};
  }
};

const char* index_pad_name(PadMode mode, size_t npad, bool backward) {
  static const char* names[3][3][2] = {
      {{"ReflectionPad1DBackward0", "ReflectionPad1DBackwardBackward0"},
       {"ReflectionPad2DBackward0", "ReflectionPad2DBackwardBackward0"},
       {"ReflectionPad3DBackward0", "ReflectionPad3DBackwardBackward0"}},
      {{"ReplicationPad1DBackward0", "ReplicationPad1DBackwardBackward0"},
       {"ReplicationPad2DBackward0", "ReplicationPad2DBackwardBackward0"},
       {"ReplicationPad3DBackward0", "ReplicationPad3DBackwardBackward0"}},
      {{"CircularPad1DBackward0", "CircularPad1DBackwardBackward0"},
       {"CircularPad2DBackward0", "CircularPad2DBackwardBackward0"},
       {"CircularPad3DBackward0", "CircularPad3DBackwardBackward0"}},
  };
  int m = mode == PadMode::Reflect ? 0 : mode == PadMode::Replicate ? 1 : 2;
  return names[m][npad / 2 - 1][backward ? 1 : 0];
}

struct IndexPadBackward : Node {
  Shape in_sizes;
  std::vector<int64_t> pad;
  PadMode mode = PadMode::Reflect;
  std::string name() const override { return index_pad_name(mode, pad.size(), false); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {pad_backward(grads[0], in_sizes, pad, mode)};
  }
};

struct PadBackwardBackward : Node {
  std::vector<int64_t> pad;
  PadMode mode = PadMode::Reflect;
  std::string name() const override { return index_pad_name(mode, pad.size(), true); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {ember::pad(grads[0], pad, mode, std::nullopt)};
  }
};

}  // namespace

void record_triangle(const Tensor& x, int64_t diagonal, bool lower, const Tensor& out) {
  auto node = make_node<TriangleBackward>({&x});
  node->diagonal = diagonal;
  node->lower = lower;
  set_history(out, node);
}

void record_diagonal(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2, const Tensor& out) {
  auto node = make_node<DiagonalBackward>({&x});
  node->in_sizes = x.sizes();
  node->offset = offset;
  node->dim1 = dim1;
  node->dim2 = dim2;
  set_history(out, node);
  mark_view(x, out);
}

void record_diagonal_scatter(const Tensor& src, int64_t offset, int64_t dim1, int64_t dim2, const Tensor& out) {
  auto node = make_node<DiagonalScatterBackward>({&src});
  node->offset = offset;
  node->dim1 = dim1;
  node->dim2 = dim2;
  set_history(out, node);
}

void record_flip(const Tensor& x, const std::vector<int64_t>& dims, const Tensor& out) {
  auto node = make_node<FlipBackward>({&x});
  node->dims = dims;
  set_history(out, node);
}

void record_roll(const Tensor& x, const std::vector<int64_t>& shifts, const std::vector<int64_t>& dims,
                 const Tensor& out) {
  auto node = make_node<RollBackward>({&x});
  node->shifts = shifts;
  node->dims = dims;
  set_history(out, node);
}

void record_constant_pad(const Tensor& x, const std::vector<int64_t>& pad, const Tensor& out) {
  auto node = make_node<ConstantPadBackward>({&x});
  node->pad = pad;
  set_history(out, node);
}

void record_index_pad(const Tensor& x, const std::vector<int64_t>& pad, PadMode mode, const Tensor& out) {
  auto node = make_node<IndexPadBackward>({&x});
  node->in_sizes = x.sizes();
  node->pad = pad;
  node->mode = mode;
  set_history(out, node);
}

void record_pad_backward(const Tensor& grad, const Shape& in_sizes, const std::vector<int64_t>& pad, PadMode mode,
                         const Tensor& out) {
  (void)in_sizes;  // the pad of the gradient's gradient recovers the shape
  auto node = make_node<PadBackwardBackward>({&grad});
  node->pad = pad;
  node->mode = mode;
  set_history(out, node);
}

}  // namespace ember::autograd
