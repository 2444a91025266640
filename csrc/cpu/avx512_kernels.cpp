// Compiled with -mavx512f -mavx512dq (see CMakeLists.txt). Keep this file free of headers other
// than intrinsics: see avx512_kernels.h.
#include "cpu/avx512_kernels.h"

#include <immintrin.h>

extern "C" {
#define EMBER_MVEC16(name) __m512 _ZGVeN16v_##name##f(__m512);
EMBER_MVEC16(exp)
EMBER_MVEC16(log)
EMBER_MVEC16(sin)
EMBER_MVEC16(cos)
EMBER_MVEC16(tanh)
EMBER_MVEC16(erf)
EMBER_MVEC16(erfc)
EMBER_MVEC16(expm1)
EMBER_MVEC16(log1p)
EMBER_MVEC16(log2)
EMBER_MVEC16(log10)
EMBER_MVEC16(exp2)
EMBER_MVEC16(tan)
EMBER_MVEC16(asin)
EMBER_MVEC16(acos)
EMBER_MVEC16(atan)
EMBER_MVEC16(sinh)
EMBER_MVEC16(cosh)
EMBER_MVEC16(asinh)
EMBER_MVEC16(acosh)
EMBER_MVEC16(atanh)
#undef EMBER_MVEC16
}

namespace ember::cpu::avx512 {

namespace {

inline __m512 sigmoid16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  // 1 / (1 + exp(-x)): exp overflows to inf for very negative x, giving exactly 0
  return _mm512_div_ps(one, _mm512_add_ps(one, _ZGVeN16v_expf(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

inline __m512 gelu_erf16(__m512 x) {
  const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
  const __m512 inv_sqrt2 = _mm512_set1_ps(0.70710678118654752f);
  __m512 e = _ZGVeN16v_erff(_mm512_mul_ps(x, inv_sqrt2));
  return _mm512_mul_ps(_mm512_mul_ps(half, x), _mm512_add_ps(one, e));
}

inline __m512 gelu_tanh16(__m512 x) {
  const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
  const __m512 k = _mm512_set1_ps(0.79788456080286536f);  // sqrt(2 / pi)
  const __m512 c = _mm512_set1_ps(0.044715f);
  __m512 x3 = _mm512_mul_ps(_mm512_mul_ps(x, x), x);
  __m512 t = _ZGVeN16v_tanhf(_mm512_mul_ps(k, _mm512_fmadd_ps(c, x3, x)));
  return _mm512_mul_ps(_mm512_mul_ps(half, x), _mm512_add_ps(one, t));
}

template <typename V>
void run(const float* x, float* y, int64_t n, V v) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, v(_mm512_loadu_ps(x + i)));
  if (i < n) {  // the tail through a masked load and store
    __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(y + i, m, v(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

}  // namespace

void map_f32(Fn fn, const float* x, float* y, int64_t n) {
  switch (fn) {
    case Fn::Exp: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_expf(v); });
    case Fn::Log: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_logf(v); });
    case Fn::Sin: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_sinf(v); });
    case Fn::Cos: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_cosf(v); });
    case Fn::Tanh: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_tanhf(v); });
    case Fn::Sigmoid: return run(x, y, n, sigmoid16);
    case Fn::Erf: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_erff(v); });
    case Fn::Erfc: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_erfcf(v); });
    case Fn::Expm1: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_expm1f(v); });
    case Fn::Log1p: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_log1pf(v); });
    case Fn::Log2: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_log2f(v); });
    case Fn::Log10: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_log10f(v); });
    case Fn::Exp2: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_exp2f(v); });
    case Fn::Tan: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_tanf(v); });
    case Fn::Asin: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_asinf(v); });
    case Fn::Acos: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_acosf(v); });
    case Fn::Atan: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_atanf(v); });
    case Fn::Sinh: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_sinhf(v); });
    case Fn::Cosh: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_coshf(v); });
    case Fn::Asinh: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_asinhf(v); });
    case Fn::Acosh: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_acoshf(v); });
    case Fn::Atanh: return run(x, y, n, [](__m512 v) { return _ZGVeN16v_atanhf(v); });
    case Fn::GeluErf: return run(x, y, n, gelu_erf16);
    case Fn::GeluTanh: return run(x, y, n, gelu_tanh16);
    case Fn::ExpFlush:
      return run(x, y, n, [](__m512 v) {
        const __m512 lowest = _mm512_set1_ps(-87.3f);  // exp(-87.3) is about float's smallest normal
        const __mmask16 keep = _mm512_cmp_ps_mask(v, lowest, _CMP_GE_OQ);
        return _mm512_maskz_mov_ps(keep, _ZGVeN16v_expf(_mm512_max_ps(v, lowest)));
      });
    case Fn::Silu:  // x / (1 + exp(-x)), as the AVX2 path computes it
      return run(x, y, n, [](__m512 v) {
        __m512 e = _ZGVeN16v_expf(_mm512_sub_ps(_mm512_setzero_ps(), v));
        return _mm512_div_ps(v, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
      });
  }
}

}  // namespace ember::cpu::avx512

