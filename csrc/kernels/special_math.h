// Special functions of torch.special (and torch.gcd / torch.lcm), as scalar templates every backend
// can call: digamma, polygamma, Hurwitz zeta, the modified Bessel functions I0/I1 (and their
// exponentially scaled forms), the normal distribution (ndtr, log_ndtr, ndtri), erfcx, entr,
// xlog1py, gcd and lcm.
//
// Each floating function is a template on the floating type A (float or double). float is
// computed internally in double and rounded once at the end (so float results are the correctly
// rounded value up to double's error), except where torch's float result is defined by a float
// overflow (I0/I1 overflow where exp(|x|) overflows in A) or by float rounding at a pole
// (trigamma at non-positive integers); those are evaluated in A to give torch's value.
//
// Written from the mathematical definitions: power series, recurrences, reflection formulas,
// Euler-Maclaurin summation with Bernoulli numbers, asymptotic expansions and continued fractions.
// Edge-case conventions (inf/NaN at poles, domain limits) follow torch 2.x; see each function.
#pragma once
#include <cmath>
#include <limits>
#include <type_traits>

#ifndef EMBER_HOST_DEVICE
#if defined(__CUDACC__)
#define EMBER_HOST_DEVICE __host__ __device__
#else
#define EMBER_HOST_DEVICE
#endif
#endif

