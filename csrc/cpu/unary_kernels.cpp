#include <cmath>

#include "cpu/kernels.h"
#include "cpu/loops.h"
#include "cpu/vec_math.h"

namespace ember::cpu {

namespace {

template <typename T, typename F>
void run_same_type(const Tensor& out, const Tensor& in, const F& f) {
  TensorIterator iter({out, in}, out.sizes());
  iter.for_each([&](char** d, const int64_t* s, int64_t n) { unary_loop<T, T>(d, s, n, f); });
}

#if defined(EMBER_HAVE_VEC_MATH)
// One lane-width's worth of an op with libmvec; sigmoid is 1 / (1 + exp(-x)).
inline __m256 vec_op(UnaryOp op, __m256 x) {
  switch (op) {
    case UnaryOp::Exp: return _ZGVdN8v_expf(x);
    case UnaryOp::Log: return _ZGVdN8v_logf(x);
    case UnaryOp::Sin: return _ZGVdN8v_sinf(x);
    case UnaryOp::Cos: return _ZGVdN8v_cosf(x);
    case UnaryOp::Tanh: return _ZGVdN8v_tanhf(x);
    default: {
      const __m256 one = _mm256_set1_ps(1.0f);
      __m256 e = _ZGVdN8v_expf(_mm256_sub_ps(_mm256_setzero_ps(), x));
      return _mm256_div_ps(one, _mm256_add_ps(one, e));
    }
  }
}
inline __m256d vec_op(UnaryOp op, __m256d x) {
  switch (op) {
    case UnaryOp::Exp: return _ZGVdN4v_exp(x);
    case UnaryOp::Log: return _ZGVdN4v_log(x);
    case UnaryOp::Sin: return _ZGVdN4v_sin(x);
    case UnaryOp::Cos: return _ZGVdN4v_cos(x);
    case UnaryOp::Tanh: return _ZGVdN4v_tanh(x);
    default: {
      const __m256d one = _mm256_set1_pd(1.0);
      __m256d e = _ZGVdN4v_exp(_mm256_sub_pd(_mm256_setzero_pd(), x));
      return _mm256_div_pd(one, _mm256_add_pd(one, e));
    }
  }
}
inline __m256 vload(const float* p) { return _mm256_loadu_ps(p); }
inline __m256d vload(const double* p) { return _mm256_loadu_pd(p); }
inline void vstore(float* p, __m256 v) { _mm256_storeu_ps(p, v); }
inline void vstore(double* p, __m256d v) { _mm256_storeu_pd(p, v); }

// Dense float32/float64 inputs of the transcendental ops run through libmvec, in parallel.
template <typename T, typename Scalar>
bool vectorized_unary(UnaryOp op, const Tensor& out, const Tensor& in, const Scalar& scalar_op) {
  if (!(op == UnaryOp::Exp || op == UnaryOp::Log || op == UnaryOp::Sin || op == UnaryOp::Cos ||
        op == UnaryOp::Tanh || op == UnaryOp::Sigmoid)) {
    return false;
  }
  if (!out.is_contiguous() || !in.is_contiguous() || out.sizes() != in.sizes()) return false;
  constexpr int64_t W = 32 / sizeof(T);
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  parallel_for(0, in.numel(), kGrainSize, [&](int64_t b, int64_t e) {
    int64_t i = b;
    for (; i + W <= e; i += W) vstore(dst + i, vec_op(op, vload(src + i)));
    for (; i < e; ++i) dst[i] = scalar_op(src[i]);
  });
  return true;
}
#endif

// Calls f with the scalar function of a floating op, computed in acc_t<T> (float for 16-bit types).
template <typename T, typename F>
void with_scalar_op(UnaryOp op, const F& f) {
  using A = acc_t<T>;
  switch (op) {
    case UnaryOp::Exp: return f([](T x) { return T(std::exp(A(x))); });
    case UnaryOp::Log: return f([](T x) { return T(std::log(A(x))); });
    case UnaryOp::Sqrt: return f([](T x) { return T(std::sqrt(A(x))); });
    case UnaryOp::Sin: return f([](T x) { return T(std::sin(A(x))); });
    case UnaryOp::Cos: return f([](T x) { return T(std::cos(A(x))); });
    case UnaryOp::Tanh: return f([](T x) { return T(std::tanh(A(x))); });
    case UnaryOp::Sigmoid: return f([](T x) { return T(A(1) / (A(1) + std::exp(-A(x)))); });
    default: break;
  }
  EMBER_FAIL(Runtime, "unary_kernel: unexpected floating op");
}

template <typename T>
void floating_unary(UnaryOp op, const Tensor& out, const Tensor& in) {
  with_scalar_op<T>(op, [&](const auto& scalar_op) {
#if defined(EMBER_HAVE_VEC_MATH)
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      if (vectorized_unary<T>(op, out, in, scalar_op)) return;
    }
#endif
    run_same_type<T>(out, in, scalar_op);
  });
}

}  // namespace

