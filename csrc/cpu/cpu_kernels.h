// The CPU backend's kernels: one function `cpu::<name>_kernel` for each row of the device table
// (kernels/kernels.h), with the row's signature. cpu/register.cpp puts them in the table.
#pragma once
#include "iter/parallel.h"
#include "iter/tensor_iterator.h"
#include "kernels/kernels.h"

namespace ember::cpu {

#define EMBER_CPU_KERNEL_DECL(name, ret, params, args, dev) ret name##_kernel params;
EMBER_KERNELS(EMBER_CPU_KERNEL_DECL)
#undef EMBER_CPU_KERNEL_DECL

// `t` itself when contiguous, else a contiguous copy (for loops and libraries that need one).
Tensor contiguous_copy(const Tensor& t);

// Calls f(float{}) or f(double{}) for the kernels with float32 and float64 loops only (the ops
// compute 16-bit floats in float32); other dtypes raise "<op>: no CPU kernel for dtype <t>".
template <typename F>
void dispatch_float32_64(ScalarType t, const char* op, F&& f) {
  if (t == ScalarType::Float32) return f(float{});
  if (t == ScalarType::Float64) return f(double{});
  EMBER_FAIL(NotImplemented, op, ": no CPU kernel for dtype ", dtype_name(t));
}

}  // namespace ember::cpu