// ---- the small GEMM (cpu/small_gemm.h): 8 x 32 tiles of AVX-512 FMAs ----
namespace ember::cpu::avx512 {

namespace {

// Rows [0, R) of c, columns [0, 16 * V) (the last vector under `tail` when partial). The loops over
// R and V are unrolled so that the R * V accumulators stay in registers.
template <int R, int V>
inline void gemm_tile(int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t ldb, float* c,
                      int64_t ldc, bool accumulate, __mmask16 tail) {
  __m512 acc[R][V];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) acc[r][v] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < k; ++p) {
    const float* brow = b + p * ldb;
    __m512 bv[V];
#pragma GCC unroll 4
    for (int v = 0; v < V - 1; ++v) bv[v] = _mm512_loadu_ps(brow + 16 * v);
    bv[V - 1] = _mm512_maskz_loadu_ps(tail, brow + 16 * (V - 1));
    const float* acol = a + p * acs;
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m512 av = _mm512_set1_ps(acol[r * ars]);
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
    float* crow = c + r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) {
      const __mmask16 m = v == V - 1 ? tail : __mmask16(0xFFFF);
      __m512 out = acc[r][v];
      if (accumulate) out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(m, crow + 16 * v));
      _mm512_mask_storeu_ps(crow + 16 * v, m, out);
    }
  }
}

template <int R>
inline void gemm_rows(int64_t n, int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t ldb,
                      float* c, int64_t ldc, bool accumulate) {
  if (n == 32) return gemm_tile<R, 2>(k, a, ars, acs, b, ldb, c, ldc, accumulate, 0xFFFF);
  if (n > 16) return gemm_tile<R, 2>(k, a, ars, acs, b, ldb, c, ldc, accumulate, __mmask16((1u << (n - 16)) - 1));
  gemm_tile<R, 1>(k, a, ars, acs, b, ldb, c, ldc, accumulate, n == 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1));
}

}  // namespace

// Panels of 32 columns outside, blocks of 8 rows inside: a panel of b (k x 32) stays in L1
// while every row block passes over it.
void gemm_f32(int64_t m, int64_t n, int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t ldb,
              float* c, int64_t ldc, bool accumulate) {
  for (int64_t j = 0; j < n; j += 32) {
    const int64_t w = n - j < 32 ? n - j : 32;
    const float* bj = b + j;
    float* cj = c + j;
    int64_t i = 0;
    for (; i + 8 <= m; i += 8) gemm_rows<8>(w, k, a + i * ars, ars, acs, bj, ldb, cj + i * ldc, ldc, accumulate);
    switch (m - i) {
      case 7: gemm_rows<7>(w, k, a + i * ars, ars, acs, bj, ldb, cj + i * ldc, ldc, accumulate); break;
      case 6: gemm_rows<6>(w, k, a + i * ars, ars, acs, bj, ldb, cj + i * ldc, ldc, accumulate); break;
      case 5: gemm_rows<5>(w, k, a + i * ars, ars, acs, bj, ldb, cj + i * ldc, ldc, accumulate); break;
      case 4: gemm_rows<4>(w, k, a + i * ars, ars, acs, bj, ldb, cj + i * ldc, ldc, accumulate); break;
      case 3: gemm_rows<3>(w, k, a + i * ars, ars, acs, bj, ldb, cj + i * ldc, ldc, accumulate); break;
      case 2: gemm_rows<2>(w, k, a + i * ars, ars, acs, bj, ldb, cj + i * ldc, ldc, accumulate); break;
      case 1: gemm_rows<1>(w, k, a + i * ars, ars, acs, bj, ldb, cj + i * ldc, ldc, accumulate); break;
      default: break;
    }
  }
}

}  // namespace ember::cpu::avx512
