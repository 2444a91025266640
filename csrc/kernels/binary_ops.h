// The binary elementwise ops: one row each. A row gives
//   Enum      the BinaryOp case
//   name      torch's name (errors, bindings)
//   kind      the dtype class (BinaryKind below)
//   formula   the scalar formula of `x` and `y`, both in the compute type A (float for 16-bit
//             floats): the functor every backend runs (EMBER_HOST_DEVICE). Add and sub take
//             torch's `alpha`: the kernel scales y by it before the formula.
//   node      torch's autograd node name ("": not differentiable)
//   uses_a    what the first input's gradient reads: kInputA, kInputB, kResult or kNothing
//   grad_a    that gradient in ember ops, of `g` (the output's gradient), `a`, `b` (the inputs),
//             `r` (the result) and `alpha`; written in autograd/derivatives/binary.cpp's formulas
//   uses_b, grad_b   the same for the second input
// The enum, the op names and dtype classes (ops/binary.cpp), the CPU kernel's formula
// (cpu/binary_kernels.cpp) and the autograd node with what it saves (autograd/derivatives/
// binary.cpp) all expand these rows. A formula longer than an expression is a function in
// kernels/scalar_math.h (`div_floor_value`, `pow_value`, ...), with integer and floating rules.
#pragma once

#include "kernels/scalar_math.h"
#include "kernels/special_math.h"

