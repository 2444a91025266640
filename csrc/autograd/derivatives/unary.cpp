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
    default: return "UnaryBackward";
  }
}

// Ops whose derivative is cheapest from the result (exp, sqrt, tanh, sigmoid, relu).
bool saves_result(UnaryOp op) {
  return op == UnaryOp::Exp || op == UnaryOp::Sqrt || op == UnaryOp::Tanh || op == UnaryOp::Sigmoid ||
         op == UnaryOp::Relu;
}

struct UnaryBackward : Node {
  UnaryOp op;
  SavedTensor saved;  // the input, or the result for saves_result(op)
  explicit UnaryBackward(UnaryOp op) : op(op) {}
  std::string name() const override { return unary_node_name(op); }
  bool release_saved() override { return saved.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    Tensor s = saved.unpack(shared_from_this());
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
  if (!saves_result(op)) node->saved = SavedTensor(x, false);
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
