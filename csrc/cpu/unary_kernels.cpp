#include <cmath>
#include <optional>
#include <limits>
#include <type_traits>

#include "cpu/avx512_kernels.h"
#include "cpu/cpu_kernels.h"
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
// Overloads on the lane type (8 floats / 4 doubles), so one generic lambda serves both.
#define EMBER_VEC_WRAP(name)                                         \
  inline __m256 v_##name(__m256 x) { return _ZGVdN8v_##name##f(x); } \
  inline __m256d v_##name(__m256d x) { return _ZGVdN4v_##name(x); }
EMBER_VEC_WRAP(exp)
EMBER_VEC_WRAP(log)
EMBER_VEC_WRAP(sin)
EMBER_VEC_WRAP(cos)
EMBER_VEC_WRAP(tanh)
EMBER_VEC_WRAP(exp2)
EMBER_VEC_WRAP(expm1)
EMBER_VEC_WRAP(log2)
EMBER_VEC_WRAP(log10)
EMBER_VEC_WRAP(log1p)
EMBER_VEC_WRAP(tan)
EMBER_VEC_WRAP(asin)
EMBER_VEC_WRAP(acos)
EMBER_VEC_WRAP(atan)
EMBER_VEC_WRAP(sinh)
EMBER_VEC_WRAP(cosh)
EMBER_VEC_WRAP(asinh)
EMBER_VEC_WRAP(acosh)
EMBER_VEC_WRAP(atanh)
EMBER_VEC_WRAP(erf)
EMBER_VEC_WRAP(erfc)
#undef EMBER_VEC_WRAP

inline __m256 v_zero(__m256) { return _mm256_setzero_ps(); }
inline __m256d v_zero(__m256d) { return _mm256_setzero_pd(); }
inline __m256 v_one(__m256) { return _mm256_set1_ps(1.0f); }
inline __m256d v_one(__m256d) { return _mm256_set1_pd(1.0); }
inline __m256 v_add(__m256 a, __m256 b) { return _mm256_add_ps(a, b); }
inline __m256d v_add(__m256d a, __m256d b) { return _mm256_add_pd(a, b); }
inline __m256 v_sub(__m256 a, __m256 b) { return _mm256_sub_ps(a, b); }
inline __m256d v_sub(__m256d a, __m256d b) { return _mm256_sub_pd(a, b); }
inline __m256 v_mul(__m256 a, __m256 b) { return _mm256_mul_ps(a, b); }
inline __m256d v_mul(__m256d a, __m256d b) { return _mm256_mul_pd(a, b); }
inline __m256 v_div(__m256 a, __m256 b) { return _mm256_div_ps(a, b); }
inline __m256d v_div(__m256d a, __m256d b) { return _mm256_div_pd(a, b); }
inline __m256 v_sqrt(__m256 a) { return _mm256_sqrt_ps(a); }
inline __m256d v_sqrt(__m256d a) { return _mm256_sqrt_pd(a); }
template <int Mode>
inline __m256 v_round(__m256 a) { return _mm256_round_ps(a, Mode | _MM_FROUND_NO_EXC); }
template <int Mode>
inline __m256d v_round(__m256d a) { return _mm256_round_pd(a, Mode | _MM_FROUND_NO_EXC); }

inline __m256 vload(const float* p) { return _mm256_loadu_ps(p); }
inline __m256d vload(const double* p) { return _mm256_loadu_pd(p); }
inline void vstore(float* p, __m256 v) { _mm256_storeu_ps(p, v); }
inline void vstore(double* p, __m256d v) { _mm256_storeu_pd(p, v); }

