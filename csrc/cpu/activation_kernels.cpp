// Forward and backward kernels of the activation family. Each op is a scalar function in the
// compute type (float for 16-bit floats); gelu, gelu(tanh) and silu also have an AVX2 path for
// dense float32 that calls libmvec (8 lanes per call) and runs in parallel above the grain size.
#include <cmath>
#include <type_traits>

#include "cpu/avx512_kernels.h"
#include "cpu/cpu_kernels.h"
#include "cpu/loops.h"
#include "cpu/vec_math.h"

#if defined(EMBER_HAVE_VEC_MATH)
extern "C" __m256 _ZGVdN8v_erff(__m256);
#endif

namespace ember::cpu {

namespace {

constexpr double kSqrt1_2 = 0.707106781186547524400844362104849039;  // 1/sqrt(2)
constexpr double kInvSqrt2Pi = 0.398942280401432677939946059934381868;  // 1/sqrt(2*pi)
constexpr double kSqrt2OverPi = 0.797884560802865355879892119868763737;  // sqrt(2/pi)
constexpr double kKappa = 0.044715;

// Calls f with the forward scalar function of `op` over compute type A.
template <typename A, typename F>
void with_forward(ActivationOp op, const ActivationParams& p, const F& f) {
  const A a = A(p.a), b = A(p.b), c = A(p.c);
  switch (op) {
    case ActivationOp::Softplus:
      return f([a, b](A x) { return x * a > b ? x : std::log1p(std::exp(x * a)) / a; });
    case ActivationOp::Gelu:
      return f([](A x) { return A(0.5) * x * (A(1) + std::erf(x * A(kSqrt1_2))); });
    case ActivationOp::GeluTanh:
      return f([](A x) {
        return A(0.5) * x * (A(1) + std::tanh(A(kSqrt2OverPi) * (x + A(kKappa) * x * x * x)));
      });
    case ActivationOp::Silu: return f([](A x) { return x / (A(1) + std::exp(-x)); });
    case ActivationOp::Mish: return f([](A x) { return x * std::tanh(std::log1p(std::exp(x))); });
    case ActivationOp::Elu:  // a = alpha, b = scale, c = input_scale
      return f([a, b, c](A x) { return x > A(0) ? x * b : a * b * std::expm1(x * c); });
    case ActivationOp::LeakyRelu: return f([a](A x) { return x > A(0) ? x : x * a; });
    case ActivationOp::Hardtanh: return f([a, b](A x) { return x < a ? a : (x > b ? b : x); });
    case ActivationOp::Hardsigmoid:
      return f([](A x) { return x <= A(-3) ? A(0) : (x >= A(3) ? A(1) : x / A(6) + A(0.5)); });
    case ActivationOp::Hardswish:  // torch's x * relu6(x + 3) / 6: -inf gives NaN, as there
      return f([](A x) {
        A r = x + A(3);
        r = r < A(0) ? A(0) : (r > A(6) ? A(6) : r);
        return x * r / A(6);
      });
    case ActivationOp::LogSigmoid:  // -softplus(-x), stable both ways
      return f([](A x) { return (x < A(0) ? x : A(0)) - std::log1p(std::exp(-std::fabs(x))); });
    case ActivationOp::Softsign: return f([](A x) { return x / (A(1) + std::fabs(x)); });
    case ActivationOp::Tanhshrink: return f([](A x) { return x - std::tanh(x); });
    case ActivationOp::Threshold: return f([a, b](A x) { return x <= a ? b : x; });
    case ActivationOp::Hardshrink: return f([a](A x) { return (x >= -a && x <= a) ? A(0) : x; });
    case ActivationOp::Softshrink:  // NaN stays NaN
      return f([a](A x) { return x > a ? x - a : (x < -a ? x + a : (x != x ? x : A(0))); });
  }
  EMBER_FAIL(Runtime, "activation: unexpected op");
}

// Calls f with the backward function (grad, x) -> grad_input of `op`; at kinks it picks torch's
// one-sided derivative. A NaN input passes the gradient through the piecewise ones, as torch's
// scalar loops do (its vectorized float64 loops give 0 there).
template <typename A, typename F>
void with_backward(ActivationOp op, const ActivationParams& p, const F& f) {
  const A a = A(p.a), b = A(p.b), c = A(p.c);
  switch (op) {
    case ActivationOp::Softplus:
      return f([a, b](A g, A x) {
        if (x * a > b) return g;
        A z = std::exp(x * a);
        return g * z / (z + A(1));
      });
    case ActivationOp::Gelu:
      return f([](A g, A x) {
        A cdf = A(0.5) * (A(1) + std::erf(x * A(kSqrt1_2)));
        A pdf = std::exp(A(-0.5) * x * x) * A(kInvSqrt2Pi);
        return g * (cdf + x * pdf);
      });
    case ActivationOp::GeluTanh:
      return f([](A g, A x) {
        A t = std::tanh(A(kSqrt2OverPi) * (x + A(kKappa) * x * x * x));
        A dinner = A(kSqrt2OverPi) * (A(1) + A(3 * kKappa) * x * x);
        return g * (A(0.5) * (A(1) + t) + A(0.5) * x * (A(1) - t * t) * dinner);
      });
    case ActivationOp::Silu:
      return f([](A g, A x) {
        A s = A(1) / (A(1) + std::exp(-x));
        return g * s * (A(1) + x * (A(1) - s));
      });
    case ActivationOp::Mish:
      return f([](A g, A x) {
        A s = A(1) / (A(1) + std::exp(-x));
        A t = std::tanh(std::log1p(std::exp(x)));
        return g * (t + x * s * (A(1) - t * t));
      });
    case ActivationOp::Elu:
      return f([a, b, c](A g, A x) { return x <= A(0) ? g * c * a * b * std::exp(x * c) : g * b; });
    case ActivationOp::LeakyRelu: return f([a](A g, A x) { return x > A(0) ? g : g * a; });
    case ActivationOp::Hardtanh: return f([a, b](A g, A x) { return (x <= a || x >= b) ? A(0) : g; });
    case ActivationOp::Hardsigmoid:
      return f([](A g, A x) { return (x > A(-3) && x < A(3)) ? g / A(6) : A(0); });
    case ActivationOp::Hardswish:
      return f([](A g, A x) { return x < A(-3) ? A(0) : (x <= A(3) ? g * (x / A(3) + A(0.5)) : g); });
    case ActivationOp::LogSigmoid:
      return f([](A g, A x) {
        const bool negative = x < A(0);
        A z = std::exp(-std::fabs(x));
        return g * ((negative ? A(1) : A(0)) - (negative ? A(1) : A(-1)) * (z / (A(1) + z)));
      });
    case ActivationOp::Softsign:
      return f([](A g, A x) {  // 1/d - |x|/d^2 (= 1/d^2), NaN at infinities as torch's composite
        A d = A(1) + std::fabs(x);
        return g / d - g * std::fabs(x) / (d * d);
      });
    case ActivationOp::Tanhshrink:
      return f([](A g, A x) {
        A t = std::tanh(x);
        return g * t * t;
      });
    case ActivationOp::Threshold: return f([a](A g, A x) { return x <= a ? A(0) : g; });
    case ActivationOp::Hardshrink:
    case ActivationOp::Softshrink: return f([a](A g, A x) { return (x >= -a && x <= a) ? A(0) : g; });
  }
  EMBER_FAIL(Runtime, "activation_backward: unexpected op");
}

#if defined(EMBER_HAVE_VEC_MATH)
// 8 lanes of gelu, gelu(tanh) or silu.
inline __m256 vec_forward(ActivationOp op, __m256 x) {
  const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
  switch (op) {
    case ActivationOp::Gelu: {
      __m256 e = _ZGVdN8v_erff(_mm256_mul_ps(x, _mm256_set1_ps(float(kSqrt1_2))));
      return _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, e));
    }
    case ActivationOp::GeluTanh: {
      __m256 x3 = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
      __m256 inner = _mm256_mul_ps(_mm256_set1_ps(float(kSqrt2OverPi)),
                                   _mm256_fmadd_ps(_mm256_set1_ps(float(kKappa)), x3, x));
      return _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, _ZGVdN8v_tanhf(inner)));
    }
    default: {  // silu: x / (1 + exp(-x))
      __m256 e = _ZGVdN8v_expf(_mm256_sub_ps(_mm256_setzero_ps(), x));
      return _mm256_div_ps(x, _mm256_add_ps(one, e));
    }
  }
}

