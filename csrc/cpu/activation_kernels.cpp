// Forward and backward kernels of the activation family: each row's formulas (kernels/
// activation_ops.h) in the compute type (float for 16-bit floats). gelu, gelu(tanh) and silu
// also have an AVX2 path for dense float32 that calls libmvec (8 lanes per call) and runs in
// parallel above the grain size.
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
                                   _mm256_fmadd_ps(_mm256_set1_ps(float(kGeluKappa)), x3, x));
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
      with_activation_fn<A>(op, p, [&](const auto& fn) {
        parallel_for(0, x.numel(), kGrainSize, [&](int64_t b, int64_t e) {
          int64_t i = b;
          for (; i + 8 <= e; i += 8) _mm256_storeu_ps(dst + i, vec_forward(op, _mm256_loadu_ps(src + i)));
          for (; i < e; ++i) dst[i] = fn.forward(src[i]);
        });
      });
      return;
    }
  }
#endif
  with_activation_fn<A>(op, p, [&](const auto& fn) {
    TensorIterator iter({out, x}, out.sizes());
    iter.for_each([&](char** d, const int64_t* s, int64_t n) {
      unary_loop<T, T>(d, s, n, [&](T v) { return T(fn.forward(A(v))); });
    });
  });
}

template <typename T>
void backward_typed(ActivationOp op, const Tensor& out, const Tensor& grad, const Tensor& x, const ActivationParams& p) {
  using A = acc_t<T>;
#if defined(EMBER_HAVE_VEC_MATH)
  if constexpr (std::is_same_v<T, float>) {
    if ((op == ActivationOp::Gelu || op == ActivationOp::Silu) && dense(out, x) && dense(out, grad)) {
      with_activation_fn<A>(op, p, [&](const auto& fn) {
        const float* xs = x.data<float>();
        const float* gs = grad.data<float>();
        float* dst = out.data<float>();
        parallel_for(0, x.numel(), kGrainSize, [&](int64_t b, int64_t e) {
          int64_t i = b;
          for (; i + 8 <= e; i += 8) {
            _mm256_storeu_ps(dst + i, vec_backward(op, _mm256_loadu_ps(gs + i), _mm256_loadu_ps(xs + i)));
          }
          for (; i < e; ++i) dst[i] = fn.backward(gs[i], xs[i]);
        });
      });
      return;
    }
  }
#endif
  with_activation_fn<A>(op, p, [&](const auto& fn) {
    TensorIterator iter({out, grad, x}, out.sizes());
    iter.for_each([&](char** d, const int64_t* s, int64_t n) {
      binary_loop<T, T>(d, s, n, [&](T g, T v) { return T(fn.backward(A(g), A(v))); });
    });
  });
}

// The Clamp rows (hardtanh, threshold) on integers: the row's formula in the integer type, with
// the parameters converted to it, as torch does.
template <typename T>
void forward_integer(ActivationOp op, const Tensor& out, const Tensor& x, const ActivationParams& p) {
  with_activation_fn<T>(op, p, [&](const auto& fn) {
    using Fn = std::decay_t<decltype(fn)>;
    if constexpr (activation_kind(Fn::op) == ActivationKind::Clamp) {
      TensorIterator iter({out, x}, out.sizes());
      iter.for_each([&](char** d, const int64_t* s, int64_t n) { unary_loop<T, T>(d, s, n, [&](T v) { return fn.forward(v); }); });
    } else {
      EMBER_FAIL(NotImplemented, activation_name(op), ": not implemented for '", dtype_name(x.dtype()), "'");
    }
  });
}

}  // namespace

void activation_kernel(ActivationOp op, const Tensor& out, const Tensor& x, const ActivationParams& p) {
  if (!is_floating(x.dtype())) {
    return dispatch_all(x.dtype(), activation_name(op), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        return forward_integer<T>(op, out, x, p);
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