// Calls f with the vector function of op (a generic lambda over __m256/__m256d); false when the
// op has none.
template <typename F>
bool with_vec_op(UnaryOp op, const F& f) {
  switch (op) {
    case UnaryOp::Exp: f([](auto x) { return v_exp(x); }); return true;
    case UnaryOp::Log: f([](auto x) { return v_log(x); }); return true;
    case UnaryOp::Sin: f([](auto x) { return v_sin(x); }); return true;
    case UnaryOp::Cos: f([](auto x) { return v_cos(x); }); return true;
    case UnaryOp::Tanh: f([](auto x) { return v_tanh(x); }); return true;
    case UnaryOp::Sigmoid:  // 1 / (1 + exp(-x))
      f([](auto x) { return v_div(v_one(x), v_add(v_one(x), v_exp(v_sub(v_zero(x), x)))); });
      return true;
    case UnaryOp::Exp2: f([](auto x) { return v_exp2(x); }); return true;
    case UnaryOp::Expm1: f([](auto x) { return v_expm1(x); }); return true;
    case UnaryOp::Log2: f([](auto x) { return v_log2(x); }); return true;
    case UnaryOp::Log10: f([](auto x) { return v_log10(x); }); return true;
    case UnaryOp::Log1p: f([](auto x) { return v_log1p(x); }); return true;
    case UnaryOp::Tan: f([](auto x) { return v_tan(x); }); return true;
    case UnaryOp::Asin: f([](auto x) { return v_asin(x); }); return true;
    case UnaryOp::Acos: f([](auto x) { return v_acos(x); }); return true;
    case UnaryOp::Atan: f([](auto x) { return v_atan(x); }); return true;
    case UnaryOp::Sinh: f([](auto x) { return v_sinh(x); }); return true;
    case UnaryOp::Cosh: f([](auto x) { return v_cosh(x); }); return true;
    case UnaryOp::Asinh: f([](auto x) { return v_asinh(x); }); return true;
    case UnaryOp::Acosh: f([](auto x) { return v_acosh(x); }); return true;
    case UnaryOp::Atanh: f([](auto x) { return v_atanh(x); }); return true;
    case UnaryOp::Erf: f([](auto x) { return v_erf(x); }); return true;
    case UnaryOp::Erfc: f([](auto x) { return v_erfc(x); }); return true;
    case UnaryOp::Floor: f([](auto x) { return v_round<_MM_FROUND_TO_NEG_INF>(x); }); return true;
    case UnaryOp::Ceil: f([](auto x) { return v_round<_MM_FROUND_TO_POS_INF>(x); }); return true;
    case UnaryOp::Trunc: f([](auto x) { return v_round<_MM_FROUND_TO_ZERO>(x); }); return true;
    case UnaryOp::Round: f([](auto x) { return v_round<_MM_FROUND_TO_NEAREST_INT>(x); }); return true;  // ties to even
    case UnaryOp::Frac: f([](auto x) { return v_sub(x, v_round<_MM_FROUND_TO_ZERO>(x)); }); return true;
    case UnaryOp::Rsqrt: f([](auto x) { return v_div(v_one(x), v_sqrt(x)); }); return true;
    case UnaryOp::Reciprocal: f([](auto x) { return v_div(v_one(x), x); }); return true;
    case UnaryOp::Square: f([](auto x) { return v_mul(x, x); }); return true;
    default: return false;
  }
}

// Dense float32/float64 inputs run vector_op over whole lanes (in parallel above the grain size),
// scalar_op over the tail. False when the layout isn't dense or op has no vector form.
// The float32 transcendentals that have a 16-lane AVX-512 loop (cpu/avx512_kernels.h).
std::optional<avx512::Fn> avx512_fn(UnaryOp op) {
  switch (op) {
    case UnaryOp::Exp: return avx512::Fn::Exp;
    case UnaryOp::Log: return avx512::Fn::Log;
    case UnaryOp::Sin: return avx512::Fn::Sin;
    case UnaryOp::Cos: return avx512::Fn::Cos;
    case UnaryOp::Tanh: return avx512::Fn::Tanh;
    case UnaryOp::Sigmoid: return avx512::Fn::Sigmoid;
    case UnaryOp::Erf: return avx512::Fn::Erf;
    case UnaryOp::Erfc: return avx512::Fn::Erfc;
    case UnaryOp::Expm1: return avx512::Fn::Expm1;
    case UnaryOp::Log1p: return avx512::Fn::Log1p;
    case UnaryOp::Log2: return avx512::Fn::Log2;
    case UnaryOp::Log10: return avx512::Fn::Log10;
    case UnaryOp::Exp2: return avx512::Fn::Exp2;
    case UnaryOp::Tan: return avx512::Fn::Tan;
    case UnaryOp::Asin: return avx512::Fn::Asin;
    case UnaryOp::Acos: return avx512::Fn::Acos;
    case UnaryOp::Atan: return avx512::Fn::Atan;
    case UnaryOp::Sinh: return avx512::Fn::Sinh;
    case UnaryOp::Cosh: return avx512::Fn::Cosh;
    case UnaryOp::Asinh: return avx512::Fn::Asinh;
    case UnaryOp::Acosh: return avx512::Fn::Acosh;
    case UnaryOp::Atanh: return avx512::Fn::Atanh;
    default: return std::nullopt;
  }
}

template <typename T, typename Scalar>
bool vectorized_unary(UnaryOp op, const Tensor& out, const Tensor& in, const Scalar& scalar_op) {
  if (!out.is_contiguous() || !in.is_contiguous() || out.sizes() != in.sizes()) return false;
  if constexpr (std::is_same_v<T, float>) {
    if (auto fn = avx512_fn(op); fn && avx512::available()) {  // chosen at run time
      const float* src = in.data<float>();
      float* dst = out.data<float>();
      parallel_for(0, in.numel(), kGrainSize, [&](int64_t b, int64_t e) { avx512::map_f32(*fn, src + b, dst + b, e - b); });
      return true;
    }
  }
  return with_vec_op(op, [&](const auto& vector_op) {
    constexpr int64_t W = 32 / sizeof(T);
    const T* src = in.data<T>();
    T* dst = out.data<T>();
    parallel_for(0, in.numel(), kGrainSize, [&](int64_t b, int64_t e) {
      int64_t i = b;
      for (; i + W <= e; i += W) vstore(dst + i, vector_op(vload(src + i)));
      for (; i < e; ++i) dst[i] = scalar_op(src[i]);
    });
  });
}
#endif

