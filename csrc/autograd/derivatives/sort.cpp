// Backward formulas of sorting/selection, norms, cummax/cummin and logcumsumexp.
#include "autograd/derivatives/sort.h"

#include <cmath>
#include <limits>
#include <string>

#include "autograd/derivatives/common.h"
#include "ops/sort.h"

namespace ember::autograd {

using namespace formulas;

namespace {

// sign(x) as x's dtype (a constant for the gradient)
Tensor sign_of(const Tensor& x) {
  GradModeGuard no(false);
  return sub(to_dtype(binary(BinaryOp::Gt, x, num(0.0)), x.dtype()),
             to_dtype(binary(BinaryOp::Lt, x, num(0.0)), x.dtype()));
}

struct IndexValuesBackward : Node {
  SavedTensor indices;
  Shape in_sizes;
  int64_t dim;
  bool keepdim;
  std::string label;
  std::string name() const override { return label; }
  bool release_saved() override { return indices.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor g = grads[0];
    if (in_sizes.empty()) return {reshape(g, Shape{})};  // 0-d: the value is the input
    Tensor idx = indices.unpack(shared_from_this());
    if (!keepdim) {
      g = unsqueeze(g, dim);
      idx = unsqueeze(idx, dim);
    }
    return {scatter_add(zeros(in_sizes, g.dtype(), g.device()), dim, idx, g)};
  }
};

// g * hit / count, hit = (x == result), or x's NaNs when the result is NaN
struct EvenlyBackward : Node {
  SavedTensor x, result;
  std::string label;
  std::string name() const override { return label; }
  bool release_saved() override {
    bool any = x.reset();
    return result.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    Tensor r = result.unpack(self);
    Tensor hit = where(binary(BinaryOp::Ne, r, r), binary(BinaryOp::Ne, xv, xv), binary(BinaryOp::Eq, xv, r));
    Tensor count = sum(hit, {}, false, xv.dtype());
    return {masked(hit, div(grads[0], count))};
  }
};

struct NormBackward : Node {
  SavedTensor x, result;
  std::vector<bool> mask;
  bool keepdim;
  double ord;
  std::string name() const override { return "LinalgVectorNormBackward0"; }
  bool release_saved() override {
    bool any = x.reset();
    return result.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    if (ord == 0.0) return {zeros(xv.sizes(), xv.dtype(), xv.device())};
    Tensor r = unsqueeze_reduced(result.unpack(self), mask, keepdim);
    Tensor g = unsqueeze_reduced(grads[0], mask, keepdim);
    Tensor sgn = sign_of(xv);
    if (ord == 1.0) return {mul(g, sgn)};
    Tensor zero_norm = binary(BinaryOp::Eq, r, num(0.0));
    if (ord == 2.0) return {mul(g, where(zero_norm, num(0.0), div(xv, r)))};
    if (std::isinf(ord)) {
      std::vector<int64_t> dims;
      for (size_t d = 0; d < mask.size(); ++d) {
        if (mask[d]) dims.push_back(static_cast<int64_t>(d));
      }
      if (dims.empty() && !mask.empty()) dims.push_back(0);
      Tensor hit = binary(BinaryOp::Eq, unary(UnaryOp::Abs, xv), r);
      Tensor count = mask.empty() ? to_dtype(hit, xv.dtype()) : sum(hit, dims, true, xv.dtype());
      return {mul(div(g, count), masked(hit, sgn))};
    }
    // |x|^(p-1) sign(x) / norm^(p-1)
    Tensor scaled = mul(sgn, binary(BinaryOp::Pow, unary(UnaryOp::Abs, xv), num(ord - 1.0)));
    Tensor denom = binary(BinaryOp::Pow, r, num(ord - 1.0));
    return {mul(g, where(zero_norm, num(0.0), div(scaled, denom)))};
  }
};

// Reverses `t` along `dim`.
Tensor flip_dim(const Tensor& t, int64_t dim) {
  int64_t n = t.sizes()[dim];
  Tensor idx = arange(Scalar(n - 1), Scalar(int64_t(-1)), Scalar(int64_t(-1)), ScalarType::Int64, t.device());
  return index_select(t, dim, idx);
}

// dx_i = sum_{k >= i} g_k exp(x_i - y_k), computed in log space for the positive and the
// negative parts of g (a reversed logcumsumexp), so nothing overflows.
struct LogcumsumexpBackward : Node {
  SavedTensor x, result;
  int64_t dim;
  std::string name() const override { return "LogcumsumexpBackward0"; }
  bool release_saved() override {
    bool any = x.reset();
    return result.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    if (g.dim() == 0) return {g};
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    Tensor y = result.unpack(self);
    // both parts get the same tiny eps added to every g_k (so no log(0)), which cancels
    double eps = static_cast<double>(std::numeric_limits<float>::min());
    if (xv.dtype() == ScalarType::Float64) eps = std::numeric_limits<double>::min();
    if (xv.dtype() == ScalarType::Float16) eps = 6.103515625e-05;  // the smallest normal half
    auto part = [&](const Tensor& magnitude) {
      Tensor lg = unary(UnaryOp::Log, add(magnitude, num(eps)));
      Tensor s = flip_dim(logcumsumexp(flip_dim(sub(lg, y), dim), dim), dim);
      return unary(UnaryOp::Exp, add(xv, s));
    };
    Tensor pos = part(masked(binary(BinaryOp::Gt, g, num(0.0)), g));
    Tensor negp = part(masked(binary(BinaryOp::Lt, g, num(0.0)), neg(g)));
    return {sub(pos, negp)};
  }
};

// nansum: g where x is not NaN (a product, as torch: an infinite g gives NaN at NaNs)
struct NansumBackward : Node {
  SavedTensor x;
  std::vector<bool> mask;
  bool keepdim;
  std::string name() const override { return "NansumBackward0"; }
  bool release_saved() override { return x.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor xv = x.unpack(shared_from_this());
    Tensor g = expand(unsqueeze_reduced(grads[0], mask, keepdim), xv.sizes());
    return {mul(g, to_dtype(binary(BinaryOp::Eq, xv, xv), g.dtype()))};
  }
};

struct NotDifferentiable : Node {
  std::string op;
  std::string name() const override { return "NotImplemented"; }
  std::vector<Tensor> apply(std::vector<Tensor>&&) override {
    EMBER_FAIL(NotImplemented, "the derivative for '", op, "' is not implemented.");
  }
};

}  // namespace

void record_index_values(const char* name, const Tensor& x, int64_t dim, bool keepdim, const Tensor& values,
                         const Tensor& indices) {
  if (!is_floating(values.dtype())) return;
  auto node = make_node<IndexValuesBackward>({&x});
  node->indices = SavedTensor(indices, false);
  node->in_sizes = x.sizes();
  node->dim = x.dim() == 0 ? 0 : wrap_dim(dim, x.dim());
  node->keepdim = keepdim;
  node->label = name;
  set_history(values, node);
}

void record_evenly(const char* name, const Tensor& x, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<EvenlyBackward>({&x});
  node->x = SavedTensor(x, false);
  node->label = name;
  set_history(out, node);
  node->result = SavedTensor(out, true);
}

void record_norm(const Tensor& x, const std::vector<bool>& mask, bool keepdim, double ord, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<NormBackward>({&x});
  node->x = SavedTensor(x, false);
  node->mask = mask;
  node->keepdim = keepdim;
  node->ord = ord;
  set_history(out, node);
  node->result = SavedTensor(out, true);
}

void record_logcumsumexp(const Tensor& x, int64_t dim, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<LogcumsumexpBackward>({&x});
  node->x = SavedTensor(x, false);
  node->dim = dim;
  set_history(out, node);
  node->result = SavedTensor(out, true);
}

void record_nansum(const Tensor& x, const std::vector<bool>& mask, bool keepdim, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<NansumBackward>({&x});
  node->x = SavedTensor(x, false);
  node->mask = mask;
  node->keepdim = keepdim;
  set_history(out, node);
}

void record_not_differentiable(const char* name, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outs) {
  auto node = make_node_list<NotDifferentiable>(inputs);
  node->op = name;
  uint32_t nr = 0;
  for (const Tensor& o : outs) {
    if (o.defined() && is_floating(o.dtype())) set_history(o, node, nr++);
  }
}

}  // namespace ember::autograd
