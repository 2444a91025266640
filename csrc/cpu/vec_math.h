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
