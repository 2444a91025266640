// Backward formulas of the unary elementwise ops and clamp.
#include "autograd/derivatives/common.h"
#include "ops/activation.h"

namespace ember::autograd {

using namespace formulas;

namespace {

// The helpers the gradient column of kernels/unary_ops.h uses, beside formulas::.
Tensor sq(const Tensor& t) { return mul(t, t); }
Tensor rsqrt(const Tensor& t) { return unary(UnaryOp::Rsqrt, t); }
// sign(x) * g, with 0 at x == 0
Tensor abs_grad(const Tensor& g, const Tensor& x) {
  Tensor pos = binary(BinaryOp::Gt, x, num(0.0)), negv = binary(BinaryOp::Lt, x, num(0.0));
  return where(pos, g, where(negv, neg(g), num(0.0)));
}
// d sinc(x) / dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2), and 0 where pi x^2 is 0 (torch's
// arrangement, so float32 rounds as torch's does near sinc's extrema)
Tensor sinc_grad(const Tensor& x) {
  Tensor px = mul(x, num(kPi)), px2 = mul(px, x);
  Tensor d = div(sub(mul(px, unary(UnaryOp::Cos, px)), unary(UnaryOp::Sin, px)), px2);
  return where(binary(BinaryOp::Eq, px2, num(0.0)), num(0.0), d);
}
// g / (x (1 - x)), NaN outside [0, 1] as torch (logit's eps form clamps first, so its gradient is 0 there)
Tensor logit_grad(const Tensor& g, const Tensor& x) {
  Tensor outside = binary(BinaryOp::LogicalOr, binary(BinaryOp::Lt, x, num(0.0)), binary(BinaryOp::Gt, x, num(1.0)));
  // |x| (1 - x): the same inside [0, 1], and -0.0 counts as 0.0 (an infinite gradient's sign, as torch)
  return where(outside, num(std::nan("")), div(g, mul(unary(UnaryOp::Abs, x), sub(num(1.0), x))));
}

// The special functions' derivatives (torch's formulas)
Tensor polygamma_of(int n, const Tensor& x) { return binary(BinaryOp::Polygamma, num(n), x); }
// d i0e / dx = i1e(x) - sgn(x) i0e(x)
Tensor i0e_grad(const Tensor& g, const Tensor& x) {
  return mul(g, sub(unary(UnaryOp::I1e, x), mul(unary(UnaryOp::Sgn, x), unary(UnaryOp::I0e, x))));
}
// x != 0 and not NaN: where the i1 gradients take their formula (torch gives 1/2 elsewhere, NaN included)
Tensor nonzero_number(const Tensor& x) { return binary(BinaryOp::Gt, unary(UnaryOp::Abs, x), num(0.0)); }
// d i1 / dx = i0(x) - i1(x) / x, 1/2 at 0
Tensor i1_grad(const Tensor& g, const Tensor& x) {
  return mul(g, where(nonzero_number(x), sub(unary(UnaryOp::I0, x), div(unary(UnaryOp::I1, x), x)), num(0.5)));
}
// d i1e / dx = i0e(x) - i1e(x) (sgn(x) + 1 / x), 1/2 at 0
Tensor i1e_grad(const Tensor& g, const Tensor& x) {
  Tensor d = sub(unary(UnaryOp::I0e, x),
                 mul(unary(UnaryOp::I1e, x), add(unary(UnaryOp::Sgn, x), unary(UnaryOp::Reciprocal, x))));
  return mul(g, where(nonzero_number(x), d, num(0.5)));
}
// the standard normal density exp(-x^2 / 2) / sqrt(2 pi)
Tensor normal_pdf(const Tensor& x) {
  return mul(num(kInvSqrt2Pi), unary(UnaryOp::Exp, mul(sq(x), num(-0.5))));
}
// d log ndtr / dx = pdf(x) / ndtr(x), formed in log space so that it holds far in the left tail
Tensor log_ndtr_grad(const Tensor& g, const Tensor& x) {
  Tensor log_ratio = sub(mul(sq(x), num(-0.5)), unary(UnaryOp::LogNdtr, x));
  return mul(g, mul(num(kInvSqrt2Pi), unary(UnaryOp::Exp, log_ratio)));
}
// d erfcx / dx = 2 x erfcx(x) - 2 / sqrt(pi)
Tensor erfcx_grad(const Tensor& g, const Tensor& x) {
  return mul(g, sub(mul(mul(x, num(2.0)), unary(UnaryOp::Erfcx, x)), num(kTwoOverSqrtPi)));
}

// g where the result is > 0, else 0: threshold's fused backward kernel at 0, one pass (itself
// differentiable in g, for double backward)
Tensor relu_grad(const Tensor& g, const Tensor& s) {
  return activation_backward(ActivationOp::Threshold, g, s, ActivationParams{0.0, 0.0, 0.0});
}

struct UnaryBackward : Node {
  UnaryOp op;
  SavedTensor saved;  // the input or the result, as the op's row says
  explicit UnaryBackward(UnaryOp op) : op(op) {}
  std::string name() const override { return unary_row(op).node; }
  bool release_saved() override { return saved.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    const Tensor s = unary_row(op).saves == UnarySaves::Nothing ? Tensor() : saved.unpack(shared_from_this());
    switch (op) {
#define EMBER_UNARY_GRADIENT(E, name, kind, formula, node, saves, gradient) \
  case UnaryOp::E:                                                          \
    return {gradient};
      EMBER_UNARY_OPS(EMBER_UNARY_GRADIENT)
#undef EMBER_UNARY_GRADIENT
    }
    EMBER_FAIL(Runtime, name(), ": no derivative");
  }
};

struct ClampBackward : Node {
  SavedTensor x, lo, hi;
  bool has_lo, has_hi;
  bool tensor_bounds = false;  // clamp(x, min=tensor...) is torch's ClampBackward0
  std::string name() const override { return tensor_bounds ? "ClampBackward0" : "ClampBackward1"; }
  bool release_saved() override {
    bool any = x.reset();
    any = lo.reset() || any;
    return hi.reset() || any;
  }
  // torch's subgradients: x gets the gradient where lo <= x <= hi; a bound gets it where it
  // is the result (x beyond it; with min > max the result is always max).
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    Tensor l = has_lo ? lo.unpack(self) : Tensor();
    Tensor h = has_hi ? hi.unpack(self) : Tensor();
    Tensor inside;
    if (has_lo && has_hi) {
      inside = binary(BinaryOp::LogicalAnd, binary(BinaryOp::Ge, xv, l), binary(BinaryOp::Le, xv, h));
    } else if (has_lo) {
      inside = binary(BinaryOp::Ge, xv, l);
    } else if (has_hi) {
      inside = binary(BinaryOp::Le, xv, h);
    }
    std::vector<Tensor> r{inside.defined() ? masked(inside, g) : g};
    if (has_lo) {
      Tensor below = binary(BinaryOp::Lt, xv, l);
      if (has_hi) below = binary(BinaryOp::LogicalAnd, below, binary(BinaryOp::Lt, l, h));
      r.push_back(next_edges[1].valid() ? masked(below, g) : Tensor());
    }
    if (has_hi) {
      Tensor above = binary(BinaryOp::Gt, xv, h);
      if (has_lo) above = binary(BinaryOp::LogicalOr, above, binary(BinaryOp::Lt, h, l));
      r.push_back(next_edges[r.size()].valid() ? masked(above, g) : Tensor());
    }
    return r;
  }
};

}  // namespace

