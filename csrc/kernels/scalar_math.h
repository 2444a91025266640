// Scalar math shared by the elementwise formulas of every backend (the unary, binary and
// activation rows): constants, and the formulas longer than an expression. Each is a template on
// the compute type A; `if constexpr` picks the integer or floating rule where they differ.
// EMBER_HOST_DEVICE marks what a CUDA kernel may call too.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#if defined(__CUDACC__)
#define EMBER_HOST_DEVICE __host__ __device__
#else
#define EMBER_HOST_DEVICE
#endif

// Integer division by zero raises on the host (it would trap); a device kernel cannot raise and
// gives 0 there. Defined in kernels/op_names.cpp.
#if defined(__CUDA_ARCH__)
#define EMBER_ZERO_DIVISION(op) return 0
#else
#define EMBER_ZERO_DIVISION(op) ::ember::raise_zero_division(op)
#endif

namespace ember {

[[noreturn]] void raise_zero_division(const char* op);

constexpr double kPi = 3.14159265358979323846;
constexpr double kLn2 = 0.69314718055994530942;
constexpr double kLn10 = 2.30258509299404568402;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
constexpr double kHalfSqrtPi = 0.88622692545275801365;

// erfinv in double precision: Winitzki's closed-form estimate (relative error below 2e-3) refined
// by Halley steps on f(y) = erf(y) - |x|, evaluated as (1 - |x|) - erfc(y) in the tails where
// erf(y) - |x| would cancel. Three steps reach full double precision.
EMBER_HOST_DEVICE inline double erfinv_double(double x) {
  if (!(x >= -1.0 && x <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return x;  // keeps -0.0
  const double ax = std::fabs(x);
  if (ax == 1.0) return std::copysign(std::numeric_limits<double>::infinity(), x);
  double y;
  if (ax < 1e-3) {
    y = ax / kTwoOverSqrtPi;  // the series' first term; the closed form cancels here
  } else {
    constexpr double a = 0.147;
    const double l = std::log((1.0 - ax) * (1.0 + ax));
    const double b = 2.0 / (kPi * a) + 0.5 * l;
    y = std::sqrt(std::sqrt(b * b - l / a) - b);
  }
  for (int i = 0; i < 3; ++i) {
    const double f = ax <= 0.5 ? std::erf(y) - ax : (1.0 - ax) - std::erfc(y);
    const double r = f / (kTwoOverSqrtPi * std::exp(-y * y));  // the Newton step f / f'
    y -= r / (1.0 + y * r);                                      // Halley: f'' = -2y f'
  }
  return std::copysign(y, x);
}

// |x|, with abs(-0.0) = +0.0 (a select on x < 0 keeps -0.0)
template <typename A>
EMBER_HOST_DEVICE inline A abs_value(A x) {
  if constexpr (std::is_floating_point_v<A>) {
    return std::fabs(x);
  } else {
    return x < A(0) ? A(0) - x : x;
  }
}

// sin(pi x) / (pi x), and 1 at 0 (torch.sinc); infinities and NaN give NaN, as in torch.
template <typename A>
EMBER_HOST_DEVICE inline A sinc_value(A x) {
  if (x == A(0)) return A(1);
  const A px = A(kPi) * x;
  return std::sin(px) / px;
}

// ---- binary rows ----

template <typename A>
constexpr bool is_float_v = std::is_floating_point_v<A>;

// a / b rounded toward zero; integers: C's division, which is that already
template <typename A>
EMBER_HOST_DEVICE inline A div_trunc_value(A a, A b) {
  if constexpr (is_float_v<A>) {
    return std::trunc(a / b);
  } else {
    if (b == 0) EMBER_ZERO_DIVISION("div");
    if constexpr (std::is_signed_v<A>) {
      if (b == A(-1)) return static_cast<A>(0 - static_cast<std::make_unsigned_t<A>>(a));  // INT_MIN / -1 traps
    }
    return static_cast<A>(a / b);
  }
}

// Python's floor division: floats follow Python's float // (the sign of a zero follows a / b)
template <typename A>
EMBER_HOST_DEVICE inline A div_floor_value(A a, A b) {
  if constexpr (is_float_v<A>) {
    if (b == A(0)) return a / b;
    A mod = std::fmod(a, b);
    A div = (a - mod) / b;
    if (mod != A(0) && ((b < A(0)) != (mod < A(0)))) div -= A(1);
    if (div == A(0)) return std::copysign(A(0), a / b);
    A floordiv = std::floor(div);
    if (div - floordiv > A(0.5)) floordiv += A(1);
    return floordiv;
  } else {
    if (b == 0) EMBER_ZERO_DIVISION("floor_divide");
    if constexpr (std::is_signed_v<A>) {
      if (b == A(-1)) return static_cast<A>(0 - static_cast<std::make_unsigned_t<A>>(a));
      A q = static_cast<A>(a / b);
      if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
      return q;
    } else {
      return static_cast<A>(a / b);
    }
  }
}

// Python's modulo: the result takes the divisor's sign
template <typename A>
EMBER_HOST_DEVICE inline A remainder_value(A a, A b) {
  if constexpr (is_float_v<A>) {
    A r = std::fmod(a, b);
    if (r != A(0) && ((r < A(0)) != (b < A(0)))) r += b;
    return r;
  } else {
    if (b == 0) EMBER_ZERO_DIVISION("remainder");
    if constexpr (std::is_signed_v<A>) {
      if (b == A(-1)) return 0;
      A r = static_cast<A>(a % b);
      if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<A>(r + b);
      return r;
    } else {
      return static_cast<A>(a % b);
    }
  }
}

// C's fmod: the result takes the dividend's sign
template <typename A>
EMBER_HOST_DEVICE inline A fmod_value(A a, A b) {
  if constexpr (is_float_v<A>) {
    return std::fmod(a, b);
  } else {
    if (b == 0) EMBER_ZERO_DIVISION("fmod");
    if constexpr (std::is_signed_v<A>) {
      if (b == A(-1)) return 0;  // INT_MIN % -1 traps
    }
    return static_cast<A>(a % b);
  }
}

// Integers: exact by squaring, wrapping on overflow as torch; a negative exponent truncates
// 1 / base^n, so only 1 and -1 survive.
template <typename A>
EMBER_HOST_DEVICE inline A pow_value(A base, A exp) {
  if constexpr (is_float_v<A>) {
    return std::pow(base, exp);
  } else {
    if constexpr (std::is_signed_v<A>) {
      if (exp < 0) {
        if (base == 1) return 1;
        if (base == -1) return (exp % 2 == 0) ? 1 : -1;
        return 0;
      }
    }
    using U = std::make_unsigned_t<A>;
    U result = 1, b = static_cast<U>(base);
    for (U e = static_cast<U>(exp); e; e >>= 1) {
      if (e & 1) result = static_cast<U>(result * b);
      b = static_cast<U>(b * b);
    }
    return static_cast<A>(result);
  }
}

// maximum (Max) and minimum: NaN propagates from either side
template <bool Max, typename A>
EMBER_HOST_DEVICE inline A extremum_value(A a, A b) {
  if constexpr (is_float_v<A>) {
    if (a != a) return a;
    if (b != b) return b;
  }
  return (Max ? a > b : a < b) ? a : b;
}

// fmax/fmin: a NaN operand is ignored (the result is NaN only when both are)
template <bool Max, typename A>
EMBER_HOST_DEVICE inline A fextremum_value(A a, A b) {
  if constexpr (is_float_v<A>) {
    if (a != a) return b;
    if (b != b) return a;
  }
  return (Max ? a > b : a < b) ? a : b;
}

// Shifts as torch defines them past the width: a left shift by a negative or too large count
// gives 0; a right shift gives the sign fill (0 or -1).
template <typename A>
EMBER_HOST_DEVICE inline A shift_left_value(A a, A b) {
  using U = std::make_unsigned_t<A>;
  constexpr int bits = sizeof(A) * 8;
  if constexpr (std::is_signed_v<A>) {
    if (b < 0) return 0;
  }
  if (static_cast<int64_t>(b) >= bits) return 0;
  return static_cast<A>(static_cast<U>(static_cast<U>(a) << static_cast<int>(b)));
}
template <typename A>
EMBER_HOST_DEVICE inline A shift_right_value(A a, A b) {
  constexpr int bits = sizeof(A) * 8;
  if constexpr (std::is_signed_v<A>) {
    if (b < 0 || static_cast<int64_t>(b) >= bits) return static_cast<A>(a >> (bits - 1));
  } else {
    if (static_cast<int64_t>(b) >= bits) return 0;
  }
  return static_cast<A>(a >> static_cast<int>(b));
}

// log(base^a + base^b) without overflow, for base e or 2 (Base2); equal infinities give
// themselves, not NaN
template <typename A, bool Base2 = false>
EMBER_HOST_DEVICE inline A log_add_exp_value(A a, A b) {
  if (std::isinf(a) && a == b) return a;
  A m = a > b ? a : b;
  if (m != m || a != a || b != b) return std::numeric_limits<A>::quiet_NaN();
  if constexpr (Base2) {
    return m + std::log1p(std::exp2(-std::fabs(a - b))) / A(kLn2);
  } else {
    return m + std::log1p(std::exp(-std::fabs(a - b)));
  }
}

// x * log(y), and 0 where x is 0 (unless y is NaN)
template <typename A>
EMBER_HOST_DEVICE inline A xlogy_value(A x, A y) {
  if (y != y) return y;
  if (x == A(0)) return A(0);
  return x * std::log(y);
}

// ---- activation rows ----

constexpr double kSqrt1_2 = 0.707106781186547524400844362104849039;      // 1/sqrt(2)
constexpr double kInvSqrt2Pi = 0.398942280401432677939946059934381868;   // 1/sqrt(2*pi)
constexpr double kSqrt2OverPi = 0.797884560802865355879892119868763737;  // sqrt(2/pi)
constexpr double kGeluKappa = 0.044715;

template <typename A>
EMBER_HOST_DEVICE inline A softplus_backward(A g, A x, A beta, A threshold) {
  if (x * beta > threshold) return g;
  A z = std::exp(x * beta);
  return g * z / (z + A(1));
}

template <typename A>
EMBER_HOST_DEVICE inline A gelu_backward(A g, A x) {
  A cdf = A(0.5) * (A(1) + std::erf(x * A(kSqrt1_2)));
  A pdf = std::exp(A(-0.5) * x * x) * A(kInvSqrt2Pi);
  return g * (cdf + x * pdf);
}

template <typename A>
EMBER_HOST_DEVICE inline A gelu_tanh_value(A x) {
  return A(0.5) * x * (A(1) + std::tanh(A(kSqrt2OverPi) * (x + A(kGeluKappa) * x * x * x)));
}
template <typename A>
EMBER_HOST_DEVICE inline A gelu_tanh_backward(A g, A x) {
  A t = std::tanh(A(kSqrt2OverPi) * (x + A(kGeluKappa) * x * x * x));
  A dinner = A(kSqrt2OverPi) * (A(1) + A(3 * kGeluKappa) * x * x);
  return g * (A(0.5) * (A(1) + t) + A(0.5) * x * (A(1) - t * t) * dinner);
}

template <typename A>
EMBER_HOST_DEVICE inline A silu_backward(A g, A x) {
  A s = A(1) / (A(1) + std::exp(-x));
  return g * s * (A(1) + x * (A(1) - s));
}

template <typename A>
EMBER_HOST_DEVICE inline A mish_backward(A g, A x) {
  A s = A(1) / (A(1) + std::exp(-x));
  A t = std::tanh(std::log1p(std::exp(x)));
  return g * (t + x * s * (A(1) - t * t));
}

// torch's x * relu6(x + 3) / 6: -inf gives NaN, as there
template <typename A>
EMBER_HOST_DEVICE inline A hardswish_value(A x) {
  A r = x + A(3);
  r = r < A(0) ? A(0) : (r > A(6) ? A(6) : r);
  return x * r / A(6);
}

template <typename A>
EMBER_HOST_DEVICE inline A log_sigmoid_backward(A g, A x) {
  const bool negative = x < A(0);
  A z = std::exp(-std::fabs(x));
  return g * ((negative ? A(1) : A(0)) - (negative ? A(1) : A(-1)) * (z / (A(1) + z)));
}

// 1/d - |x|/d^2 (= 1/d^2), NaN at infinities as torch's composite
template <typename A>
EMBER_HOST_DEVICE inline A softsign_backward(A g, A x) {
  A d = A(1) + std::fabs(x);
  return g / d - g * std::fabs(x) / (d * d);
}

template <typename A>
EMBER_HOST_DEVICE inline A tanhshrink_backward(A g, A x) {
  A t = std::tanh(x);
  return g * t * t;
}

}  // namespace ember
