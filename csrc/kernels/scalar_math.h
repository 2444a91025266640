// Scalar math shared by the elementwise formulas of every backend: constants, and the functions
// the C library lacks (erfinv, sinc). EMBER_HOST_DEVICE marks what a CUDA kernel may call too.
#pragma once
#include <cmath>
#include <type_traits>
#include <limits>

#if defined(__CUDACC__)
#define EMBER_HOST_DEVICE __host__ __device__
#else
#define EMBER_HOST_DEVICE
#endif

namespace ember {

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

// sin(pi x) / (pi x), and 1 at 0 (torch.sinc); infinities and NaN give NaN, as in torch.
// |x|, with abs(-0.0) = +0.0 (a select on x < 0 keeps -0.0)
template <typename A>
EMBER_HOST_DEVICE inline A abs_value(A x) {
  if constexpr (std::is_floating_point_v<A>) {
    return std::fabs(x);
  } else {
    return x < A(0) ? A(0) - x : x;
  }
}

template <typename A>
EMBER_HOST_DEVICE inline A sinc_value(A x) {
  if (x == A(0)) return A(1);
  const A px = A(kPi) * x;
  return std::sin(px) / px;
}

}  // namespace ember
