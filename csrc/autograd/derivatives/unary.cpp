// Backward formulas of the unary elementwise ops and clamp.
#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

const char* unary_node_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: return "NegBackward0";
    case UnaryOp::Abs: return "AbsBackward0";
    case UnaryOp::Exp: return "ExpBackward0";
    case UnaryOp::Log: return "LogBackward0";
    case UnaryOp::Sqrt: return "SqrtBackward0";
    case UnaryOp::Sin: return "SinBackward0";
    case UnaryOp::Cos: return "CosBackward0";
    case UnaryOp::Tanh: return "TanhBackward0";
    case UnaryOp::Sigmoid: return "SigmoidBackward0";
    case UnaryOp::Relu: return "ReluBackward0";
    case UnaryOp::Sign: return "SignBackward0";
    case UnaryOp::Sgn: return "SgnBackward0";
    case UnaryOp::Exp2: return "Exp2Backward0";
    case UnaryOp::Expm1: return "Expm1Backward0";
    case UnaryOp::Log2: return "Log2Backward0";
    case UnaryOp::Log10: return "Log10Backward0";
    case UnaryOp::Log1p: return "Log1PBackward0";
    case UnaryOp::Rsqrt: return "RsqrtBackward0";
    case UnaryOp::Tan: return "TanBackward0";
    case UnaryOp::Asin: return "AsinBackward0";
    case UnaryOp::Acos: return "AcosBackward0";
    case UnaryOp::Atan: return "AtanBackward0";
    case UnaryOp::Sinh: return "SinhBackward0";
    case UnaryOp::Cosh: return "CoshBackward0";
    case UnaryOp::Asinh: return "AsinhBackward0";
    case UnaryOp::Acosh: return "AcoshBackward0";
    case UnaryOp::Atanh: return "AtanhBackward0";
    case UnaryOp::Erf: return "ErfBackward0";
    case UnaryOp::Erfc: return "ErfcBackward0";
    case UnaryOp::Erfinv: return "ErfinvBackward0";
    case UnaryOp::Floor: return "FloorBackward0";
    case UnaryOp::Ceil: return "CeilBackward0";
    case UnaryOp::Round: return "RoundBackward0";
    case UnaryOp::Trunc: return "TruncBackward0";
    case UnaryOp::Frac: return "FracBackward0";
    case UnaryOp::Reciprocal: return "ReciprocalBackward0";
    case UnaryOp::Square: return "PowBackward0";  // torch's square is pow(x, 2)
    default: return "UnaryBackward";
  }
}

// Ops whose derivative is cheapest from the result (exp, sqrt, tanh, sigmoid, relu).
bool saves_result(UnaryOp op) {
  switch (op) {
    case UnaryOp::Exp:
    case UnaryOp::Sqrt:
    case UnaryOp::Tanh:
    case UnaryOp::Sigmoid:
    case UnaryOp::Relu:
    case UnaryOp::Exp2:
    case UnaryOp::Expm1:
    case UnaryOp::Rsqrt:
    case UnaryOp::Tan:
    case UnaryOp::Erfinv:
    case UnaryOp::Reciprocal: return true;
    default: return false;
  }
}

// Piecewise-constant ops: their gradient is zero everywhere (torch's choice at the jumps too).
bool zero_gradient(UnaryOp op) {
  return op == UnaryOp::Sign || op == UnaryOp::Sgn || op == UnaryOp::Floor || op == UnaryOp::Ceil ||
         op == UnaryOp::Round || op == UnaryOp::Trunc;
}

// Ops whose gradient needs neither the input nor the result.
bool saves_nothing(UnaryOp op) { return zero_gradient(op) || op == UnaryOp::Neg || op == UnaryOp::Frac; }

constexpr double kLn2 = 0.69314718055994530942;
constexpr double kLn10 = 2.30258509299404568402;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
constexpr double kHalfSqrtPi = 0.88622692545275801365;

