// AVX-512 versions of the dense float32 transcendental loops, picked at run time.
//
// avx512_kernels.cpp is the only file compiled with AVX-512 flags. It includes nothing but
// intrinsics (no inline functions or templates shared with other files), so no AVX-512 code can
// leak into the baseline build through the linker's choice among duplicate inline definitions.
#pragma once
#include <cstdint>

namespace ember::cpu::avx512 {

enum class Fn {
  Exp, Log, Sin, Cos, Tanh, Sigmoid, Erf, Erfc, Expm1, Log1p, Log2, Log10, Exp2, Tan,
  Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh, GeluErf, GeluTanh, Silu,
  // exp, with 0 for inputs whose result is below float's normal range (-inf included), without
  // libmvec's slow path for such lanes: softmax tiles where masked scores are -inf
  ExpFlush,
};

// True when the kernels may use AVX-512F/DQ: the CPU has them and the capability
// (cpu/cpu_capability.h) was not lowered to AVX2. Defined in cpu_capability.cpp, out of line.
bool available();

// y[i] = fn(x[i]) for i in [0, n), x and y dense (y may equal x). Call only when available().
void map_f32(Fn fn, const float* x, float* y, int64_t n);

// small_gemm's float32 loop (cpu/small_gemm.h has the contract). Call only when available().
void gemm_f32(int64_t m, int64_t n, int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t ldb,
              float* c, int64_t ldc, bool accumulate);

}  // namespace ember::cpu::avx512
