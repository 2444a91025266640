// Vectorized transcendental functions from glibc's libmvec (the AVX2 variants, 8 floats or
// 4 doubles at a time, within 4 ulp), used by the dense paths of the elementwise kernels.
#pragma once
#if defined(__AVX2__)
#include <immintrin.h>

#define EMBER_MVEC(name)          \
  __m256 _ZGVdN8v_##name##f(__m256); \
  __m256d _ZGVdN4v_##name(__m256d);

extern "C" {
EMBER_MVEC(exp)
EMBER_MVEC(log)
EMBER_MVEC(sin)
EMBER_MVEC(cos)
EMBER_MVEC(tanh)
EMBER_MVEC(exp2)
EMBER_MVEC(expm1)
EMBER_MVEC(log2)
EMBER_MVEC(log10)
EMBER_MVEC(log1p)
EMBER_MVEC(tan)
EMBER_MVEC(asin)
EMBER_MVEC(acos)
EMBER_MVEC(atan)
EMBER_MVEC(sinh)
EMBER_MVEC(cosh)
EMBER_MVEC(asinh)
EMBER_MVEC(acosh)
EMBER_MVEC(atanh)
EMBER_MVEC(erf)
EMBER_MVEC(erfc)
}
#undef EMBER_MVEC
#define EMBER_HAVE_VEC_MATH 1
#endif

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "cpu/avx512_kernels.h"

namespace ember::cpu {

// p[i] = exp(p[i]) over a dense run (float32/float64 vectorized, other types scalar).
template <typename A>
inline void exp_inplace(A* p, int64_t n) {
  int64_t i = 0;
  if constexpr (std::is_same_v<A, float>) {
    if (avx512::available()) return avx512::map_f32(avx512::Fn::Exp, p, p, n);
  }
#if defined(EMBER_HAVE_VEC_MATH)
  if constexpr (std::is_same_v<A, float>) {
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(p + i, _ZGVdN8v_expf(_mm256_loadu_ps(p + i)));
  } else if constexpr (std::is_same_v<A, double>) {
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(p + i, _ZGVdN4v_exp(_mm256_loadu_pd(p + i)));
  }
#endif
  for (; i < n; ++i) p[i] = std::exp(p[i]);
}

}  // namespace ember::cpu
