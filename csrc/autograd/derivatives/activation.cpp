// Backward of the activation family: the first derivative is one native fused kernel
// (activation_backward); its own derivative (double backward) is written with ember ops, so
// higher orders follow. Also nan_to_num's backward.
#include "autograd/derivatives/activation.h"

#include <cmath>

#include "autograd/derivatives/common.h"

namespace ember::autograd {

using namespace formulas;

namespace {

Tensor cmp(BinaryOp op, const Tensor& x, double v) { return binary(op, x, num(v)); }
Tensor band(const Tensor& a, const Tensor& b) { return binary(BinaryOp::LogicalAnd, a, b); }
Tensor sigmoid(const Tensor& x) { return unary(UnaryOp::Sigmoid, x); }
Tensor tanh_(const Tensor& x) { return unary(UnaryOp::Tanh, x); }
Tensor one_minus(const Tensor& x) { return sub(num(1.0), x); }

// The second derivatives f''(x) the `second` column of kernels/activation_ops.h names.

// beta s (1 - s), s = sigmoid(beta x); 0 past the threshold
Tensor softplus_second(const Tensor& x, const ActivationParams& p) {
  Tensor bx = mul(x, num(p.a));
  Tensor s = sigmoid(bx);
  return where(cmp(BinaryOp::Gt, bx, p.b), num(0.0), mul(num(p.a), mul(s, one_minus(s))));
}
// pdf(x) (2 - x^2)
Tensor gelu_second(const Tensor& x) {
  Tensor x2 = mul(x, x);
  Tensor pdf = mul(unary(UnaryOp::Exp, mul(x2, num(-0.5))), num(kInvSqrt2Pi));
  return mul(pdf, sub(num(2.0), x2));
}
// (1 - t^2) (u' + x (u'' - 2 t u'^2) / 2), u = k (x + c x^3)
Tensor gelu_tanh_second(const Tensor& x) {
  const double k = kSqrt2OverPi, c = kGeluKappa;
  Tensor x2 = mul(x, x);
  Tensor t = tanh_(mul(num(k), add(x, mul(num(c), mul(x2, x)))));
  Tensor du = mul(num(k), add(num(1.0), mul(num(3 * c), x2)));
  Tensor ddu = mul(num(6 * k * c), x);
  Tensor inner = add(du, mul(mul(x, num(0.5)), sub(ddu, mul(mul(num(2.0), t), mul(du, du)))));
  return mul(one_minus(mul(t, t)), inner);
}
// s (1 - s) (2 + x (1 - 2 s))
Tensor silu_second(const Tensor& x) {
  Tensor s = sigmoid(x);
  return mul(mul(s, one_minus(s)), add(num(2.0), mul(x, sub(num(1.0), mul(num(2.0), s)))));
}
// (1 - T^2) s (2 + x (1 - s) - 2 x T s), T = tanh(softplus(x))
Tensor mish_second(const Tensor& x) {
  Tensor s = sigmoid(x);
  Tensor t = tanh_(activation(ActivationOp::Softplus, x, {1.0, 20.0, 0.0}));
  Tensor xs = mul(x, s);
  Tensor inner = sub(add(num(2.0), sub(x, xs)), mul(num(2.0), mul(xs, t)));
  return mul(mul(one_minus(mul(t, t)), s), inner);
}
// alpha scale input_scale^2 exp(input_scale x) for x <= 0
Tensor elu_second(const Tensor& x, const ActivationParams& p) {
  return where(cmp(BinaryOp::Le, x, 0.0), mul(num(p.a * p.b * p.c * p.c), unary(UnaryOp::Exp, mul(x, num(p.c)))),
               num(0.0));
}
// 1/3 where the backward is x/3 + 1/2
Tensor hardswish_second(const Tensor& x) {
  return where(band(cmp(BinaryOp::Gt, x, -3.0), cmp(BinaryOp::Lt, x, 3.0)), num(1.0 / 3.0), num(0.0));
}
// -s (1 - s)
Tensor log_sigmoid_second(const Tensor& x) {
  Tensor s = sigmoid(x);
  return neg(mul(s, one_minus(s)));
}
// -2 sign(x) / (1 + |x|)^3
Tensor softsign_second(const Tensor& x) {
  Tensor d = add(num(1.0), unary(UnaryOp::Abs, x));
  Tensor sign = sub(to_dtype(cmp(BinaryOp::Gt, x, 0.0), x.dtype()), to_dtype(cmp(BinaryOp::Lt, x, 0.0), x.dtype()));
  return div(mul(num(-2.0), sign), mul(d, mul(d, d)));
}
// 2 t (1 - t^2)
Tensor tanhshrink_second(const Tensor& x) {
  Tensor t = tanh_(x);
  return mul(mul(num(2.0), t), one_minus(mul(t, t)));
}

// The second derivative of the op's row; undefined where it is 0.
Tensor second_derivative(ActivationOp op, const Tensor& x, const ActivationParams& p) {
  switch (op) {
#define EMBER_ACTIVATION_SECOND(E, name, kind, node, forward, backward, second) \
  case ActivationOp::E:                                                         \
    return second;
    EMBER_ACTIVATION_OPS(EMBER_ACTIVATION_SECOND)
#undef EMBER_ACTIVATION_SECOND
  }
  return Tensor();
}

struct ActivationBackwardNode : Node {
  ActivationOp op;
  ActivationParams p;
  SavedTensor x;
  ActivationBackwardNode(ActivationOp op, ActivationParams p) : op(op), p(p) {}
  std::string name() const override { return std::string(activation_row(op).node) + "Backward0"; }
  bool release_saved() override { return x.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    return {activation_backward(op, grads[0], x.unpack(shared_from_this()), p)};
  }
};

struct ActivationDoubleBackwardNode : Node {
  ActivationOp op;
  ActivationParams p;
  SavedTensor grad, x;
  ActivationDoubleBackwardNode(ActivationOp op, ActivationParams p) : op(op), p(p) {}
  std::string name() const override { return std::string(activation_row(op).node) + "BackwardBackward0"; }
  bool release_saved() override {
    bool any = grad.reset();
    return x.reset() || any;
  }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const Tensor& gg = grads[0];
    auto self = shared_from_this();
    Tensor xv = x.unpack(self);
    Tensor g_grad, g_x;
    // the backward is linear in grad: its derivative there is the backward itself
    if (next_edges[0].valid()) g_grad = activation_backward(op, gg, xv, p);
    if (next_edges[1].valid()) {
      Tensor f2 = second_derivative(op, xv, p);
      Tensor ggg = mul(gg, grad.unpack(self));
      g_x = f2.defined() ? mul(ggg, f2) : zeros_like(ggg);
    }
    return {g_grad, g_x};
  }
};

struct NanToNumBackward : Node {
  SavedTensor x;
  std::string name() const override { return "NanToNumBackward0"; }
  bool release_saved() override { return x.reset(); }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor xv = x.unpack(shared_from_this());
    Tensor finite = band(binary(BinaryOp::Eq, xv, xv), cmp(BinaryOp::Ne, unary(UnaryOp::Abs, xv), INFINITY));
    return {masked(finite, grads[0])};
  }
};

}  // namespace

void record_activation(ActivationOp op, const Tensor& x, const ActivationParams& p, const Tensor& out) {
  if (!is_floating(out.dtype()) || !is_floating(x.dtype())) return;
  auto node = make_node<ActivationBackwardNode>({&x}, op, p);
  node->x = SavedTensor(x, false);
  set_history(out, node);
}

void record_activation_backward(ActivationOp op, const Tensor& grad, const Tensor& x, const ActivationParams& p,
                                const Tensor& out) {
  auto node = make_node<ActivationDoubleBackwardNode>({&grad, &x}, op, p);
  node->x = SavedTensor(x, false);
  if (node->next_edges[1].valid()) node->grad = SavedTensor(grad, false);
  set_history(out, node);
}

void record_nan_to_num(const Tensor& x, const Tensor& out) {
  auto node = make_node<NanToNumBackward>({&x});
  node->x = SavedTensor(x, false);
  set_history(out, node);
}

}  // namespace ember::autograd
