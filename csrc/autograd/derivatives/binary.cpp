// Backward formulas of the binary elementwise ops and where. Gradients come out in the
// broadcast shape; the engine sums them back to each input's shape and dtype.
#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

// The helpers the gradient columns of kernels/binary_ops.h use, beside formulas::.
Tensor scaled(const Tensor& g, double alpha) { return alpha == 1.0 ? g : mul(g, num(alpha)); }

// a bool operand (x ** True) computes as the gradient's dtype
Tensor as_grad_dtype(const Tensor& t, const Tensor& g) {
  return t.dtype() == ScalarType::Bool ? to_dtype(t, g.dtype()) : t;
}
// An operand in the gradient's (the result's) dtype: a float16 base with a float64 exponent
// takes its log in float64, as torch computes.
Tensor in_grad_dtype(const Tensor& t, const Tensor& g) { return t.dtype() == g.dtype() ? t : to_dtype(t, g.dtype()); }
// b * a^(b-1), taken as 0 where b == 0
Tensor pow_grad_base(const Tensor& g, Tensor a, Tensor b) {
  a = in_grad_dtype(a, g);
  b = in_grad_dtype(b, g);
  Tensor d = mul(b, binary(BinaryOp::Pow, a, sub(b, num(1.0))));
  return mul(g, where(binary(BinaryOp::Eq, b, num(0.0)), num(0.0), d));
}
// a^b * log(a), taken as 0 where a == 0 and b >= 0
Tensor pow_grad_exponent(const Tensor& g, Tensor a, Tensor b, const Tensor& r) {
  a = in_grad_dtype(a, g);
  b = in_grad_dtype(b, g);
  Tensor d = mul(in_grad_dtype(r, g), unary(UnaryOp::Log, a));
  Tensor zero_base = binary(BinaryOp::LogicalAnd, binary(BinaryOp::Eq, a, num(0.0)), binary(BinaryOp::Ge, b, num(0.0)));
  return mul(g, where(zero_base, num(0.0), d));
}
// maximum/minimum: the winning input takes the gradient and ties split it evenly. As in torch, an
// input loses the gradient only where it strictly loses (`loses`: Lt for maximum, Gt for
// minimum), so a NaN passes it to both.
Tensor max_min_grad(const Tensor& g, const Tensor& self, const Tensor& other, BinaryOp loses) {
  Tensor shared = where(binary(BinaryOp::Eq, self, other), mul(g, num(0.5)), g);
  return where(binary(loses, self, other), num(0.0), shared);
}
// 1 / (a^2 + b^2), and 0 where that is 0, as torch
Tensor atan2_recip(const Tensor& a, const Tensor& b) {
  Tensor denom = add(mul(a, a), mul(b, b));
  return where(binary(BinaryOp::Eq, denom, num(0.0)), num(0.0), div(num(1.0), denom));
}
// log(b), and 0 where a == 0 and b <= 0
Tensor xlogy_grad_a(const Tensor& g, const Tensor& a, const Tensor& b) {
  Tensor zero = binary(BinaryOp::LogicalAnd, binary(BinaryOp::Eq, a, num(0.0)), binary(BinaryOp::Le, b, num(0.0)));
  return where(zero, num(0.0), binary(BinaryOp::Xlogy, g, b));
}

// fmax/fmin: the gradient goes to a where a wins (`wins`: Ge for fmax, Le for fmin) or b is NaN,
// else to b, as torch
Tensor fextremum_grad(const Tensor& g, const Tensor& a, const Tensor& b, BinaryOp wins, bool for_a) {
  Tensor to_a = binary(BinaryOp::LogicalOr, binary(wins, a, b), unary(UnaryOp::IsNan, b));
  return for_a ? where(to_a, g, num(0.0)) : where(to_a, num(0.0), g);
}
// log1p(b), and 0 where a == 0 and b <= -1
Tensor xlog1py_grad_a(const Tensor& g, const Tensor& a, const Tensor& b) {
  Tensor zero = binary(BinaryOp::LogicalAnd, binary(BinaryOp::Eq, a, num(0.0)), binary(BinaryOp::Le, b, num(-1.0)));
  return where(zero, num(0.0), binary(BinaryOp::Xlog1py, g, b));
}
// the gradient torch does not have (heaviside, nextafter, zeta in x): backward raises
Tensor not_implemented_grad(const char* op) {
  EMBER_FAIL(NotImplemented, "the derivative for '", op, "' is not implemented.");
}

struct BinaryBackward : Node {
  BinaryOp op;
  double alpha;
  SavedTensor saved_a, saved_b, saved_result;  // what the row's gradients read, for the needed ones
  bool a_number = false, b_number = false;     // an operand was a Python number (torch's overloads)
  BinaryBackward(BinaryOp op, double alpha) : op(op), alpha(alpha) {}
  std::string name() const override {
    if (op == BinaryOp::Pow) return b_number ? "PowBackward0" : a_number ? "PowBackward2" : "PowBackward1";
    if (op == BinaryOp::Sub && a_number) return "RsubBackward1";
    return binary_row(op).node;
  }
  bool release_saved() override {
    bool any = saved_a.reset();
    any = saved_b.reset() || any;
    return saved_result.reset() || any;
  }
  bool needs(size_t i) const { return next_edges[i].valid(); }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    auto self = shared_from_this();
    const Tensor a = saved_a.defined() ? saved_a.unpack(self) : Tensor();
    const Tensor b = saved_b.defined() ? saved_b.unpack(self) : Tensor();
    const Tensor r = saved_result.defined() ? saved_result.unpack(self) : Tensor();
    Tensor ga, gb;
    switch (op) {
#define EMBER_BINARY_GRADIENT(E, name, kind, formula, node, uses_a, grad_a, uses_b, grad_b) \
  case BinaryOp::E:                                                                         \
    if (needs(0)) ga = grad_a;                                                              \
    if (needs(1)) gb = grad_b;                                                              \
    break;
      EMBER_BINARY_OPS(EMBER_BINARY_GRADIENT)
#undef EMBER_BINARY_GRADIENT
    }
    return {ga, gb};
  }
};

struct WhereBackward : Node {
  SavedTensor cond;
  std::string name() const override { return "WhereBackward0"; }
  bool release_saved() override { return cond.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    Tensor c = cond.unpack(shared_from_this());
    Tensor ga = next_edges[0].valid() ? masked(c, g) : Tensor();
    Tensor gb = next_edges[1].valid() ? where(c, num(0.0), g) : Tensor();
    return {ga, gb};
  }
};

}  // namespace

void record_binary(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha, const Tensor& out) {
  // comparisons, logical and bitwise ops give no floating result and carry no gradient
  if (!is_floating(out.dtype()) || binary_row(op).node[0] == '\0') return;
  auto node = make_node<BinaryBackward>({&a, &b}, op, alpha.to_double());
  node->a_number = a.is_wrapped_number();
  node->b_number = b.is_wrapped_number();
  const BinaryRow& row = binary_row(op);
  const unsigned uses = (node->needs(0) ? row.uses_a : 0u) | (node->needs(1) ? row.uses_b : 0u);
  if (uses & kInputA) node->saved_a = SavedTensor(a, false);
  if (uses & kInputB) node->saved_b = SavedTensor(b, false);
  set_history(out, node);
  if (uses & kResult) node->saved_result = SavedTensor(out, true);
}

void record_where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  auto node = make_node<WhereBackward>({&a, &b});
  node->cond = SavedTensor(cond, false);
  set_history(out, node);
}

}  // namespace ember::autograd