namespace ember {

// How a binary op treats dtypes. Inputs are first promoted to a common dtype (torch's rules).
enum class BinaryKind {
  All,          // every dtype, bool included; the common dtype out
  NoBool,       // integers and floats; bool is not implemented
  Float,        // floating result: integer and bool inputs compute in the default float dtype
  FloatOnly,    // floating inputs only
  Integral,     // integers and bool (the bitwise ops)
  IntegerOnly,  // integers, not bool (the shifts)
  Compare,      // bool result, any input dtype (comparisons and logical ops)
};

// Whether a kernel of `kind` exists for a compute dtype that is floating or bool (or neither).
constexpr bool binary_kind_accepts(BinaryKind kind, bool is_float, bool is_bool) {
  switch (kind) {
    case BinaryKind::All:
    case BinaryKind::Compare: return true;
    case BinaryKind::NoBool: return !is_bool;
    case BinaryKind::Float:
    case BinaryKind::FloatOnly: return is_float;
    case BinaryKind::Integral: return !is_float;
    case BinaryKind::IntegerOnly: return !is_float && !is_bool;
  }
  return false;
}

// What a gradient formula reads, so the node saves only that.
enum BinaryUses : unsigned { kNothing = 0, kInputA = 1, kInputB = 2, kResult = 4 };

// X(Enum, name, kind, formula, node, uses_a, grad_a, uses_b, grad_b)
#define EMBER_BINARY_OPS(X)                                                                                          \
  X(Add, "add", All, x + y, "AddBackward0", kNothing, g, kNothing, scaled(g, alpha))                                 \
  X(Sub, "sub", NoBool, x - y, "SubBackward0", kNothing, g, kNothing, scaled(g, -alpha))                             \
  X(Mul, "mul", All, x * y, "MulBackward0", kInputB, mul(g, b), kInputA, mul(g, a))                                  \
  X(Div, "div", Float, x / y, "DivBackward0", kInputB, div(g, b), kInputA | kInputB,                                 \
    neg(mul(g, div(a, mul(b, b)))))                                                                                  \
  /* div(rounding_mode=...): piecewise constant, a zero gradient as in torch */                                      \
  X(DivTrunc, "div", NoBool, div_trunc_value(x, y), "DivBackward1", kNothing, zeros_like(g), kNothing,               \
    zeros_like(g))                                                                                                   \
  X(DivFloor, "floor_divide", NoBool, div_floor_value(x, y), "DivBackward1", kNothing, zeros_like(g), kNothing,      \
    zeros_like(g))                                                                                                   \
  /* a - floor(a / b) * b */                                                                                         \
  X(Remainder, "remainder", NoBool, remainder_value(x, y), "RemainderBackward0", kNothing, g, kInputA | kInputB,     \
    neg(mul(g, binary(BinaryOp::DivFloor, a, b))))                                                                   \
  /* torch's overloads name the node PowBackward0 (number exponent) and PowBackward2 (number base) */                \
  X(Pow, "pow", NoBool, pow_value(x, y), "PowBackward1", kInputA | kInputB, pow_grad_base(g, a, b),                  \
    kInputA | kInputB | kResult, pow_grad_exponent(g, a, b, r))                                                      \
  X(Maximum, "maximum", All, (extremum_value<true, A>(x, y)), "MaximumBackward0", kInputA | kInputB,                 \
    max_min_grad(g, a, b, BinaryOp::Lt), kInputA | kInputB, max_min_grad(g, b, a, BinaryOp::Lt))                     \
  X(Minimum, "minimum", All, (extremum_value<false, A>(x, y)), "MinimumBackward0", kInputA | kInputB,                \
    max_min_grad(g, a, b, BinaryOp::Gt), kInputA | kInputB, max_min_grad(g, b, a, BinaryOp::Gt))                     \
  X(Eq, "eq", Compare, x == y, "", kNothing, Tensor(), kNothing, Tensor())                                           \
  X(Ne, "ne", Compare, x != y, "", kNothing, Tensor(), kNothing, Tensor())                                           \
  X(Lt, "lt", Compare, x < y, "", kNothing, Tensor(), kNothing, Tensor())                                            \
  X(Le, "le", Compare, x <= y, "", kNothing, Tensor(), kNothing, Tensor())                                           \
  X(Gt, "gt", Compare, x > y, "", kNothing, Tensor(), kNothing, Tensor())                                            \
  X(Ge, "ge", Compare, x >= y, "", kNothing, Tensor(), kNothing, Tensor())                                           \
  X(BitAnd, "bitwise_and", Integral, x & y, "", kNothing, Tensor(), kNothing, Tensor())                              \
  X(BitOr, "bitwise_or", Integral, x | y, "", kNothing, Tensor(), kNothing, Tensor())                                \
  X(BitXor, "bitwise_xor", Integral, x ^ y, "", kNothing, Tensor(), kNothing, Tensor())                              \
  X(LogicalAnd, "logical_and", Compare, (x != A(0)) && (y != A(0)), "", kNothing, Tensor(), kNothing, Tensor())      \
  X(LogicalOr, "logical_or", Compare, (x != A(0)) || (y != A(0)), "", kNothing, Tensor(), kNothing, Tensor())        \
  X(LogicalXor, "logical_xor", Compare, (x != A(0)) != (y != A(0)), "", kNothing, Tensor(), kNothing, Tensor())      \
  X(Atan2, "atan2", Float, std::atan2(x, y), "Atan2Backward0", kInputA | kInputB, mul(mul(g, b), atan2_recip(a, b)), \
    kInputA | kInputB, mul(mul(g, neg(a)), atan2_recip(a, b)))                                                       \
  /* a - trunc(a / b) * b */                                                                                         \
  X(Fmod, "fmod", NoBool, fmod_value(x, y), "FmodBackward0", kNothing, g, kInputA | kInputB,                         \
    neg(mul(g, binary(BinaryOp::DivTrunc, a, b))))                                                                   \
  X(Hypot, "hypot", FloatOnly, std::hypot(x, y), "HypotBackward0", kInputA | kResult, mul(g, div(a, r)),             \
    kInputB | kResult, mul(g, div(b, r)))                                                                            \
  /* d/da = 1 / (1 + exp(b - a)), symmetric for b */                                                                 \
  X(LogAddExp, "logaddexp", FloatOnly, log_add_exp_value(x, y), "LogaddexpBackward0", kInputA | kInputB,             \
    div(g, add(unary(UnaryOp::Exp, sub(b, a)), num(1.0))), kInputA | kInputB,                                        \
    div(g, add(unary(UnaryOp::Exp, sub(a, b)), num(1.0))))                                                           \
  X(LogAddExp2, "logaddexp2", FloatOnly, (log_add_exp_value<A, true>(x, y)), "Logaddexp2Backward0",                  \
    kInputA | kInputB, div(g, add(binary(BinaryOp::Pow, num(2.0), sub(b, a)), num(1.0))), kInputA | kInputB,         \
    div(g, add(binary(BinaryOp::Pow, num(2.0), sub(a, b)), num(1.0))))                                               \
  X(Xlogy, "xlogy", Float, xlogy_value(x, y), "XlogyBackward0", kInputA | kInputB, xlogy_grad_a(g, a, b),            \
    kInputA | kInputB, mul(g, div(a, b)))                                                                            \
  X(ShiftLeft, "bitwise_left_shift", IntegerOnly, shift_left_value(x, y), "", kNothing, Tensor(), kNothing,          \
    Tensor())                                                                                                        \
  X(ShiftRight, "bitwise_right_shift", IntegerOnly, shift_right_value(x, y), "", kNothing, Tensor(), kNothing,       \
    Tensor())                                                                                                        \
  /* the sign flip r / a (0 where a == 0); no gradient to b */                                                       \
  X(Copysign, "copysign", Float, std::copysign(x, y), "CopysignBackward0", kInputA | kResult,                        \
    mul(g, where(binary(BinaryOp::Eq, a, num(0.0)), num(0.0), div(r, a))), kNothing, zeros_like(g))                \
  /* maximum/minimum that ignore a NaN operand */                                                                    \
  X(Fmax, "fmax", All, (fextremum_value<true, A>(x, y)), "FmaxBackward0", kInputA | kInputB,                         \
    fextremum_grad(g, a, b, BinaryOp::Ge, true), kInputA | kInputB, fextremum_grad(g, a, b, BinaryOp::Ge, false))    \
  X(Fmin, "fmin", All, (fextremum_value<false, A>(x, y)), "FminBackward0", kInputA | kInputB,                        \
    fextremum_grad(g, a, b, BinaryOp::Le, true), kInputA | kInputB, fextremum_grad(g, a, b, BinaryOp::Le, false))    \
  X(Gcd, "gcd", IntegerOnly, gcd_value(x, y), "", kNothing, Tensor(), kNothing, Tensor())                            \
  X(Lcm, "lcm", IntegerOnly, lcm_value(x, y), "", kNothing, Tensor(), kNothing, Tensor())                            \
  /* the step function: y where x == 0 (same dtypes only, ops/binary.cpp); no derivative in torch */                 \
  X(Heaviside, "heaviside", All, (x == A(0) ? y : A(A(0) < x)), "HeavisideBackward0", kNothing,                      \
    not_implemented_grad("heaviside"), kNothing, not_implemented_grad("heaviside"))                                  \
  X(Nextafter, "nextafter", FloatOnly, std::nextafter(x, y), "NextafterBackward0", kNothing,                         \
    not_implemented_grad("nextafter"), kNothing, not_implemented_grad("nextafter"))                                  \
  X(Xlog1py, "special_xlog1py", Float, xlog1py_value(x, y), "SpecialXlog1PyBackward0", kInputA | kInputB,            \
    xlog1py_grad_a(g, a, b), kInputA | kInputB, mul(g, div(a, add(b, num(1.0)))))                                    \
  /* Hurwitz zeta(x, q); torch has no derivative in x */                                                            \
  X(Zeta, "special_zeta", Float, zeta_value(x, y), "SpecialZetaBackward0", kNothing, not_implemented_grad("zeta"),    \
    kInputA | kInputB, mul(g, mul(neg(a), binary(BinaryOp::Zeta, add(a, num(1.0)), b))))                            \
  /* polygamma(n, x) with the order n as the first operand (an integer, checked by ops/unary.cpp) */                \
  X(Polygamma, "polygamma", Float, polygamma_value(int(x), y), "PolygammaBackward0", kNothing,                        \
    not_implemented_grad("polygamma"), kInputA | kInputB, mul(g, binary(BinaryOp::Polygamma, add(a, num(1.0)), b)))

enum class BinaryOp {
#define EMBER_BINARY_ENUM(E, name, kind, formula, node, uses_a, grad_a, uses_b, grad_b) E,
  EMBER_BINARY_OPS(EMBER_BINARY_ENUM)
#undef EMBER_BINARY_ENUM
};

// The scalar formula of each row as a functor: `BinaryFn<BinaryOp::Add>{}(x, y)`, with its kind.
template <BinaryOp Op>
struct BinaryFn;
#define EMBER_BINARY_FUNCTOR(E, name_, kind_, formula, node, uses_a, grad_a, uses_b, grad_b) \
  template <>                                                                               \
  struct BinaryFn<BinaryOp::E> {                                                            \
    static constexpr BinaryOp op = BinaryOp::E;                                             \
    static constexpr BinaryKind kind = BinaryKind::kind_;                                   \
    template <typename A>                                                                   \
    EMBER_HOST_DEVICE auto operator()(A x, A y) const {                                     \
      return formula;                                                                       \
    }                                                                                       \
  };
EMBER_BINARY_OPS(EMBER_BINARY_FUNCTOR)
#undef EMBER_BINARY_FUNCTOR

// Calls f(BinaryFn<op>{}): one switch, so a backend instantiates each formula once per dtype.
template <typename F>
decltype(auto) with_binary_fn(BinaryOp op, F&& f) {
  switch (op) {
#define EMBER_BINARY_CASE(E, name, kind, formula, node, uses_a, grad_a, uses_b, grad_b) \
  case BinaryOp::E:                                                                     \
    return f(BinaryFn<BinaryOp::E>{});
    EMBER_BINARY_OPS(EMBER_BINARY_CASE)
#undef EMBER_BINARY_CASE
  }
  return f(BinaryFn<BinaryOp::Add>{});  // unreachable: every case returns
}

// The data columns of each row, indexed by the op: `binary_row(BinaryOp::Mul).uses_a`.
struct BinaryRow {
  const char* name;
  BinaryKind kind;
  const char* node;
  unsigned uses_a, uses_b;  // BinaryUses bits
};
inline constexpr BinaryRow kBinaryRows[] = {
#define EMBER_BINARY_ROW(E, name, kind, formula, node, uses_a, grad_a, uses_b, grad_b) \
  {name, BinaryKind::kind, node, unsigned(uses_a), unsigned(uses_b)},
    EMBER_BINARY_OPS(EMBER_BINARY_ROW)
#undef EMBER_BINARY_ROW
};
constexpr const BinaryRow& binary_row(BinaryOp op) { return kBinaryRows[static_cast<int>(op)]; }
constexpr const char* binary_op_name(BinaryOp op) { return binary_row(op).name; }
constexpr BinaryKind binary_kind(BinaryOp op) { return binary_row(op).kind; }

}  // namespace ember
