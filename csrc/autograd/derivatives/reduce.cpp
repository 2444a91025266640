// Backward formulas of the reductions.
#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

struct SumBackward : Node {
  Shape in_sizes;
  std::vector<bool> mask;
  bool keepdim;
  std::string name() const override { return "SumBackward1"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {expand(unsqueeze_reduced(grads[0], mask, keepdim), in_sizes)};
  }
};

// amax/amin: the gradient is shared evenly by the elements equal to the extremum. Reducing
// every dim (max()/min(), amax() without dim) follows torch's max(): a NaN result sends the
// gradient to the NaN elements. Along some dims it follows torch's amax: (g / count) * hit,
// which is NaN across a slice whose result is NaN.
struct ExtremumBackward : Node {
  SavedTensor x, result;
  std::vector<bool> mask;
  bool keepdim, is_max;
  std::string name() const override {
    if (full()) return is_max ? "MaxBackward1" : "MinBackward1";
    return is_max ? "AmaxBackward0" : "AminBackward0";
  }
  bool full() const {
    if (keepdim) return false;
    for (bool m : mask) {
      if (!m) return false;
    }
    return true;
  }
  bool release_saved() override {
    bool any = x.reset();
    return result.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    Tensor r = unsqueeze_reduced(result.unpack(self), mask, keepdim);
    std::vector<int64_t> dims;
    for (size_t d = 0; d < mask.size(); ++d) {
      if (mask[d]) dims.push_back(static_cast<int64_t>(d));
    }
    Tensor g = unsqueeze_reduced(grads[0], mask, keepdim);
    if (full()) {
      Tensor hit = where(binary(BinaryOp::Ne, r, r), binary(BinaryOp::Ne, xv, xv), binary(BinaryOp::Eq, xv, r));
      Tensor count = sum(hit, dims, true, xv.dtype());
      return {masked(hit, div(g, count))};
    }
    Tensor hit = binary(BinaryOp::Eq, xv, r);
    Tensor count = sum(hit, dims, true, xv.dtype());
    return {mul(div(g, count), hit)};
  }
};

// max/min along a dim: the gradient goes to the position each index points at.
struct ExtremumDimBackward : Node {
  SavedTensor indices;
  Shape in_sizes;
  int64_t dim;
  bool keepdim, is_max;
  std::string name() const override { return is_max ? "MaxBackward0" : "MinBackward0"; }
  bool release_saved() override { return indices.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor idx = indices.unpack(shared_from_this());
    Tensor g = grads[0];
    if (!keepdim && !in_sizes.empty()) {
      g = unsqueeze(g, dim);
      idx = unsqueeze(idx, dim);
    }
    if (in_sizes.empty()) return {g};  // 0-d input: the value is the input
    // one-hot along `dim`: positions equal to the index
    Shape pos_shape(in_sizes.size(), 1);
    pos_shape[dim] = in_sizes[dim];
    Tensor positions = reshape(arange(Scalar(int64_t(0)), Scalar(in_sizes[dim]), Scalar(int64_t(1)), ScalarType::Int64, idx.device()),
                               pos_shape);
    Tensor hit = binary(BinaryOp::Eq, positions, idx);
    return {where(hit, expand(g, in_sizes), num(0.0))};
  }
};

}  // namespace

void record_sum(const Tensor& x, const std::vector<bool>& mask, bool keepdim, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<SumBackward>({&x});
  node->in_sizes = x.sizes();
  node->mask = mask;
  node->keepdim = keepdim;
  set_history(out, node);
}

void record_extremum(const Tensor& x, const std::vector<bool>& mask, bool keepdim, bool is_max, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<ExtremumBackward>({&x});
  node->x = SavedTensor(x, false);
  node->mask = mask;
  node->keepdim = keepdim;
  node->is_max = is_max;
  set_history(out, node);
  node->result = SavedTensor(out, true);
}

void record_extremum_dim(const Tensor& x, int64_t dim, bool keepdim, bool is_max, const Tensor& values,
                         const Tensor& indices) {
  if (!is_floating(values.dtype())) return;
  auto node = make_node<ExtremumDimBackward>({&x});
  node->indices = SavedTensor(indices, false);
  node->in_sizes = x.sizes();
  node->dim = x.dim() == 0 ? 0 : wrap_dim(dim, x.dim());
  node->keepdim = keepdim;
  node->is_max = is_max;
  set_history(values, node);
}

}  // namespace ember::autograd
