// AVX2 loops for the folds that the compiler will not vectorize by itself: a NaN-propagating
// max/min (the select on NaN defeats it) and a float sum in several accumulators (without
// -ffast-math it must keep the scalar order).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace ember::cpu {

// max (IsMax) or min of `init` and p[0..n); NaN if any element is NaN.
template <bool IsMax>
inline float extremum_f32(const float* p, int64_t n, float init) {
  int64_t i = 0;
  float r = init;
#if defined(__AVX2__)
  if (n >= 32) {
    __m256 a0 = _mm256_set1_ps(init), a1 = a0, a2 = a0, a3 = a0;
    __m256 nan = _mm256_setzero_ps();
    for (; i + 32 <= n; i += 32) {
      __m256 v0 = _mm256_loadu_ps(p + i), v1 = _mm256_loadu_ps(p + i + 8);
      __m256 v2 = _mm256_loadu_ps(p + i + 16), v3 = _mm256_loadu_ps(p + i + 24);
      nan = _mm256_or_ps(nan, _mm256_or_ps(_mm256_cmp_ps(v0, v1, _CMP_UNORD_Q), _mm256_cmp_ps(v2, v3, _CMP_UNORD_Q)));
      if constexpr (IsMax) {
        a0 = _mm256_max_ps(a0, v0), a1 = _mm256_max_ps(a1, v1), a2 = _mm256_max_ps(a2, v2), a3 = _mm256_max_ps(a3, v3);
      } else {
        a0 = _mm256_min_ps(a0, v0), a1 = _mm256_min_ps(a1, v1), a2 = _mm256_min_ps(a2, v2), a3 = _mm256_min_ps(a3, v3);
      }
    }
    if (!_mm256_testz_ps(nan, nan)) return std::numeric_limits<float>::quiet_NaN();
    if constexpr (IsMax) {
      a0 = _mm256_max_ps(_mm256_max_ps(a0, a1), _mm256_max_ps(a2, a3));
    } else {
      a0 = _mm256_min_ps(_mm256_min_ps(a0, a1), _mm256_min_ps(a2, a3));
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, a0);
    for (float v : lanes) r = IsMax ? (v > r ? v : r) : (v < r ? v : r);
  }
#endif
  for (; i < n; ++i) {
    float v = p[i];
    if (v != v) return v;
    r = IsMax ? (v > r ? v : r) : (v < r ? v : r);
  }
  return r;
}

// Sum of p[0..n) in 32 float lanes (blocks stay short enough that float partials are accurate).
inline float sum_f32(const float* p, int64_t n) {
  int64_t i = 0;
  float r = 0.f;
#if defined(__AVX2__)
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(p + i));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(p + i + 8));
    a2 = _mm256_add_ps(a2, _mm256_loadu_ps(p + i + 16));
    a3 = _mm256_add_ps(a3, _mm256_loadu_ps(p + i + 24));
  }
  a0 = _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, a0);
  for (float v : lanes) r += v;
#endif
  for (; i < n; ++i) r += p[i];
  return r;
}

// Sums of d and d^2 for d = p[i] - center over p[0..n), in 32 float lanes: the second pass of a
// variance (the sum of d corrects the center to the exact mean: the corrected two-pass formula).
struct DeviationSums {
  float sum = 0.f, sum_sq = 0.f;
};
inline DeviationSums deviation_sums_f32(const float* p, int64_t n, float center) {
  int64_t i = 0;
  DeviationSums r;
#if defined(__AVX2__)
  const __m256 c = _mm256_set1_ps(center);
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, q0 = s0, q1 = s0;
  for (; i + 16 <= n; i += 16) {
    __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(p + i), c), d1 = _mm256_sub_ps(_mm256_loadu_ps(p + i + 8), c);
    s0 = _mm256_add_ps(s0, d0), s1 = _mm256_add_ps(s1, d1);
    q0 = _mm256_fmadd_ps(d0, d0, q0), q1 = _mm256_fmadd_ps(d1, d1, q1);
  }
  alignas(32) float ls[8], lq[8];
  _mm256_store_ps(ls, _mm256_add_ps(s0, s1));
  _mm256_store_ps(lq, _mm256_add_ps(q0, q1));
  for (int k = 0; k < 8; ++k) r.sum += ls[k], r.sum_sq += lq[k];
#endif
  for (; i < n; ++i) {
    const float d = p[i] - center;
    r.sum += d;
    r.sum_sq += d * d;
  }
  return r;
}

// A norm's backward sums over one row: sum(gw) and sum(gw (x - center)) with gw = g w (w may be
// null: gw = g), in 16 float lanes, one pass.
struct GradSums {
  float sum_g = 0.f, sum_gx = 0.f;
};
inline GradSums grad_sums_f32(const float* g, const float* w, const float* x, int64_t n, float center) {
  int64_t i = 0;
  GradSums r;
#if defined(__AVX2__)
  const __m256 c = _mm256_set1_ps(center);
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, q0 = s0, q1 = s0;
  for (; i + 16 <= n; i += 16) {
    __m256 g0 = _mm256_loadu_ps(g + i), g1 = _mm256_loadu_ps(g + i + 8);
    if (w) g0 = _mm256_mul_ps(g0, _mm256_loadu_ps(w + i)), g1 = _mm256_mul_ps(g1, _mm256_loadu_ps(w + i + 8));
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), c), d1 = _mm256_sub_ps(_mm256_loadu_ps(x + i + 8), c);
    s0 = _mm256_add_ps(s0, g0), s1 = _mm256_add_ps(s1, g1);
    q0 = _mm256_fmadd_ps(g0, d0, q0), q1 = _mm256_fmadd_ps(g1, d1, q1);
  }
  alignas(32) float ls[8], lq[8];
  _mm256_store_ps(ls, _mm256_add_ps(s0, s1));
  _mm256_store_ps(lq, _mm256_add_ps(q0, q1));
  for (int k = 0; k < 8; ++k) r.sum_g += ls[k], r.sum_gx += lq[k];
#endif
  for (; i < n; ++i) {
    const float gw = w ? g[i] * w[i] : g[i];
    r.sum_g += gw;
    r.sum_gx += gw * (x[i] - center);
  }
  return r;
}

// p[i] = (p[i] - shift) and returns nothing; vectorized by the compiler.
inline void subtract_f32(float* out, const float* in, int64_t n, float shift) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] - shift;
}

}  // namespace ember::cpu