void record_unary(UnaryOp op, const Tensor& x, const Tensor& out) {
  if (!is_floating(out.dtype())) return;  // logical/bitwise results carry no gradient
  auto node = make_node<UnaryBackward>({&x}, op);
  if (unary_row(op).saves == UnarySaves::Input) node->saved = SavedTensor(x, false);
  set_history(out, node);
  if (unary_row(op).saves == UnarySaves::Result) node->saved = SavedTensor(out, true);  // after set_history
}

void record_clamp(const Tensor& x, const std::optional<Tensor>& lo, const std::optional<Tensor>& hi,
                  const Tensor& out) {
  if (!is_floating(out.dtype())) return;
  std::vector<Tensor> inputs{x};
  if (lo) inputs.push_back(*lo);
  if (hi) inputs.push_back(*hi);
  auto node = make_node_list<ClampBackward>(inputs);
  node->x = SavedTensor(x, false);
  node->has_lo = lo.has_value();
  node->has_hi = hi.has_value();
  node->tensor_bounds = (lo && !lo->is_wrapped_number()) || (hi && !hi->is_wrapped_number());
  if (lo) node->lo = SavedTensor(*lo, false);
  if (hi) node->hi = SavedTensor(*hi, false);
  set_history(out, node);
}

}  // namespace ember::autograd
