// Backward formulas of softmax/log_softmax and the scans (cumsum, cumprod).
#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

// softmax:     dx = y * (g - sum(g * y))
// log_softmax: dx = g - exp(y) * sum(g)        (sums along dim, kept)
struct SoftmaxBackward : Node {
  SavedTensor result;
  int64_t dim;
  bool log;
  std::string name() const override { return log ? "LogSoftmaxBackward0" : "SoftmaxBackward0"; }
  bool release_saved() override { return result.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor y = result.unpack(shared_from_this());
    const Tensor& g = grads[0];
    std::vector<int64_t> dims{dim};
    if (log) return {sub(g, mul(unary(UnaryOp::Exp, y), sum(g, dims, true, std::nullopt)))};
    return {mul(y, sub(g, sum(mul(g, y), dims, true, std::nullopt)))};
  }
};

// var_mean: dx = g_var * 2 (x - mean) / (n - correction) + g_mean / n, each broadcast over the
// reduced dims (n: the number of elements reduced into each output)
struct VarMeanBackward : Node {
  SavedTensor x, mean;
  std::vector<bool> mask;
  bool keepdim;
  double correction;
  std::string name() const override { return "VarMeanBackward0"; }
  bool release_saved() override {
    bool any = x.reset();
    return mean.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    int64_t n = 1;
    for (size_t d = 0; d < mask.size(); ++d) {
      if (mask[d]) n *= xv.sizes()[d];
    }
    Tensor gx;
    if (grads[0].defined()) {
      Tensor mu = unsqueeze_reduced(mean.unpack(self), mask, keepdim);
      // torch divides by n - correction as it is (a negative divisor gives finite gradients)
      const double scale = 2.0 / (static_cast<double>(n) - correction);
      gx = mul(unsqueeze_reduced(grads[0], mask, keepdim), mul(sub(xv, mu), num(scale)));
    }
    if (grads.size() > 1 && grads[1].defined()) {
      Tensor gm = expand(div(unsqueeze_reduced(grads[1], mask, keepdim), num(static_cast<double>(n))), xv.sizes());
      gx = gx.defined() ? add(gx, gm) : gm;
    }
    return {gx};
  }
};

// std = sqrt(var): dvar = g / (2 std), and 0 where std is 0 (a constant input), as torch's
// std_backward; plain sqrt's rule would give 0 * inf = NaN there.
struct StdBackward : Node {
  SavedTensor result;
  std::string name() const override { return "StdBackward0"; }
  bool release_saved() override { return result.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor sd = result.unpack(shared_from_this());
    return {where(binary(BinaryOp::Eq, sd, num(0.0)), num(0.0), div(grads[0], mul(sd, num(2.0))))};
  }
};

// sum over positions >= i along dim: total - inclusive prefix + self
Tensor reverse_cumsum(const Tensor& g, int64_t dim) {
  return add(sub(sum(g, {dim}, true, std::nullopt), cumsum(g, dim, std::nullopt)), g);
}

// cumsum: dx = reverse_cumsum(g); cumprod: dx = reverse_cumsum(g * y) / x where x has no zeros,
// and, where it does, the exact sum over the outputs that include x_i of g_k * prod_{j<=k, j!=i} x_j.
struct ScanBackward : Node {
  SavedTensor x, result;
  int64_t dim;
  bool is_prod;
  std::string name() const override { return is_prod ? "CumprodBackward0" : "CumsumBackward0"; }
  bool release_saved() override {
    bool any = x.reset();
    return result.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    if (g.dim() == 0) return {g};
    if (!is_prod) return {reverse_cumsum(g, dim)};
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    Tensor y = result.unpack(self);
    Tensor nonzero = binary(BinaryOp::Ne, xv, num(0.0));
    Tensor safe_x = where(nonzero, xv, num(1.0));
    Tensor fast = div(reverse_cumsum(mul(g, y), dim), safe_x);
    // exact for every element, O(n^2): column i of the product of x with x_i replaced by 1
    int64_t n = xv.sizes()[dim];
    std::vector<Tensor> cols;
    cols.reserve(n);
    bool any_zero = false;
    {
      GradModeGuard no(false);
      any_zero = sum(binary(BinaryOp::Eq, xv, num(0.0)), {}, false, ScalarType::Int64).data<int64_t>()[0] > 0;
    }
    if (!any_zero) return {fast};
    Shape pos_shape(xv.dim(), 1);
    pos_shape[dim] = n;
    Tensor pos = reshape(arange(Scalar(int64_t(0)), Scalar(n), Scalar(int64_t(1)), ScalarType::Int64, xv.device()), pos_shape);
    for (int64_t i = 0; i < n; ++i) {
      Tensor is_i = binary(BinaryOp::Eq, pos, wrapped_scalar(Scalar(i)));
      Tensor xi1 = where(is_i, num(1.0), xv);               // x with x_i set to 1
      Tensor p = cumprod(xi1, dim, std::nullopt);           // prod_{j<=k, j!=i} x_j (for k >= i)
      Tensor after = binary(BinaryOp::Ge, pos, wrapped_scalar(Scalar(i)));
      cols.push_back(sum(masked(after, mul(g, p)), {dim}, true, std::nullopt));
    }
    return {cat(cols, dim)};
  }
};

}  // namespace

void record_softmax(const Tensor& x, int64_t dim, bool log, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<SoftmaxBackward>({&x});
  node->dim = dim;
  node->log = log;
  set_history(out, node);
  node->result = SavedTensor(out, true);
}

void record_scan(const Tensor& x, int64_t dim, bool is_prod, const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  auto node = make_node<ScanBackward>({&x});
  node->dim = dim;
  node->is_prod = is_prod;
  if (is_prod) node->x = SavedTensor(x, false);
  set_history(out, node);
  if (is_prod) node->result = SavedTensor(out, true);
}

void record_var_mean(const Tensor& x, const std::vector<bool>& mask, bool keepdim, double correction,
                     const Tensor& var, const Tensor& mean) {
  auto node = make_node<VarMeanBackward>({&x});
  node->x = SavedTensor(x, false);
  node->mask = mask;
  node->keepdim = keepdim;
  node->correction = correction;
  set_history(var, node, 0);
  set_history(mean, node, 1);
  node->mean = SavedTensor(mean, true);
}

void record_std(const Tensor& var, const Tensor& out) {
  auto node = make_node<StdBackward>({&var});
  set_history(out, node);
  node->result = SavedTensor(out, true);
}

}  // namespace ember::autograd
