// The activation functions: one row each, a native forward and a fused backward kernel per op.
// torch's variants map onto these rows with parameters (selu and celu are Elu, relu6 is Hardtanh).
// A row gives
//   Enum      the ActivationOp case
//   name      torch's name (errors, bindings)
//   kind      the dtype class (ActivationKind below)
//   node      torch's autograd node name without "Backward0" ("Gelu" names GeluBackward0 and,
//             for the double backward, GeluBackwardBackward0)
//   forward   the scalar formula of `x` in the compute type A (float for 16-bit floats), with the
//             op's parameters `a`, `b`, `c` (ActivationParams, converted to A)
//   backward  the input's gradient of `g` (the output's gradient) and `x`, in A: one fused kernel;
//             at kinks, torch's one-sided derivative
//   second    the second derivative f''(x) in ember ops of `x` and the parameters `p`, for the
//             double backward; Tensor() where it is zero (piecewise linear ops). Written in
//             autograd/derivatives/activation.cpp's formulas.
// The enum, the names, the CPU kernels' formulas (cpu/activation_kernels.cpp) and the autograd
// nodes (autograd/derivatives/activation.cpp) all expand these rows. Formulas longer than an
// expression are functions in kernels/scalar_math.h.
#pragma once

#include "kernels/scalar_math.h"

