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
  void release_saved() override { saved.reset(); }
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
      case UnaryOp::Relu: return {masked(binary(BinaryOp::Gt, s, num(0.0)), g)};
      default: break;
    }
    EMBER_FAIL(Runtime, name(), ": no derivative");
  }
};

struct ClampBackward : Node {
  SavedTensor x, lo, hi;
  bool has_lo, has_hi;
  std::string name() const override { return "ClampBackward1"; }
  void release_saved() override {
    x.reset();
    lo.reset();
    hi.reset();
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& g = grads[0];
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    Tensor inside = ones(xv.sizes(), ScalarType::Bool);
    std::vector<Tensor> out{Tensor(), Tensor(), Tensor()};
    if (has_lo) {
      Tensor l = lo.unpack(self);
      inside = binary(BinaryOp::LogicalAnd, inside, binary(BinaryOp::Ge, xv, l));
      out[1] = masked(binary(BinaryOp::Lt, xv, l), g);
    }
    if (has_hi) {
      Tensor h = hi.unpack(self);
      inside = binary(BinaryOp::LogicalAnd, inside, binary(BinaryOp::Le, xv, h));
      out[2] = masked(binary(BinaryOp::Gt, xv, h), g);
    }
    out[0] = masked(inside, g);
    std::vector<Tensor> r{out[0]};
    if (has_lo) r.push_back(out[1]);
    if (has_hi) r.push_back(out[2]);
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
  if (lo) node->lo = SavedTensor(*lo, false);
  if (hi) node->hi = SavedTensor(*hi, false);
  set_history(out, node);
}

}  // namespace ember::autograd