namespace ember {
namespace special_detail {

// The type a function computes in: double for float (and double), A otherwise.
template <typename A>
using calc_t = typename std::conditional<std::is_same<A, float>::value, double, A>::type;

constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kPiSq = 9.869604401089358618834490999876151135;        // pi^2
constexpr double kInvSqrtPi = 0.5641895835477562869480794515607725858;  // 1/sqrt(pi)
constexpr double kSqrtHalf = 0.7071067811865475244008443621048490393;   // 1/sqrt(2)
constexpr double kSqrt2OverPi = 0.7978845608028653558798921198687637369; // sqrt(2/pi)
constexpr double kSqrt2Pi = 2.506628274631000502415765284811045253;     // sqrt(2 pi)
constexpr double kInvSqrt2Pi = 0.3989422804014326779399460599343818685; // 1/sqrt(2 pi)

template <typename C>
EMBER_HOST_DEVICE inline C qnan() {
  return std::numeric_limits<C>::quiet_NaN();
}
template <typename C>
EMBER_HOST_DEVICE inline C inf() {
  return std::numeric_limits<C>::infinity();
}
template <typename C>
EMBER_HOST_DEVICE inline C eps() {
  return std::numeric_limits<C>::epsilon();
}

// exp(x^2) without the error of rounding x^2 first: x^2 = p + e exactly (e from an fma), and
// exp(p + e) = exp(p) * (1 + e) since |e| <= ulp(p) / 2 is tiny.
template <typename C>
EMBER_HOST_DEVICE inline C exp_x2(C x) {
  C p = x * x;
  if (!(p < C(1e300))) return std::exp(p);
  C e = std::fma(x, x, -p);
  return std::exp(p) * (C(1) + e);
}

// ---------------------------------------------------------------------------------------------
// digamma for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x lifts x to >= 10, then the
// asymptotic series psi(x) = ln x - 1/(2x) - sum_k B_2k / (2k x^2k), k = 1..8.
template <typename C>
EMBER_HOST_DEVICE inline C digamma_pos(C x) {
  C acc = 0;
  while (x < C(10)) {
    acc -= C(1) / x;
    x += C(1);
  }
  // B_2k / (2k) for k = 1..8, from B2 = 1/6, B4 = -1/30, B6 = 1/42, B8 = -1/30, B10 = 5/66,
  // B12 = -691/2730, B14 = 7/6, B16 = -3617/510.
  constexpr double c[8] = {
      (1.0 / 6.0) / 2.0,        (-1.0 / 30.0) / 4.0, (1.0 / 42.0) / 6.0,
      (-1.0 / 30.0) / 8.0,      (5.0 / 66.0) / 10.0, (-691.0 / 2730.0) / 12.0,
      (7.0 / 6.0) / 14.0,       (-3617.0 / 510.0) / 16.0};
  C z = C(1) / (x * x);  // 0 when x*x overflows
  C poly = C(c[7]);
  for (int k = 6; k >= 0; --k) poly = poly * z + C(c[k]);
  return acc + (std::log(x) - C(0.5) / x - poly * z);
}

// x minus the nearest integer, in [-1/2, 1/2], exactly (x - trunc(x) and r -+ 1 are exact).
template <typename C>
EMBER_HOST_DEVICE inline C reduce_half(C x) {
  C r = x - std::trunc(x);
  if (r > C(0.5)) r -= C(1);
  if (r < C(-0.5)) r += C(1);
  return r;
}

// pi * cot(pi * x) for a non-integer x, reduced to r = x - nearest integer (exact), so the
// result is accurate next to the integers too.
template <typename C>
EMBER_HOST_DEVICE inline C pi_cot_pi(C x) {
  C r = reduce_half(x);
  if (std::fabs(r) < C(1e-9)) return C(1) / r - C(kPiSq / 3.0) * r;
  C pr = C(kPi) * r;
  return C(kPi) * std::cos(pr) / std::sin(pr);
}

// sin(pi * x)^2 for finite x, through the same reduction.
template <typename C>
EMBER_HOST_DEVICE inline C sin_pi_sq(C x) {
  C r = reduce_half(x);
  C s = std::sin(C(kPi) * r);
  return s * s;
}

template <typename C>
EMBER_HOST_DEVICE inline C digamma_calc(C x) {
  if (std::isnan(x)) return x;
  if (x == C(0)) return std::copysign(inf<C>(), -x);  // psi(+0) = -inf, psi(-0) = +inf
  if (x == inf<C>()) return x;
  if (x < C(0)) {
    if (x == std::floor(x)) return qnan<C>();  // negative integers and -inf
    // Reflection: psi(x) = psi(1 - x) - pi cot(pi x).
    return digamma_pos(C(1) - x) - pi_cot_pi(x);
  }
  return digamma_pos(x);
}

// ---------------------------------------------------------------------------------------------
// Hurwitz zeta(s, q) = sum_{k>=0} (k + q)^-s, by Euler-Maclaurin summation: the first terms
// directly (until k + q >= a_min), then with a = q + N
//   sum_{k>=N} (k+q)^-s = a^(1-s)/(s-1) + a^-s/2
//                         + sum_j B_2j/(2j)! s(s+1)...(s+2j-2) a^(-s-2j+1).
// torch's conventions: s == 1 -> inf (even for a NaN q); s < 1 -> NaN; q a non-positive integer
// (or -inf) -> inf (even for a NaN s); other NaN -> NaN; q < 0 with s not an integer -> NaN; q == +inf -> NaN; s == +inf -> 1 at q == 1, inf for
// q < 1 and NaN for q > 1.
template <typename C>
EMBER_HOST_DEVICE inline C zeta_sum(C s, C q);

// zeta(s, q) for an integer s and a negative non-integer q. With m = ceil(-q),
// g = -(q + m - 1) in (0, 1) (exact: the last negative k + q) and f = q + m = 1 - g (exact
// unless f > 1/2, where zeta(s, .) is smooth), the first m terms are
// (k + q)^-s = (-1)^s (j + g)^-s, j = m-1-k, and sum_{j<m} (j + g)^-s = zeta(s, g) - zeta(s, m+g):
//   even s: zeta(s, q) = sum_{j<m} (j+g)^-s + zeta(s, f)          (all terms positive)
//   odd s:  zeta(s, q) = (zeta(s, f) - zeta(s, g)) + zeta(s, m+g)
// The odd form avoids the cancellation of direct summation (exact 0 bracket at f = 1/2) and
// both cost O(1) however negative q is.
template <typename C>
EMBER_HOST_DEVICE inline C zeta_neg_q(C s, C q) {
  C m = std::ceil(-q);
  C g = -(q + (m - C(1)));
  C f = q + m;
  bool odd = std::fmod(s, C(2)) != C(0);
  if (odd) return (zeta_sum(s, f) - zeta_sum(s, g)) + zeta_sum(s, m + g);
  if (m <= C(64)) {
    C sum = 0;
    for (int j = static_cast<int>(m) - 1; j >= 0; --j) sum += std::pow(C(j) + g, -s);
    return sum + zeta_sum(s, f);
  }
  return (zeta_sum(s, g) - zeta_sum(s, m + g)) + zeta_sum(s, f);
}

template <typename C>
EMBER_HOST_DEVICE inline C zeta_calc(C s, C q) {
  if (s == C(1)) return inf<C>();
  if (s < C(1)) return qnan<C>();
  if (q <= C(0)) {  // (torch checks this before a NaN s: zeta(NaN, -2) = inf)
    if (q == std::floor(q)) return inf<C>();
    if (s != std::floor(s)) return qnan<C>();
  }
  if (std::isnan(s) || std::isnan(q)) return qnan<C>();
  if (q == inf<C>()) return qnan<C>();
  if (s == inf<C>()) {
    if (q == C(1)) return C(1);
    return q < C(1) ? inf<C>() : qnan<C>();
  }
  if (q < C(0)) return zeta_neg_q(s, q);
  return zeta_sum(s, q);
}

// Euler-Maclaurin part of zeta_calc; s > 1 finite, q finite and not a non-positive integer.
template <typename C>
EMBER_HOST_DEVICE inline C zeta_sum(C s, C q) {
  const C tol = eps<C>() * C(0.25);
  C a_min = s + C(10);
  if (a_min < C(12)) a_min = C(12);
  C sum = 0;
  C a = q;
  for (int k = 1; a < a_min; ++k) {
    C t = std::pow(a, -s);
    sum += t;
    // Once the terms are positive and decreasing, the rest is below t * a / (s - 1).
    if (a > C(0) && !(t * a / (s - C(1)) > tol * std::fabs(sum))) return sum;
    a = q + C(k);
  }
  // B_2j for j = 1..12 (B2 = 1/6, ..., B24 = -236364091/2730); divided by (2j)! below.
  constexpr double b2j[12] = {1.0 / 6.0,          -1.0 / 30.0,         1.0 / 42.0,
                              -1.0 / 30.0,        5.0 / 66.0,          -691.0 / 2730.0,
                              7.0 / 6.0,          -3617.0 / 510.0,     43867.0 / 798.0,
                              -174611.0 / 330.0,  854513.0 / 138.0,    -236364091.0 / 2730.0};
  C a_s = std::pow(a, -s);
  C tail = std::pow(a, C(1) - s) / (s - C(1)) + C(0.5) * a_s;
  C inv_a2 = C(1) / (a * a);
  C fac = s * a_s / a;  // s (s+1) ... (s+2j-2) a^(-s-2j+1)
  C fact = 2;           // (2j)!
  C corr = 0;
  for (int j = 1; j <= 12; ++j) {
    C t = C(b2j[j - 1]) / fact * fac;
    corr += t;
    if (!(std::fabs(t) > tol * std::fabs(tail + corr))) break;
    fac *= (s + C(2 * j - 1)) * (s + C(2 * j)) * inv_a2;
    fact *= C(2 * j + 1) * C(2 * j + 2);
  }
  return sum + (tail + corr);
}

// trigamma at x > 0 or a negative non-integer x.
template <typename C>
EMBER_HOST_DEVICE inline C trigamma_calc(C x) {
  if (x < C(0)) {
    // Reflection: psi1(x) = pi^2 / sin^2(pi x) - psi1(1 - x); both terms positive, no cancel.
    return C(kPiSq) / sin_pi_sq(x) - zeta_calc(C(2), C(1) - x);
  }
  return zeta_calc(C(2), x);
}

// ---------------------------------------------------------------------------------------------
// Modified Bessel functions of the first kind, orders nu = 0, 1, for ax >= 0.
// Power series I_nu(x) = (x/2)^nu sum_k (x^2/4)^k / (k! (k+nu)!): all terms positive.
template <typename C>
EMBER_HOST_DEVICE inline C bessel_i_series(C ax, int nu) {
  C y = C(0.25) * ax * ax;
  C term = nu == 0 ? C(1) : C(0.5) * ax;
  C sum = term;
  for (int k = 1; k < 500; ++k) {
    term *= y / (C(k) * C(k + nu));
    sum += term;
    if (!(term > sum * eps<C>() * C(0.25))) break;
  }
  return sum;
}

// The asymptotic series S with I_nu(x) ~ e^x / sqrt(2 pi x) * S for large x:
// S = sum_k (-1)^k prod_{i=1..k} (4 nu^2 - (2i-1)^2) / (k! (8x)^k).
template <typename C>
EMBER_HOST_DEVICE inline C bessel_i_asym(C ax, int nu) {
  C mu = C(4 * nu * nu);
  C term = 1;
  C sum = 1;
  for (int k = 1; k < 80; ++k) {
    C odd = C(2 * k - 1);
    C next = -term * (mu - odd * odd) / (C(8 * k) * ax);
    if (std::fabs(next) >= std::fabs(term)) break;  // the series starts to diverge
    term = next;
    sum += term;
    if (!(std::fabs(term) > eps<C>() * C(0.25) * std::fabs(sum))) break;
  }
  return sum;
}

// Beyond this |x| the asymptotic series reaches full double precision.
constexpr double kBesselAsymFrom = 30.0;

// e^-ax * I_nu(ax), ax >= 0.
template <typename C>
EMBER_HOST_DEVICE inline C bessel_ie_calc(C ax, int nu) {
  if (ax <= C(kBesselAsymFrom)) return bessel_i_series(ax, nu) * std::exp(-ax);
  return bessel_i_asym(ax, nu) / std::sqrt(C(2.0 * kPi) * ax);
}

// I_nu(ax), ax >= 0, finite and exp(ax) finite.
template <typename C>
EMBER_HOST_DEVICE inline C bessel_i_calc(C ax, int nu) {
  if (ax <= C(kBesselAsymFrom)) return bessel_i_series(ax, nu);
  return std::exp(ax) * (bessel_i_asym(ax, nu) / std::sqrt(C(2.0 * kPi) * ax));
}

// ---------------------------------------------------------------------------------------------
// erfcx(x) = exp(x^2) erfc(x).
template <typename C>
EMBER_HOST_DEVICE inline C erfcx_pos(C x) {  // x >= 0
  if (x < C(10)) return exp_x2(x) * std::erfc(x);
  if (x > C(1e9)) return C(kInvSqrtPi) / x;  // the next term is 1/(2x^2) relative
  // Continued fraction erfc(x) = e^-x^2 / sqrt(pi) * 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...))))
  // evaluated from the back; 40 levels give full double precision for x >= 10.
  C t = x;
  for (int k = 40; k >= 1; --k) t = x + C(0.5 * k) / t;
  return C(kInvSqrtPi) / t;
}

template <typename C>
EMBER_HOST_DEVICE inline C erfcx_calc(C x) {
  if (std::isnan(x)) return x;
  if (x >= C(0)) return erfcx_pos(x);
  // erfc(-y) = 2 - erfc(y) -> erfcx(x) = 2 exp(x^2) - erfcx(-x); overflows to inf below ~-26.6.
  if (x < C(-30)) return inf<C>();
  return C(2) * exp_x2(x) - erfcx_pos(-x);
}

// exp(-x^2 / 2) with x^2 = p + e split exactly (as exp_x2).
template <typename C>
EMBER_HOST_DEVICE inline C exp_neg_half_x2(C x) {
  C p = x * x;
  if (!(p < C(1e300))) return std::exp(C(-0.5) * p);
  C e = std::fma(x, x, -p);
  return std::exp(C(-0.5) * p) * (C(1) - C(0.5) * e);
}

template <typename C>
EMBER_HOST_DEVICE inline C ndtr_calc(C x) {
  // In the lower tail erfc(-x/sqrt2) would carry the rounding of x/sqrt2 amplified by x^2;
  // erfcx(z) is well conditioned in z, and exp(-x^2/2) is taken from x itself.
  if (x < C(-3)) return C(0.5) * erfcx_pos(-x * C(kSqrtHalf)) * exp_neg_half_x2(x);
  return C(0.5) * std::erfc(-x * C(kSqrtHalf));
}

template <typename C>
EMBER_HOST_DEVICE inline C log_ndtr_calc(C x) {
  if (std::isnan(x)) return x;
  if (x < C(-1)) {
    // Phi(x) = erfc(-x/sqrt2)/2 = erfcx(-x/sqrt2)/2 * exp(-x^2/2).
    return std::log(C(0.5) * erfcx_calc(-x * C(kSqrtHalf))) - C(0.5) * x * x;
  }
  return std::log1p(-ndtr_calc(-x));
}

// phi(x) / Phi(x) = sqrt(2/pi) / erfcx(-x/sqrt2), without under/overflow for x << 0.
template <typename C>
EMBER_HOST_DEVICE inline C mills_inv(C x) {
  return C(kSqrt2OverPi) / erfcx_calc(-x * C(kSqrtHalf));
}

// Phi^-1(p) for 0 < p <= 1/2 when lower, where p is given in full.
template <typename C>
EMBER_HOST_DEVICE inline C ndtri_lower_tail(C p) {
  // Initial guess: the rational approximation of Abramowitz & Stegun 26.2.23 (Hastings),
  // |error| < 4.5e-4, then Halley steps on f(x) = log Phi(x) - log p:
  // f' = r = phi/Phi, f'' = -r (x + r).
  C lp = std::log(p);
  C t = std::sqrt(C(-2) * lp);
  C x = -(t - (C(2.515517) + t * (C(0.802853) + t * C(0.010328))) /
                  (C(1) + t * (C(1.432788) + t * (C(0.189269) + t * C(0.001308)))));
  for (int it = 0; it < 6; ++it) {
    C f = log_ndtr_calc(x) - lp;
    C r = mills_inv(x);
    C dx = -f / (r + C(0.5) * f * (x + r));
    x += dx;
    if (!(std::fabs(dx) > C(4) * eps<C>() * std::fabs(x))) break;
  }
  return x;
}

template <typename C>
EMBER_HOST_DEVICE inline C ndtri_calc(C p) {
  if (std::isnan(p)) return p;
  if (p < C(0) || p > C(1)) return qnan<C>();
  if (p == C(0)) return -inf<C>();
  if (p == C(1)) return inf<C>();
  if (p < C(0.25)) return ndtri_lower_tail(p);
  if (p > C(0.75)) return -ndtri_lower_tail(C(1) - p);  // 1 - p is exact here
  // Centre: solve erf(x/sqrt2)/2 = u with u = p - 1/2 (exact). Initial guess from the inverse
  // error function series sqrt2 erfinv(z), z = 2u:
  // erfinv(z) = sqrt(pi)/2 (z + pi/12 z^3 + 7 pi^2/480 z^5 + 127 pi^3/40320 z^7 + ...).
  C u = p - C(0.5);
  if (u == C(0)) return C(0);
  C z = C(2) * u;
  C w = C(kPi) * z * z;
  C x = C(kSqrt2Pi) * u *
        (C(1) + w * (C(1.0 / 12.0) + w * (C(7.0 / 480.0) + w * C(127.0 / 40320.0))));
  for (int it = 0; it < 6; ++it) {
    C g = C(0.5) * std::erf(x * C(kSqrtHalf)) - u;
    C phi = C(kInvSqrt2Pi) * std::exp(C(-0.5) * x * x);
    C dx = -g / (phi + C(0.5) * g * x);  // Halley: g' = phi, g'' = -x phi
    x += dx;
    if (!(std::fabs(dx) > C(4) * eps<C>() * std::fabs(x))) break;
  }
  return x;
}

}  // namespace special_detail

// ---------------------------------------------------------------------------------------------
// torch.special.digamma / torch.digamma. psi(+0) = -inf, psi(-0) = +inf, psi(negative integer)
// = NaN, psi(-inf) = NaN, psi(+inf) = +inf.
template <typename A>
EMBER_HOST_DEVICE inline A digamma_value(A x) {
  using C = special_detail::calc_t<A>;
  return static_cast<A>(special_detail::digamma_calc(static_cast<C>(x)));
}

// torch.special.zeta(x, q): Hurwitz zeta; conventions in special_detail::zeta_calc.
template <typename A>
EMBER_HOST_DEVICE inline A zeta_value(A x, A q) {
  using C = special_detail::calc_t<A>;
  return static_cast<A>(special_detail::zeta_calc(static_cast<C>(x), static_cast<C>(q)));
}

// torch.special.polygamma(n, x). n = 0: digamma; n >= 1: (-1)^(n+1) n! zeta(n+1, x), so for
// n >= 2 torch's zeta conventions carry over (+-inf at non-positive integers, NaN at +inf).
// n = 1 (trigamma) follows torch's own rules: +inf -> 0, and at non-positive integers (and -inf)
// the reflection term pi^2 / sin(pi x)^2 evaluated in A: +inf at 0, NaN at -inf and, like
// torch, a huge finite value at negative integers (sin(pi * x) rounds to a tiny nonzero).
// n < 0 -> NaN.
template <typename A>
EMBER_HOST_DEVICE inline A polygamma_value(int n, A x) {
  using C = special_detail::calc_t<A>;
  if (n < 0) return special_detail::qnan<A>();
  if (n == 0) return digamma_value(x);
  if (n == 1) {
    if (std::isnan(x)) return x;
    if (x == special_detail::inf<A>()) return A(0);
    if (x <= A(0) && x == std::floor(x)) {
      A s = std::sin(static_cast<A>(special_detail::kPi) * x);  // torch: sin(pi * x) in A
      const A pi = static_cast<A>(special_detail::kPi);
      C refl = static_cast<C>(pi * pi / (s * s));
      C rest = std::isfinite(x) ? special_detail::zeta_calc(C(2), C(1) - static_cast<C>(x)) : C(0);
      return static_cast<A>(refl - rest);
    }
    return static_cast<A>(special_detail::trigamma_calc(static_cast<C>(x)));
  }
  C fact = 1;
  for (int k = 2; k <= n; ++k) fact *= C(k);
  C z = special_detail::zeta_calc(C(n + 1), static_cast<C>(x));
  C r = (n % 2 == 1) ? fact * z : -(fact * z);
  return static_cast<A>(r);
}

// torch.special.i0: I0(x). Even. +-inf -> NaN (torch), inf where exp(|x|) overflows in A
// (float: |x| > ~88.72, double: |x| > ~709.78), as torch.
template <typename A>
EMBER_HOST_DEVICE inline A i0_value(A x) {
  using C = special_detail::calc_t<A>;
  if (std::isnan(x) || std::isinf(x)) return special_detail::qnan<A>();
  A ax = std::fabs(x);
  if (std::isinf(std::exp(ax))) return special_detail::inf<A>();
  return static_cast<A>(special_detail::bessel_i_calc(static_cast<C>(ax), 0));
}

// torch.special.i0e: exp(-|x|) I0(x). +-inf -> 0.
template <typename A>
EMBER_HOST_DEVICE inline A i0e_value(A x) {
  using C = special_detail::calc_t<A>;
  if (std::isnan(x)) return x;
  return static_cast<A>(special_detail::bessel_ie_calc(static_cast<C>(std::fabs(x)), 0));
}

// torch.special.i1: I1(x). Odd, i1(-0) = +0. +-inf -> NaN (torch), +-inf where exp(|x|)
// overflows in A.
template <typename A>
EMBER_HOST_DEVICE inline A i1_value(A x) {
  using C = special_detail::calc_t<A>;
  if (std::isnan(x) || std::isinf(x)) return special_detail::qnan<A>();
  A ax = std::fabs(x);
  A r = std::isinf(std::exp(ax))
            ? special_detail::inf<A>()
            : static_cast<A>(special_detail::bessel_i_calc(static_cast<C>(ax), 1));
  return x < A(0) ? -r : r;
}

// torch.special.i1e: exp(-|x|) I1(x). i1e(+inf) = 0, i1e(-inf) = -0, i1e(-0) = +0.
template <typename A>
EMBER_HOST_DEVICE inline A i1e_value(A x) {
  using C = special_detail::calc_t<A>;
  if (std::isnan(x)) return x;
  A r = static_cast<A>(special_detail::bessel_ie_calc(static_cast<C>(std::fabs(x)), 1));
  return x < A(0) ? -r : r;
}

// torch.special.ndtr: Phi(x) = erfc(-x/sqrt2)/2.
template <typename A>
EMBER_HOST_DEVICE inline A ndtr_value(A x) {
  using C = special_detail::calc_t<A>;
  return static_cast<A>(special_detail::ndtr_calc(static_cast<C>(x)));
}

// torch.special.log_ndtr: log Phi(x); -inf at -inf (and where -x^2/2 overflows), -0 for large x.
template <typename A>
EMBER_HOST_DEVICE inline A log_ndtr_value(A x) {
  using C = special_detail::calc_t<A>;
  return static_cast<A>(special_detail::log_ndtr_calc(static_cast<C>(x)));
}

// torch.special.erfcx: exp(x^2) erfc(x); +inf for very negative x (overflow), 0 at +inf.
template <typename A>
EMBER_HOST_DEVICE inline A erfcx_value(A x) {
  using C = special_detail::calc_t<A>;
  return static_cast<A>(special_detail::erfcx_calc(static_cast<C>(x)));
}

// torch.special.ndtri: Phi^-1(p); p = 0 -> -inf, p = 1 -> +inf, outside [0, 1] or NaN -> NaN.
template <typename A>
EMBER_HOST_DEVICE inline A ndtri_value(A p) {
  using C = special_detail::calc_t<A>;
  return static_cast<A>(special_detail::ndtri_calc(static_cast<C>(p)));
}

// torch.special.entr: -x ln x for x > 0, 0 at +-0, -inf for x < 0, NaN for NaN.
template <typename A>
EMBER_HOST_DEVICE inline A entr_value(A x) {
  if (std::isnan(x)) return x;
  if (x > A(0)) return -x * std::log(x);
  if (x == A(0)) return A(0);
  return -special_detail::inf<A>();
}

// torch.special.xlog1py: x log1p(y); NaN if y is NaN, else 0 (+0) where x == 0.
template <typename A>
EMBER_HOST_DEVICE inline A xlog1py_value(A x, A y) {
  if (std::isnan(y)) return y;
  if (x == A(0)) return A(0);
  return x * std::log1p(y);
}

namespace special_detail {
// Two's-complement wrapping helpers (no signed-overflow UB).
template <typename W>
EMBER_HOST_DEVICE inline W wrap_neg(W v) {
  using U = typename std::make_unsigned<W>::type;
  return static_cast<W>(static_cast<U>(U(0) - static_cast<U>(v)));
}
template <typename W>
EMBER_HOST_DEVICE inline W wrap_mul(W a, W b) {
  using U = typename std::make_unsigned<W>::type;
  return static_cast<W>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
}
}  // namespace special_detail

// torch.gcd: Euclid on |a|, |b| in T. gcd(0, 0) = 0. As torch, |INT_MIN| wraps to INT_MIN, so
// gcd(INT_MIN, 0) = INT_MIN and e.g. gcd(6, INT_MIN) = -2 (C remainder of a negative value).
template <typename T>
EMBER_HOST_DEVICE inline T gcd_value(T a, T b) {
  static_assert(std::is_integral<T>::value, "gcd_value needs an integer type");
  if constexpr (std::is_signed<T>::value) {
    if (a < T(0)) a = special_detail::wrap_neg(a);
    if (b < T(0)) b = special_detail::wrap_neg(b);
    while (a != T(0)) {
      T c = a;
      a = (a == T(-1)) ? T(0) : static_cast<T>(b % a);
      b = c;
    }
  } else {
    while (a != T(0)) {
      T c = a;
      a = static_cast<T>(b % a);
      b = c;
    }
  }
  return b;
}

// torch.lcm: 0 if gcd is 0, else |a / g * b| -- in int for types narrower than int (C promotion,
// then converted back to T), in T with two's-complement wrap-around otherwise.
template <typename T>
EMBER_HOST_DEVICE inline T lcm_value(T a, T b) {
  static_assert(std::is_integral<T>::value, "lcm_value needs an integer type");
  T g = gcd_value(a, b);
  if (g == T(0)) return T(0);
  if constexpr (std::is_signed<T>::value) {
    using W = typename std::conditional<(sizeof(T) < sizeof(int)), int, T>::type;
    W q = (g == T(-1)) ? special_detail::wrap_neg(W(a)) : static_cast<W>(W(a) / W(g));
    W v = special_detail::wrap_mul(q, W(b));
    if (v < W(0)) v = special_detail::wrap_neg(v);
    return static_cast<T>(v);
  } else {
    using W = typename std::conditional<(sizeof(T) < sizeof(unsigned)), unsigned, T>::type;
    return static_cast<T>(static_cast<W>(W(a) / W(g)) * W(b));
  }
}

}  // namespace ember