namespace ember {

enum class ActivationKind {
  FloatOnly,  // floating inputs only
  Clamp,      // floats, and integers with the parameters converted to the integer type (not bool)
  Float,      // integer inputs compute in the default float dtype (torch composes these of ops that promote)
};

// X(Enum, name, kind, node, forward, backward, second)
#define EMBER_ACTIVATION_OPS(X)                                                                                      \
  /* a = beta, b = threshold */                                                                                      \
  X(Softplus, "softplus", FloatOnly, "Softplus", (x * a > b ? x : std::log1p(std::exp(x * a)) / a),                  \
    softplus_backward(g, x, a, b), softplus_second(x, p))                                                            \
  /* erf form */                                                                                                     \
  X(Gelu, "gelu", FloatOnly, "Gelu", (A(0.5) * x * (A(1) + std::erf(x * A(kSqrt1_2)))), gelu_backward(g, x),         \
    gelu_second(x))                                                                                                  \
  /* tanh approximation */                                                                                           \
  X(GeluTanh, "gelu", FloatOnly, "Gelu", gelu_tanh_value(x), gelu_tanh_backward(g, x), gelu_tanh_second(x))          \
  X(Silu, "silu", FloatOnly, "Silu", x / (A(1) + std::exp(-x)), silu_backward(g, x), silu_second(x))                 \
  X(Mish, "mish", FloatOnly, "Mish", x * std::tanh(std::log1p(std::exp(x))), mish_backward(g, x), mish_second(x))    \
  /* a = alpha, b = scale, c = input_scale */                                                                        \
  X(Elu, "elu", FloatOnly, "Elu", (x > A(0) ? x * b : a * b * std::expm1(x * c)),                                    \
    (x <= A(0) ? g * c * a * b * std::exp(x * c) : g * b), elu_second(x, p))                                         \
  /* a = negative_slope */                                                                                           \
  X(LeakyRelu, "leaky_relu", FloatOnly, "LeakyRelu", (x > A(0) ? x : x * a), (x > A(0) ? g : g * a), Tensor())       \
  /* a = min_val, b = max_val */                                                                                     \
  X(Hardtanh, "hardtanh", Clamp, "Hardtanh", (x < a ? a : (x > b ? b : x)), ((x <= a || x >= b) ? A(0) : g),         \
    Tensor())                                                                                                        \
  X(Hardsigmoid, "hardsigmoid", FloatOnly, "Hardsigmoid", (x <= A(-3) ? A(0) : (x >= A(3) ? A(1) : x / A(6) + A(0.5))), \
    ((x > A(-3) && x < A(3)) ? g / A(6) : A(0)), Tensor())                                                           \
  X(Hardswish, "hardswish", FloatOnly, "Hardswish", hardswish_value(x),                                              \
    (x <= A(-3) ? A(0) : (x < A(3) ? g * (x / A(3) + A(0.5)) : g)), hardswish_second(x))                             \
  /* -softplus(-x), stable both ways */                                                                              \
  X(LogSigmoid, "log_sigmoid", FloatOnly, "LogSigmoid", ((x < A(0) ? x : A(0)) - std::log1p(std::exp(-std::fabs(x)))), \
    log_sigmoid_backward(g, x), log_sigmoid_second(x))                                                               \
  X(Softsign, "softsign", Float, "Softsign", x / (A(1) + std::fabs(x)), softsign_backward(g, x), softsign_second(x)) \
  X(Tanhshrink, "tanhshrink", Float, "Tanhshrink", x - std::tanh(x), tanhshrink_backward(g, x), tanhshrink_second(x)) \
  /* a = threshold, b = value */                                                                                     \
  X(Threshold, "threshold", Clamp, "Threshold", (x <= a ? b : x), (x <= a ? A(0) : g), Tensor())                     \
  /* a = lambd */                                                                                                    \
  X(Hardshrink, "hardshrink", FloatOnly, "Hardshrink", ((x >= -a && x <= a) ? A(0) : x),                             \
    ((x >= -a && x <= a) ? A(0) : g), Tensor())                                                                      \
  /* a = lambd; NaN stays NaN */                                                                                     \
  X(Softshrink, "softshrink", FloatOnly, "Softshrink", (x > a ? x - a : (x < -a ? x + a : (x != x ? x : A(0)))),     \
    ((x >= -a && x <= a) ? A(0) : g), Tensor())

enum class ActivationOp {
#define EMBER_ACTIVATION_ENUM(E, name, kind, node, forward, backward, second) E,
  EMBER_ACTIVATION_OPS(EMBER_ACTIVATION_ENUM)
#undef EMBER_ACTIVATION_ENUM
};

// The parameters of an activation (what a, b and c mean is in each row's comment).
struct ActivationParams {
  double a = 0, b = 0, c = 0;
};

// The formulas of each row as a functor over the compute type A, holding the parameters:
// `ActivationFn<ActivationOp::Elu, float>{alpha, scale, input_scale}.forward(x)`.
template <ActivationOp Op, typename A>
struct ActivationFn;
#define EMBER_ACTIVATION_FUNCTOR(E, name, kind_, node, forward_formula, backward_formula, second) \
  template <typename A>                                                                          \
  struct ActivationFn<ActivationOp::E, A> {                                                      \
    static constexpr ActivationOp op = ActivationOp::E;                                          \
    A a, b, c;                                                                                   \
    EMBER_HOST_DEVICE A forward(A x) const {                                                     \
      return forward_formula;                                                                    \
    }                                                                                            \
    EMBER_HOST_DEVICE A backward(A g, A x) const {                                               \
      return backward_formula;                                                                   \
    }                                                                                            \
  };
EMBER_ACTIVATION_OPS(EMBER_ACTIVATION_FUNCTOR)
#undef EMBER_ACTIVATION_FUNCTOR

// Calls f(ActivationFn<op, A>{a, b, c}) with the parameters converted to A.
template <typename A, typename F>
decltype(auto) with_activation_fn(ActivationOp op, const ActivationParams& p, F&& f) {
  const A a = A(p.a), b = A(p.b), c = A(p.c);
  switch (op) {
#define EMBER_ACTIVATION_CASE(E, name, kind, node, forward, backward, second) \
  case ActivationOp::E:                                                       \
    return f(ActivationFn<ActivationOp::E, A>{a, b, c});
    EMBER_ACTIVATION_OPS(EMBER_ACTIVATION_CASE)
#undef EMBER_ACTIVATION_CASE
  }
  return f(ActivationFn<ActivationOp::Softplus, A>{a, b, c});  // unreachable: every case returns
}

// The data columns of each row, indexed by the op: `activation_row(ActivationOp::Gelu).node`.
struct ActivationRow {
  const char* name;
  ActivationKind kind;
  const char* node;
};
inline constexpr ActivationRow kActivationRows[] = {
#define EMBER_ACTIVATION_ROW(E, name, kind, node, forward, backward, second) {name, ActivationKind::kind, node},
    EMBER_ACTIVATION_OPS(EMBER_ACTIVATION_ROW)
#undef EMBER_ACTIVATION_ROW
};
constexpr const ActivationRow& activation_row(ActivationOp op) { return kActivationRows[static_cast<int>(op)]; }
constexpr const char* activation_name(ActivationOp op) { return activation_row(op).name; }
constexpr ActivationKind activation_kind(ActivationOp op) { return activation_row(op).kind; }

}  // namespace ember
