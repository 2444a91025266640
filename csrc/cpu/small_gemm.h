// A register-blocked GEMM for the small products inside other kernels (attention's score and value
// blocks, a recurrence's per-step hidden product). Those run thousands of times per op on matrices
// of tens of rows, where a library call's fixed cost would rival the arithmetic.
//
// c (m x n, row stride ldc) = (accumulate ? c : 0) + a @ b, with a (m x k) read at a[i * ars + p * acs]
// (any layout: a transposed operand costs nothing) and b (k x n) row-major with row stride ldb.
// float32 runs 8 x 32 tiles of AVX-512 FMAs where the CPU has them, else 6 x 16 tiles of AVX2; other types run a plain loop the compiler vectorizes.
#pragma once
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "cpu/avx512_kernels.h"

namespace ember::cpu {

namespace small_gemm_detail {

// Lanes of the last, partial 8-wide column block.
inline __m256i tail_mask(int64_t lanes) {
  alignas(32) static const int32_t ramp[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ramp + 8 - lanes));
}

// Rows [0, R) of c, columns [j, j + 8 * V) (the last vector masked when `mask` is given).
template <int R, int V>
inline void tile_f32(int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t ldb, float* c,
                     int64_t ldc, bool accumulate, const __m256i* mask) {
  __m256 acc[R][V];  // the loops over R and V unroll, so the accumulators stay in registers
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) acc[r][v] = _mm256_setzero_ps();
  }
  for (int64_t p = 0; p < k; ++p) {
    const float* brow = b + p * ldb;
    __m256 bv[V];
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) {
      bv[v] = (mask && v == V - 1) ? _mm256_maskload_ps(brow + 8 * v, *mask) : _mm256_loadu_ps(brow + 8 * v);
    }
    const float* acol = a + p * acs;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m256 av = _mm256_broadcast_ss(acol + r * ars);
#pragma GCC unroll 2
      for (int v = 0; v < V; ++v) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    float* crow = c + r * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) {
      const bool partial = mask && v == V - 1;
      __m256 out = acc[r][v];
      if (accumulate) {
        out = _mm256_add_ps(out, partial ? _mm256_maskload_ps(crow + 8 * v, *mask) : _mm256_loadu_ps(crow + 8 * v));
      }
      if (partial) {
        _mm256_maskstore_ps(crow + 8 * v, *mask, out);
      } else {
        _mm256_storeu_ps(crow + 8 * v, out);
      }
    }
  }
}

template <int R>
inline void rows_f32(int64_t n, int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t ldb,
                     float* c, int64_t ldc, bool accumulate) {
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) tile_f32<R, 2>(k, a, ars, acs, b + j, ldb, c + j, ldc, accumulate, nullptr);
  if (j + 8 <= n) {
    tile_f32<R, 1>(k, a, ars, acs, b + j, ldb, c + j, ldc, accumulate, nullptr);
    j += 8;
  }
  if (j < n) {
    const __m256i mask = tail_mask(n - j);
    tile_f32<R, 1>(k, a, ars, acs, b + j, ldb, c + j, ldc, accumulate, &mask);
  }
}

}  // namespace small_gemm_detail

template <typename T>
inline void small_gemm(int64_t m, int64_t n, int64_t k, const T* a, int64_t ars, int64_t acs, const T* b, int64_t ldb,
                       T* c, int64_t ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if constexpr (std::is_same_v<T, float>) {
    if (avx512::available()) return avx512::gemm_f32(m, n, k, a, ars, acs, b, ldb, c, ldc, accumulate);
    using namespace small_gemm_detail;
    int64_t i = 0;
    for (; i + 6 <= m; i += 6) rows_f32<6>(n, k, a + i * ars, ars, acs, b, ldb, c + i * ldc, ldc, accumulate);
    switch (m - i) {
      case 5: rows_f32<5>(n, k, a + i * ars, ars, acs, b, ldb, c + i * ldc, ldc, accumulate); break;
      case 4: rows_f32<4>(n, k, a + i * ars, ars, acs, b, ldb, c + i * ldc, ldc, accumulate); break;
      case 3: rows_f32<3>(n, k, a + i * ars, ars, acs, b, ldb, c + i * ldc, ldc, accumulate); break;
      case 2: rows_f32<2>(n, k, a + i * ars, ars, acs, b, ldb, c + i * ldc, ldc, accumulate); break;
      case 1: rows_f32<1>(n, k, a + i * ars, ars, acs, b, ldb, c + i * ldc, ldc, accumulate); break;
      default: break;
    }
  } else {
    for (int64_t i = 0; i < m; ++i) {
      T* crow = c + i * ldc;
      if (!accumulate) std::fill(crow, crow + n, T(0));
      for (int64_t p = 0; p < k; ++p) {
        const T av = a[i * ars + p * acs];
        const T* brow = b + p * ldb;
        for (int64_t j = 0; j < n; ++j) crow[j] += av * brow[j];
      }
    }
  }
}

}  // namespace ember::cpu
