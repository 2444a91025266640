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

}  // namespace ember::cpu