// A floating op over T, computing the row's formula in acc_t<T> (float for 16-bit types); dense
// float32/float64 inputs take the op's SIMD path when it has one.
template <typename T, typename Fn>
void floating_unary(UnaryOp op, const Tensor& out, const Tensor& in, Fn fn) {
  using A = acc_t<T>;
  auto scalar_op = [fn](T x) { return T(fn(A(x))); };
#if defined(EMBER_HAVE_VEC_MATH)
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    if (vectorized_unary<T>(op, out, in, scalar_op)) return;
  }
#endif
  run_same_type<T>(out, in, scalar_op);
}

template <typename T, typename Fn>
void apply_formula(const Tensor& out, const Tensor& in, Fn fn) {
  run_same_type<T>(out, in, [fn](T x) { return T(fn(acc_t<T>(x))); });
}

// The ops with their own per-dtype rules (kinds SameDtype and Special): bool and unsigned inputs.
template <typename Fn>
void special_unary(UnaryOp op, const Tensor& out, const Tensor& in, Fn fn) {
  const char* name = unary_op_name(op);
  dispatch_all(in.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      switch (op) {
        case UnaryOp::Neg: EMBER_FAIL(Runtime, "neg: negation, the `-` operator, on a bool tensor is not supported");
        case UnaryOp::Abs: EMBER_FAIL(NotImplemented, "abs: not implemented for 'Bool'");
        case UnaryOp::Relu: EMBER_FAIL(Runtime, "relu: \"clamp_min_scalar_cpu\" not implemented for 'Bool'");
        case UnaryOp::Square: EMBER_FAIL(Runtime, "square: bool input must be converted to int64 first");
        case UnaryOp::BitwiseNot: return run_same_type<T>(out, in, [](T x) { return !x; });
        default: return run_same_type<T>(out, in, [](T x) { return x; });  // sign, sgn: 0 or 1
      }
    } else if constexpr (std::is_integral_v<T>) {
      if (op == UnaryOp::Square) {
        // wraps on overflow, as torch does; unsigned arithmetic keeps that defined
        return run_same_type<T>(out, in, [](T x) { return T(uint64_t(x) * uint64_t(x)); });
      }
      if (std::is_unsigned_v<T> && op == UnaryOp::Abs) return run_same_type<T>(out, in, [](T x) { return x; });
      if (std::is_unsigned_v<T> && (op == UnaryOp::Sign || op == UnaryOp::Sgn)) {
        return run_same_type<T>(out, in, [](T x) { return T(x != T(0)); });
      }
      apply_formula<T>(out, in, fn);
    } else {
      if (op == UnaryOp::BitwiseNot) {
        EMBER_FAIL(NotImplemented, "bitwise_not: not implemented for floating dtype ", dtype_name(in.dtype()));
      }
      if constexpr (Fn::op != UnaryOp::BitwiseNot) apply_formula<T>(out, in, fn);
    }
  });
}

}  // namespace

void unary_kernel(UnaryOp op, const Tensor& out, const Tensor& in) {
  with_unary_fn(op, [&](auto fn) {
    using Fn = decltype(fn);
    constexpr UnaryKind kind = Fn::kind;
    const char* name = unary_op_name(op);
    if constexpr (kind == UnaryKind::Predicate) {
      // read in the input's own dtype: integers are finite and have no NaN
      dispatch_all(in.dtype(), name, [&](auto tag) {
        using T = typename decltype(tag)::type;
        TensorIterator iter({out, in}, out.sizes());
        iter.for_each([&](char** d, const int64_t* s, int64_t n) {
          unary_loop<bool, T>(d, s, n, [fn](T x) { return bool(fn(acc_t<T>(x))); });
        });
      });
    } else if constexpr (kind == UnaryKind::Float || kind == UnaryKind::FloatOnly) {
      dispatch_floating(in.dtype(), name, [&](auto tag) {
        floating_unary<typename decltype(tag)::type>(op, out, in, fn);
      });
    } else if constexpr (kind == UnaryKind::Rounding) {
      dispatch_all(in.dtype(), name, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, bool>) {
          EMBER_FAIL(NotImplemented, name, ": not implemented for 'Bool'");
        } else if constexpr (std::is_integral_v<T>) {
          run_same_type<T>(out, in, [](T x) { return x; });  // integers are already whole
        } else {
          floating_unary<T>(op, out, in, fn);
        }
      });
    } else {
      special_unary(op, out, in, fn);
    }
  });
}

void round_decimals_kernel(const Tensor& out, const Tensor& in, int64_t decimals) {
  dispatch_floating(in.dtype(), "round", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    // 10^|decimals| overflows to inf past the type's range, making the result NaN, as in torch
    const A scale = std::pow(A(10), A(decimals < 0 ? -decimals : decimals));
    if (decimals >= 0) {
      run_same_type<T>(out, in, [scale](T x) { return T(std::nearbyint(A(x) * scale) / scale); });
    } else {
      run_same_type<T>(out, in, [scale](T x) { return T(std::nearbyint(A(x) / scale) * scale); });
    }
  });
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