// 8 lanes of the backward of gelu or silu.
inline __m256 vec_backward(ActivationOp op, __m256 g, __m256 x) {
  const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
  if (op == ActivationOp::Gelu) {
    __m256 cdf = _mm256_mul_ps(half, _mm256_add_ps(one, _ZGVdN8v_erff(_mm256_mul_ps(x, _mm256_set1_ps(float(kSqrt1_2))))));
    __m256 pdf = _mm256_mul_ps(_ZGVdN8v_expf(_mm256_mul_ps(_mm256_set1_ps(-0.5f), _mm256_mul_ps(x, x))),
                               _mm256_set1_ps(float(kInvSqrt2Pi)));
    return _mm256_mul_ps(g, _mm256_fmadd_ps(x, pdf, cdf));
  }
  __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, _ZGVdN8v_expf(_mm256_sub_ps(_mm256_setzero_ps(), x))));
  __m256 t = _mm256_fmadd_ps(x, _mm256_sub_ps(one, s), one);  // 1 + x (1 - s)
  return _mm256_mul_ps(_mm256_mul_ps(g, s), t);
}

bool dense(const Tensor& out, const Tensor& a) {
  return out.is_contiguous() && a.is_contiguous() && out.sizes() == a.sizes();
}
#endif

template <typename T>
void forward_typed(ActivationOp op, const Tensor& out, const Tensor& x, const ActivationParams& p) {
  using A = acc_t<T>;
#if defined(EMBER_HAVE_VEC_MATH)
  if constexpr (std::is_same_v<T, float>) {
    if ((op == ActivationOp::Gelu || op == ActivationOp::GeluTanh || op == ActivationOp::Silu) && dense(out, x)) {
      const float* src = x.data<float>();
      float* dst = out.data<float>();
      if (avx512::available()) {  // 16 lanes per call where the CPU has them
        const avx512::Fn fn = op == ActivationOp::Gelu       ? avx512::Fn::GeluErf
                              : op == ActivationOp::GeluTanh ? avx512::Fn::GeluTanh
                                                             : avx512::Fn::Silu;
        parallel_for(0, x.numel(), kGrainSize, [&](int64_t b, int64_t e) { avx512::map_f32(fn, src + b, dst + b, e - b); });
        return;
      }
      with_forward<A>(op, p, [&](const auto& f) {
        parallel_for(0, x.numel(), kGrainSize, [&](int64_t b, int64_t e) {
          int64_t i = b;
          for (; i + 8 <= e; i += 8) _mm256_storeu_ps(dst + i, vec_forward(op, _mm256_loadu_ps(src + i)));
          for (; i < e; ++i) dst[i] = f(src[i]);
        });
      });
      return;
    }
  }
#endif
  with_forward<A>(op, p, [&](const auto& f) {
    TensorIterator iter({out, x}, out.sizes());
    iter.for_each([&](char** d, const int64_t* s, int64_t n) { unary_loop<T, T>(d, s, n, [&](T v) { return T(f(A(v))); }); });
  });
}