void unary_kernel(UnaryOp op, const Tensor& out, const Tensor& in) {
  switch (op) {
    case UnaryOp::Neg:
      return dispatch_all(in.dtype(), "neg", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          EMBER_FAIL(Runtime, "neg: negation, the `-` operator, on a bool tensor is not supported");
        } else {
          run_same_type<T>(out, in, [](T x) { return T(-acc_t<T>(x)); });
        }
      });
    case UnaryOp::Abs:
      return dispatch_all(in.dtype(), "abs", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          EMBER_FAIL(NotImplemented, "abs: not implemented for 'Bool'");
        } else if constexpr (std::is_same_v<T, uint8_t>) {
          run_same_type<T>(out, in, [](T x) { return x; });
        } else {
          run_same_type<T>(out, in, [](T x) {
            acc_t<T> v = x;
            return T(v < acc_t<T>(0) ? -v : v);
          });
        }
      });
    case UnaryOp::Relu:
      return dispatch_all(in.dtype(), "relu", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          EMBER_FAIL(Runtime, "relu: \"clamp_min_scalar_cpu\" not implemented for 'Bool'");
        } else {
          // NaN propagates: (x > 0) is false for NaN, so test "x < 0" instead
          run_same_type<T>(out, in, [](T x) { return acc_t<T>(x) < acc_t<T>(0) ? T(acc_t<T>(0)) : x; });
        }
      });
    case UnaryOp::LogicalNot:
      return dispatch_all(in.dtype(), "logical_not", [&](auto tag) {
        using T = typename decltype(tag)::type;
        TensorIterator iter({out, in}, out.sizes());
        iter.for_each([](char** d, const int64_t* s, int64_t n) {
          unary_loop<bool, T>(d, s, n, [](T x) { return !(acc_t<T>(x) != acc_t<T>(0)); });
        });
      });
    case UnaryOp::BitwiseNot:
      return dispatch_all(in.dtype(), "bitwise_not", [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          run_same_type<T>(out, in, [](T x) { return !x; });
        } else if constexpr (std::is_integral_v<T>) {
          run_same_type<T>(out, in, [](T x) { return T(~x); });
        } else {
          EMBER_FAIL(NotImplemented, "bitwise_not: not implemented for floating dtype ", dtype_name(in.dtype()));
        }
      });
    default:
      return dispatch_floating(in.dtype(), "unary", [&](auto tag) {
        using T = typename decltype(tag)::type;
        floating_unary<T>(op, out, in);
      });
  }
}

void clamp_kernel(const Tensor& out, const Tensor& x, const Tensor* lo, const Tensor* hi) {
  dispatch_all(out.dtype(), "clamp", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    // NaN in x propagates; a NaN bound makes the result NaN, as in torch.
    auto clamp_lo = [](A v, A l) { return (v != v) ? v : (l != l ? l : (v < l ? l : v)); };
    auto clamp_hi = [](A v, A h) { return (v != v) ? v : (h != h ? h : (v > h ? h : v)); };
    if (lo && hi) {
      TensorIterator iter({out, x, *lo, *hi}, out.sizes());
      iter.for_each([&](char** d, const int64_t* s, int64_t n) {
        ternary_loop<T, T, T, T>(d, s, n, [&](T v, T l, T h) { return T(clamp_hi(clamp_lo(A(v), A(l)), A(h))); });
      });
    } else if (lo) {
      TensorIterator iter({out, x, *lo}, out.sizes());
      iter.for_each([&](char** d, const int64_t* s, int64_t n) {
        binary_loop<T, T>(d, s, n, [&](T v, T l) { return T(clamp_lo(A(v), A(l))); });
      });
    } else {
      TensorIterator iter({out, x, *hi}, out.sizes());
      iter.for_each([&](char** d, const int64_t* s, int64_t n) {
        binary_loop<T, T>(d, s, n, [&](T v, T h) { return T(clamp_hi(A(v), A(h))); });
      });
    }
  });
}

void where_kernel(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  dispatch_all(out.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    TensorIterator iter({out, cond, a, b}, out.sizes());
    iter.for_each([](char** d, const int64_t* s, int64_t n) {
      ternary_loop<T, bool, T, T>(d, s, n, [](bool c, T x, T y) { return c ? x : y; });
    });
  });
}

}  // namespace ember::cpu
