// Vectorized transcendental functions from glibc's libmvec (the AVX2 variants, 8 floats or
// 4 doubles at a time, within 4 ulp), used by the dense paths of the elementwise kernels.
#pragma once
#if defined(__AVX2__)
#include <immintrin.h>

extern "C" {
__m256 _ZGVdN8v_expf(__m256);
__m256 _ZGVdN8v_logf(__m256);
__m256 _ZGVdN8v_sinf(__m256);
__m256 _ZGVdN8v_cosf(__m256);
__m256 _ZGVdN8v_tanhf(__m256);
__m256d _ZGVdN4v_exp(__m256d);
__m256d _ZGVdN4v_log(__m256d);
__m256d _ZGVdN4v_sin(__m256d);
__m256d _ZGVdN4v_cos(__m256d);
__m256d _ZGVdN4v_tanh(__m256d);
}
#define EMBER_HAVE_VEC_MATH 1
#endif
