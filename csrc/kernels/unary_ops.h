// The unary elementwise ops: one row each. A row gives
//   Enum       the UnaryOp case
//   name       torch's name (errors, bindings)
//   kind       the dtype class (UnaryKind below)
//   formula    the scalar formula of `x`, computed in the compute type A (float for 16-bit floats):
//              the functor every backend runs (EMBER_HOST_DEVICE, so a CUDA kernel can share it)
//   node       torch's autograd node name
//   saves      what the backward needs: the input (Input), the result (Result) or nothing (Nothing)
//   gradient   the input's gradient in ember ops, of `g` (the output's gradient) and `s` (the saved
//              tensor); written in autograd/derivatives/unary.cpp's formula namespace
// The enum, the op names and dtype classes (ops/unary.cpp), the CPU kernel's formula
// (cpu/unary_kernels.cpp), and the autograd node (autograd/derivatives/unary.cpp) all expand these
// rows; a dense SIMD path is optional (cpu/unary_kernels.cpp, with_vec_op).
#pragma once
#include <cmath>

#include "kernels/scalar_math.h"
#include "kernels/special_math.h"

namespace ember {

// How a unary op treats dtypes.
enum class UnaryKind {
  Float,      // floating result: integer and bool inputs compute in the default float dtype
  FloatOnly,  // floating inputs only, same dtype out
  Rounding,   // same dtype: integers pass through unchanged, bool is refused
  Predicate,  // bool result, any input dtype (the formula is evaluated in the input's own type)
  SameDtype,  // same dtype, per-dtype rules in the kernel (bool and unsigned); out= must match it
  Special,    // per-dtype rules in the kernel; out= casts
};

enum class UnarySaves { Nothing, Input, Result };

// X(Enum, name, kind, formula, node, saves, gradient)
#define EMBER_UNARY_OPS(X)                                                                                           \
  X(Neg, "neg", SameDtype, -x, "NegBackward0", Nothing, neg(g))                                                      \
  X(Abs, "abs", SameDtype, abs_value(x), "AbsBackward0", Input, abs_grad(g, s))                                      \
  X(Exp, "exp", Float, std::exp(x), "ExpBackward0", Result, mul(g, s))                                               \
  X(Log, "log", Float, std::log(x), "LogBackward0", Input, div(g, s))                                                \
  X(Sqrt, "sqrt", Float, std::sqrt(x), "SqrtBackward0", Result, div(g, mul(s, num(2.0))))                            \
  X(Sin, "sin", Float, std::sin(x), "SinBackward0", Input, mul(g, unary(UnaryOp::Cos, s)))                           \
  X(Cos, "cos", Float, std::cos(x), "CosBackward0", Input, mul(g, neg(unary(UnaryOp::Sin, s))))                      \
  X(Tanh, "tanh", Float, std::tanh(x), "TanhBackward0", Result, mul(g, sub(num(1.0), sq(s))))                        \
  X(Sigmoid, "sigmoid", Float, (A(1) / (A(1) + std::exp(-x))), "SigmoidBackward0", Result,                           \
    mul(g, mul(s, sub(num(1.0), s))))                                                                                \
  /* NaN propagates: x < 0 is false for NaN; the gradient is zero where the result is <= 0 */                        \
  X(Relu, "relu", Special, (x < A(0) ? A(0) : x), "ReluBackward0", Result, relu_grad(g, s))                          \
  X(LogicalNot, "logical_not", Predicate, (x == A(0)), "", Nothing, Tensor())                                        \
  X(BitwiseNot, "bitwise_not", SameDtype, ~x, "", Nothing, Tensor())                                                 \
  /* NaN and -0.0 give 0, as in torch; piecewise constant: zero gradient */                                          \
  X(Sign, "sign", SameDtype, A(int(A(0) < x) - int(x < A(0))), "SignBackward0", Nothing, zeros_like(g))              \
  X(Sgn, "sgn", SameDtype, A(int(A(0) < x) - int(x < A(0))), "SgnBackward0", Nothing, zeros_like(g))                 \
  X(Exp2, "exp2", Float, std::exp2(x), "Exp2Backward0", Result, mul(g, mul(s, num(kLn2))))                           \
  X(Expm1, "expm1", Float, std::expm1(x), "Expm1Backward0", Result, mul(g, add(s, num(1.0))))                        \
  X(Log2, "log2", Float, std::log2(x), "Log2Backward0", Input, div(g, mul(s, num(kLn2))))                            \
  X(Log10, "log10", Float, std::log10(x), "Log10Backward0", Input, div(g, mul(s, num(kLn10))))                       \
  X(Log1p, "log1p", Float, std::log1p(x), "Log1PBackward0", Input, div(g, add(s, num(1.0))))                         \
  X(Rsqrt, "rsqrt", Float, (A(1) / std::sqrt(x)), "RsqrtBackward0", Result, mul(mul(g, num(-0.5)), mul(sq(s), s)))   \
  X(Tan, "tan", Float, std::tan(x), "TanBackward0", Result, mul(g, add(sq(s), num(1.0))))                            \
  X(Asin, "asin", Float, std::asin(x), "AsinBackward0", Input, mul(g, rsqrt(sub(num(1.0), sq(s)))))                  \
  X(Acos, "acos", Float, std::acos(x), "AcosBackward0", Input, mul(g, neg(rsqrt(sub(num(1.0), sq(s))))))             \
  X(Atan, "atan", Float, std::atan(x), "AtanBackward0", Input, div(g, add(sq(s), num(1.0))))                         \
  X(Sinh, "sinh", Float, std::sinh(x), "SinhBackward0", Input, mul(g, unary(UnaryOp::Cosh, s)))                      \
  X(Cosh, "cosh", Float, std::cosh(x), "CoshBackward0", Input, mul(g, unary(UnaryOp::Sinh, s)))                      \
  X(Asinh, "asinh", Float, std::asinh(x), "AsinhBackward0", Input, mul(g, rsqrt(add(sq(s), num(1.0)))))              \
  X(Acosh, "acosh", Float, std::acosh(x), "AcoshBackward0", Input, mul(g, rsqrt(sub(sq(s), num(1.0)))))              \
  X(Atanh, "atanh", Float, std::atanh(x), "AtanhBackward0", Input, div(g, sub(num(1.0), sq(s))))                     \
  X(Erf, "erf", Float, std::erf(x), "ErfBackward0", Input,                                                           \
    mul(g, mul(num(kTwoOverSqrtPi), unary(UnaryOp::Exp, neg(sq(s))))))                                               \
  X(Erfc, "erfc", Float, std::erfc(x), "ErfcBackward0", Input,                                                       \
    mul(g, mul(num(-kTwoOverSqrtPi), unary(UnaryOp::Exp, neg(sq(s))))))                                              \
  X(Erfinv, "erfinv", Float, A(erfinv_double(double(x))), "ErfinvBackward0", Result,                                 \
    mul(g, mul(num(kHalfSqrtPi), unary(UnaryOp::Exp, sq(s)))))                                                       \
  X(Floor, "floor", Rounding, std::floor(x), "FloorBackward0", Nothing, zeros_like(g))                               \
  X(Ceil, "ceil", Rounding, std::ceil(x), "CeilBackward0", Nothing, zeros_like(g))                                   \
  /* half to even */                                                                                                 \
  X(Round, "round", Rounding, std::nearbyint(x), "RoundBackward0", Nothing, zeros_like(g))                           \
  X(Trunc, "trunc", Rounding, std::trunc(x), "TruncBackward0", Nothing, zeros_like(g))                               \
  X(Frac, "frac", FloatOnly, (x - std::trunc(x)), "FracBackward0", Nothing, g)                                       \
  X(Reciprocal, "reciprocal", Float, (A(1) / x), "ReciprocalBackward0", Result, mul(neg(g), sq(s)))                  \
  /* torch's square is pow(x, 2) (bool squares to int64; integers wrap) */                                           \
  X(Square, "square", Special, (x * x), "PowBackward0", Input, mul(g, mul(s, num(2.0))))                             \
  X(IsNan, "isnan", Predicate, std::isnan(x), "", Nothing, Tensor())                                                 \
  X(IsInf, "isinf", Predicate, std::isinf(x), "", Nothing, Tensor())                                                 \
  X(IsFinite, "isfinite", Predicate, std::isfinite(x), "", Nothing, Tensor())                                        \
  X(IsPosInf, "isposinf", Predicate, (std::isinf(x) && x > A(0)), "", Nothing, Tensor())                             \
  X(IsNegInf, "isneginf", Predicate, (std::isinf(x) && x < A(0)), "", Nothing, Tensor())                             \
  /* copysign, not std::signbit: GCC 12 fails (internal error) vectorizing signbit into a bool */                    \
  X(Signbit, "signbit", Predicate, (std::copysign(1.0, double(x)) < 0.0), "", Nothing, Tensor())                     \
  /* sin(pi x) / (pi x), 1 at 0; d/dx = (cos(pi x) - sinc(x)) / x, 0 at 0 */                                         \
  X(Sinc, "sinc", Float, sinc_value(x), "SincBackward0", Input, mul(g, sinc_grad(s)))                                \
  /* log(x / (1 - x)); torch's logit(x, eps) clamps x to [eps, 1 - eps] first (ops/unary.cpp) */                     \
  X(Logit, "logit", Float, std::log(x / (A(1) - x)), "LogitBackward0", Input, logit_grad(g, s))                     \
  X(Deg2Rad, "deg2rad", Float, (x * A(kPi / 180)), "Deg2RadBackward0", Nothing, mul(g, num(kPi / 180)))              \
  X(Rad2Deg, "rad2deg", Float, (x * A(180 / kPi)), "Rad2DegBackward0", Nothing, mul(g, num(180 / kPi)))              \
  /* the special functions (kernels/special_math.h); their gradients are helpers in unary.cpp */                    \
  X(Lgamma, "lgamma", Float, std::lgamma(x), "LgammaBackward0", Input, mul(g, unary(UnaryOp::Digamma, s)))           \
  X(Digamma, "digamma", Float, digamma_value(x), "DigammaBackward0", Input, mul(g, polygamma_of(1, s)))              \
  X(I0, "i0", Float, i0_value(x), "I0Backward0", Input, mul(g, unary(UnaryOp::I1, s)))                               \
  X(I0e, "special_i0e", Float, i0e_value(x), "SpecialI0EBackward0", Input, i0e_grad(g, s))                           \
  X(I1, "special_i1", Float, i1_value(x), "SpecialI1Backward0", Input, i1_grad(g, s))                                \
  X(I1e, "special_i1e", Float, i1e_value(x), "SpecialI1EBackward0", Input, i1e_grad(g, s))                           \
  X(Ndtr, "special_ndtr", Float, ndtr_value(x), "SpecialNdtrBackward0", Input, mul(g, normal_pdf(s)))                \
  X(Ndtri, "special_ndtri", Float, ndtri_value(x), "SpecialNdtriBackward0", Result, div(g, normal_pdf(s)))           \
  X(LogNdtr, "special_log_ndtr", Float, log_ndtr_value(x), "SpecialLogNdtrBackward0", Input, log_ndtr_grad(g, s))    \
  X(Erfcx, "special_erfcx", Float, erfcx_value(x), "SpecialErfcxBackward0", Input, erfcx_grad(g, s))                 \
  X(Entr, "special_entr", Float, entr_value(x), "SpecialEntrBackward0", Input,                                       \
    mul(g, neg(add(unary(UnaryOp::Log, s), num(1.0)))))

enum class UnaryOp {
#define EMBER_UNARY_ENUM(E, name, kind, formula, node, saves, gradient) E,
  EMBER_UNARY_OPS(EMBER_UNARY_ENUM)
#undef EMBER_UNARY_ENUM
};

// The scalar formula of each row as a functor: `UnaryFn<UnaryOp::Exp>{}(x)`, with its kind.
template <UnaryOp Op>
struct UnaryFn;
#define EMBER_UNARY_FUNCTOR(E, name_, kind_, formula, node, saves, gradient) \
  template <>                                                               \
  struct UnaryFn<UnaryOp::E> {                                              \
    static constexpr UnaryOp op = UnaryOp::E;                               \
    static constexpr UnaryKind kind = UnaryKind::kind_;                     \
    template <typename A>                                                   \
    EMBER_HOST_DEVICE auto operator()(A x) const {                          \
      return formula;                                                       \
    }                                                                       \
  };
EMBER_UNARY_OPS(EMBER_UNARY_FUNCTOR)
#undef EMBER_UNARY_FUNCTOR

// Calls f(UnaryFn<op>{}): one switch, so a backend instantiates each formula once per dtype.
template <typename F>
decltype(auto) with_unary_fn(UnaryOp op, F&& f) {
  switch (op) {
#define EMBER_UNARY_CASE(E, name, kind, formula, node, saves, gradient) \
  case UnaryOp::E:                                                      \
    return f(UnaryFn<UnaryOp::E>{});
    EMBER_UNARY_OPS(EMBER_UNARY_CASE)
#undef EMBER_UNARY_CASE
  }
  return f(UnaryFn<UnaryOp::Neg>{});  // unreachable: every case returns
}

// The data columns of each row, indexed by the op: `unary_row(UnaryOp::Exp).node`.
struct UnaryRow {
  const char* name;
  UnaryKind kind;
  const char* node;
  UnarySaves saves;
};
inline constexpr UnaryRow kUnaryRows[] = {
#define EMBER_UNARY_ROW(E, name, kind, formula, node, saves, gradient) {name, UnaryKind::kind, node, UnarySaves::saves},
    EMBER_UNARY_OPS(EMBER_UNARY_ROW)
#undef EMBER_UNARY_ROW
};
constexpr const UnaryRow& unary_row(UnaryOp op) { return kUnaryRows[static_cast<int>(op)]; }
constexpr const char* unary_op_name(UnaryOp op) { return unary_row(op).name; }
constexpr UnaryKind unary_kind(UnaryOp op) { return unary_row(op).kind; }

}  // namespace ember
