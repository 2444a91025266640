// Backward formulas of the binary elementwise ops and where. Gradients come out in the
// broadcast shape; the engine sums them back to each input's shape and dtype.
#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

const char* binary_node_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "AddBackward0";
    case BinaryOp::Sub: return "SubBackward0";
    case BinaryOp::Mul: return "MulBackward0";
    case BinaryOp::Div: return "DivBackward0";
    case BinaryOp::DivTrunc:
    case BinaryOp::DivFloor: return "DivBackward1";
    case BinaryOp::Remainder: return "RemainderBackward0";
    case BinaryOp::Pow: return "PowBackward1";
    case BinaryOp::Maximum: return "MaximumBackward0";
    case BinaryOp::Minimum: return "MinimumBackward0";
    case BinaryOp::Atan2: return "Atan2Backward0";
    case BinaryOp::Fmod: return "FmodBackward0";
    case BinaryOp::Hypot: return "HypotBackward0";
    case BinaryOp::LogAddExp: return "LogaddexpBackward0";
    case BinaryOp::LogAddExp2: return "Logaddexp2Backward0";
    case BinaryOp::Xlogy: return "XlogyBackward0";
    case BinaryOp::Copysign: return "CopysignBackward0";
    default: return "BinaryBackward";
  }
}

struct BinaryBackward : Node {
  BinaryOp op;
  Scalar alpha;
  SavedTensor a, b, result;
  bool a_number = false, b_number = false;  // an operand was a Python number (torch's overloads)
  BinaryBackward(BinaryOp op, Scalar alpha) : op(op), alpha(alpha) {}
  std::string name() const override {
    if (op == BinaryOp::Pow) return b_number ? "PowBackward0" : a_number ? "PowBackward2" : "PowBackward1";
    if (op == BinaryOp::Sub && a_number) return "RsubBackward1";
    return binary_node_name(op);
  }
  bool release_saved() override {
    bool any = a.reset();
    any = b.reset() || any;
    return result.reset() || any;
  }
  bool needs(size_t i) const { return next_edges[i].valid(); }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    auto self = shared_from_this();
    Tensor ga, gb;
    switch (op) {
      case BinaryOp::Add:
      case BinaryOp::Sub: {
        ga = g;
        if (needs(1)) {
          double al = alpha.to_double() * (op == BinaryOp::Sub ? -1.0 : 1.0);
          gb = al == 1.0 ? g : mul(g, num(al));
        }
        break;
      }
      case BinaryOp::Mul:
        if (needs(0)) ga = mul(g, b.unpack(self));
        if (needs(1)) gb = mul(g, a.unpack(self));
        break;
      case BinaryOp::Div: {
        Tensor bv = b.unpack(self);
        if (needs(0)) ga = div(g, bv);
        if (needs(1)) gb = neg(mul(g, div(a.unpack(self), mul(bv, bv))));
        break;
      }
      case BinaryOp::DivTrunc:
      case BinaryOp::DivFloor:
        // piecewise constant: zero gradient almost everywhere, as in torch
        if (needs(0)) ga = zeros_like(g);
        if (needs(1)) gb = zeros_like(g);
        break;
      case BinaryOp::Remainder:
        ga = g;
        if (needs(1)) gb = neg(mul(g, binary(BinaryOp::DivFloor, a.unpack(self), b.unpack(self))));
        break;
      case BinaryOp::Pow: {
        Tensor av = a.unpack(self), bv = b.unpack(self);
        // a bool operand (x ** True) computes as the gradient's dtype
        if (av.dtype() == ScalarType::Bool) av = to_dtype(av, g.dtype());
        if (bv.dtype() == ScalarType::Bool) bv = to_dtype(bv, g.dtype());
        if (needs(0)) {  // b * a^(b-1), taken as 0 where b == 0
          Tensor d = mul(bv, binary(BinaryOp::Pow, av, sub(bv, num(1.0))));
          ga = mul(g, where(binary(BinaryOp::Eq, bv, num(0.0)), num(0.0), d));
        }
        if (needs(1)) {  // a^b * log(a), taken as 0 where a == 0 and b >= 0
          Tensor r = result.unpack(self);
          Tensor d = mul(r, unary(UnaryOp::Log, av));
          Tensor zero_base = binary(BinaryOp::LogicalAnd, binary(BinaryOp::Eq, av, num(0.0)),
                                    binary(BinaryOp::Ge, bv, num(0.0)));
          gb = mul(g, where(zero_base, num(0.0), d));
        }
        break;
      }
      case BinaryOp::Maximum:
      case BinaryOp::Minimum: {
        // the larger (smaller) input takes the gradient; ties split it evenly. As in torch, an
        // input loses the gradient only where it strictly loses, so a NaN passes it to both.
        Tensor av = a.unpack(self), bv = b.unpack(self);
        BinaryOp loses = op == BinaryOp::Maximum ? BinaryOp::Lt : BinaryOp::Gt;
        Tensor shared = where(binary(BinaryOp::Eq, av, bv), mul(g, num(0.5)), g);
        if (needs(0)) ga = where(binary(loses, av, bv), num(0.0), shared);
        if (needs(1)) gb = where(binary(loses, bv, av), num(0.0), shared);
        break;
      }
      case BinaryOp::Atan2: {  // d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2); 0 where a^2 + b^2 is 0, as torch
        Tensor av = a.unpack(self), bv = b.unpack(self);
        Tensor denom = add(mul(av, av), mul(bv, bv));
        Tensor recip = where(binary(BinaryOp::Eq, denom, num(0.0)), num(0.0), div(num(1.0), denom));
        if (needs(0)) ga = mul(mul(g, bv), recip);
        if (needs(1)) gb = mul(mul(g, neg(av)), recip);
        break;
      }
      case BinaryOp::Fmod:  // a - trunc(a / b) * b
        ga = g;
        if (needs(1)) gb = neg(mul(g, binary(BinaryOp::DivTrunc, a.unpack(self), b.unpack(self))));
        break;
      case BinaryOp::Hypot: {
        Tensor r = result.unpack(self);
        if (needs(0)) ga = mul(g, div(a.unpack(self), r));
        if (needs(1)) gb = mul(g, div(b.unpack(self), r));
        break;
      }
      case BinaryOp::LogAddExp:
      case BinaryOp::LogAddExp2: {  // d/da = 1 / (1 + base^(b - a)), symmetric for b
        Tensor av = a.unpack(self), bv = b.unpack(self);
        auto part = [&](const Tensor& x, const Tensor& y) {
          Tensor e = op == BinaryOp::LogAddExp ? unary(UnaryOp::Exp, sub(y, x)) : binary(BinaryOp::Pow, num(2.0), sub(y, x));
          return div(g, add(e, num(1.0)));
        };
        if (needs(0)) ga = part(av, bv);
        if (needs(1)) gb = part(bv, av);
        break;
      }
      case BinaryOp::Xlogy: {  // d/da = log(b) (0 where a == 0 and b <= 0), d/db = a / b
        Tensor av = a.unpack(self), bv = b.unpack(self);
        if (needs(0)) {
          Tensor zero = binary(BinaryOp::LogicalAnd, binary(BinaryOp::Eq, av, num(0.0)), binary(BinaryOp::Le, bv, num(0.0)));
          ga = where(zero, num(0.0), binary(BinaryOp::Xlogy, g, bv));
        }
        if (needs(1)) gb = mul(g, div(av, bv));
        break;
      }
      case BinaryOp::Copysign: {  // the sign flip result / a (0 where a == 0); no gradient to b
        Tensor av = a.unpack(self);
        if (needs(0)) ga = mul(g, where(binary(BinaryOp::Eq, av, num(0.0)), num(0.0), div(result.unpack(self), av)));
        if (needs(1)) gb = zeros_like(g);
        break;
      }
      default:
        EMBER_FAIL(Runtime, name(), ": no derivative");
    }
    return {needs(0) ? ga : Tensor(), needs(1) ? gb : Tensor()};
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
  if (!is_floating(out.dtype())) return;  // comparisons, logical and bitwise ops carry no gradient
  auto node = make_node<BinaryBackward>({&a, &b}, op, alpha);
  node->a_number = a.is_wrapped_number();
  node->b_number = b.is_wrapped_number();
  const bool needs_a = node->next_edges[0].valid(), needs_b = node->next_edges[1].valid();
  switch (op) {
    case BinaryOp::Mul:
      if (needs_a) node->b = SavedTensor(b, false);
      if (needs_b) node->a = SavedTensor(a, false);
      break;
    case BinaryOp::Div:
      node->b = SavedTensor(b, false);
      if (needs_b) node->a = SavedTensor(a, false);
      break;
    case BinaryOp::Remainder:
      if (needs_b) {
        node->a = SavedTensor(a, false);
        node->b = SavedTensor(b, false);
      }
      break;
    case BinaryOp::Fmod:
      if (needs_b) {
        node->a = SavedTensor(a, false);
        node->b = SavedTensor(b, false);
      }
      break;
    case BinaryOp::Pow:
    case BinaryOp::Maximum:
    case BinaryOp::Minimum:
    case BinaryOp::Atan2:
    case BinaryOp::Hypot:
    case BinaryOp::LogAddExp:
    case BinaryOp::LogAddExp2:
    case BinaryOp::Xlogy:
    case BinaryOp::Copysign:
      node->a = SavedTensor(a, false);
      node->b = SavedTensor(b, false);
      break;
    default: break;
  }
  set_history(out, node);
  if ((op == BinaryOp::Pow && needs_b) || op == BinaryOp::Hypot || (op == BinaryOp::Copysign && needs_a)) {
    node->result = SavedTensor(out, true);
  }
}

void record_where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  auto node = make_node<WhereBackward>({&a, &b});
  node->cond = SavedTensor(cond, false);
  set_history(out, node);
}

}  // namespace ember::autograd