struct UnaryBackward : Node {
  UnaryOp op;
  SavedTensor saved;  // the input, or the result for saves_result(op)
  explicit UnaryBackward(UnaryOp op) : op(op) {}
  std::string name() const override { return unary_node_name(op); }
  bool release_saved() override { return saved.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    if (zero_gradient(op)) return {zeros_like(g)};
    Tensor s = saves_nothing(op) ? Tensor() : saved.unpack(shared_from_this());
    auto sq = [](const Tensor& t) { return mul(t, t); };
    auto rsqrt = [](const Tensor& t) { return unary(UnaryOp::Rsqrt, t); };
    switch (op) {
      case UnaryOp::Neg: return {neg(g)};
      case UnaryOp::Abs: {  // sign(x) * g, with 0 at x == 0
        Tensor pos = binary(BinaryOp::Gt, s, num(0.0)), negv = binary(BinaryOp::Lt, s, num(0.0));
        return {where(pos, g, where(negv, neg(g), num(0.0)))};
      }
      case UnaryOp::Exp: return {mul(g, s)};
      case UnaryOp::Log: return {div(g, s)};
      case UnaryOp::Sqrt: return {div(g, mul(s, num(2.0)))};
      case UnaryOp::Sin: return {mul(g, unary(UnaryOp::Cos, s))};
      case UnaryOp::Cos: return {mul(g, neg(unary(UnaryOp::Sin, s)))};
      case UnaryOp::Tanh: return {mul(g, sub(num(1.0), mul(s, s)))};
      case UnaryOp::Sigmoid: return {mul(g, mul(s, sub(num(1.0), s)))};
      // zero where the result is <= 0 (a NaN result passes the gradient, as in torch)
      case UnaryOp::Relu: return {where(binary(BinaryOp::Le, s, num(0.0)), num(0.0), g)};
      // s is the result for exp2, expm1, rsqrt, tan, erfinv, reciprocal; the input otherwise
      case UnaryOp::Exp2: return {mul(g, mul(s, num(kLn2)))};
      case UnaryOp::Expm1: return {mul(g, add(s, num(1.0)))};
      case UnaryOp::Log2: return {div(g, mul(s, num(kLn2)))};
      case UnaryOp::Log10: return {div(g, mul(s, num(kLn10)))};
      case UnaryOp::Log1p: return {div(g, add(s, num(1.0)))};
      case UnaryOp::Rsqrt: return {mul(mul(g, num(-0.5)), mul(sq(s), s))};
      case UnaryOp::Tan: return {mul(g, add(sq(s), num(1.0)))};
      case UnaryOp::Asin: return {mul(g, rsqrt(sub(num(1.0), sq(s))))};
      case UnaryOp::Acos: return {mul(g, neg(rsqrt(sub(num(1.0), sq(s)))))};
      case UnaryOp::Atan: return {div(g, add(sq(s), num(1.0)))};
      case UnaryOp::Sinh: return {mul(g, unary(UnaryOp::Cosh, s))};
      case UnaryOp::Cosh: return {mul(g, unary(UnaryOp::Sinh, s))};
      case UnaryOp::Asinh: return {mul(g, rsqrt(add(sq(s), num(1.0))))};
      case UnaryOp::Acosh: return {mul(g, rsqrt(sub(sq(s), num(1.0))))};
      case UnaryOp::Atanh: return {div(g, sub(num(1.0), sq(s)))};
      case UnaryOp::Erf: return {mul(g, mul(num(kTwoOverSqrtPi), unary(UnaryOp::Exp, neg(sq(s)))))};
      case UnaryOp::Erfc: return {mul(g, mul(num(-kTwoOverSqrtPi), unary(UnaryOp::Exp, neg(sq(s)))))};
      case UnaryOp::Erfinv: return {mul(g, mul(num(kHalfSqrtPi), unary(UnaryOp::Exp, sq(s))))};
      case UnaryOp::Frac: return {g};
      case UnaryOp::Reciprocal: return {mul(neg(g), sq(s))};
      case UnaryOp::Square: return {mul(g, mul(s, num(2.0)))};
      default: break;
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
  if (!saves_result(op) && !saves_nothing(op)) node->saved = SavedTensor(x, false);
  set_history(out, node);
  if (saves_result(op)) node->saved = SavedTensor(out, true);  // after set_history: knows its output_nr
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