template <typename T>
void backward_typed(ActivationOp op, const Tensor& out, const Tensor& grad, const Tensor& x, const ActivationParams& p) {
  using A = acc_t<T>;
#if defined(EMBER_HAVE_VEC_MATH)
  if constexpr (std::is_same_v<T, float>) {
    if ((op == ActivationOp::Gelu || op == ActivationOp::Silu) && dense(out, x) && dense(out, grad)) {
      with_backward<A>(op, p, [&](const auto& f) {
        const float* xs = x.data<float>();
        const float* gs = grad.data<float>();
        float* dst = out.data<float>();
        parallel_for(0, x.numel(), kGrainSize, [&](int64_t b, int64_t e) {
          int64_t i = b;
          for (; i + 8 <= e; i += 8) {
            _mm256_storeu_ps(dst + i, vec_backward(op, _mm256_loadu_ps(gs + i), _mm256_loadu_ps(xs + i)));
          }
          for (; i < e; ++i) dst[i] = f(gs[i], xs[i]);
        });
      });
      return;
    }
  }
#endif
  with_backward<A>(op, p, [&](const auto& f) {
    TensorIterator iter({out, grad, x}, out.sizes());
    iter.for_each([&](char** d, const int64_t* s, int64_t n) {
      binary_loop<T, T>(d, s, n, [&](T g, T v) { return T(f(A(g), A(v))); });
    });
  });
}

// hardtanh and threshold on integers: the parameters converted to the integer type, as torch does
template <typename T>
void forward_integer(ActivationOp op, const Tensor& out, const Tensor& x, const ActivationParams& p) {
  const T a = static_cast<T>(p.a), b = static_cast<T>(p.b);
  TensorIterator iter({out, x}, out.sizes());
  iter.for_each([&](char** d, const int64_t* s, int64_t n) {
    if (op == ActivationOp::Hardtanh) {
      unary_loop<T, T>(d, s, n, [a, b](T v) { return v < a ? a : (v > b ? b : v); });
    } else {
      unary_loop<T, T>(d, s, n, [a, b](T v) { return v <= a ? b : v; });
    }
  });
}

}  // namespace

void activation_kernel(ActivationOp op, const Tensor& out, const Tensor& x, const ActivationParams& p) {
  if (!is_floating(x.dtype())) {
    return dispatch_all(x.dtype(), activation_name(op), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (op == ActivationOp::Hardtanh || op == ActivationOp::Threshold) return forward_integer<T>(op, out, x, p);
      }
      EMBER_FAIL(NotImplemented, activation_name(op), ": not implemented for '", dtype_name(x.dtype()), "'");
    });
  }
  dispatch_floating(x.dtype(), activation_name(op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    forward_typed<T>(op, out, x, p);
  });
}

void activation_backward_kernel(ActivationOp op, const Tensor& out, const Tensor& grad, const Tensor& x,
                                const ActivationParams& p) {
  dispatch_floating(x.dtype(), activation_name(op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    backward_typed<T>(op, out, grad, x, p);
  });
}

}  // namespace ember::cpu
