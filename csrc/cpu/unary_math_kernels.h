// CPU kernels of the unary math ops that take a parameter (see ops/unary_math.h).
#pragma once
#include "ops/ops.h"

namespace ember::cpu {

// out = round(in * 10^decimals) / 10^decimals (half to even); out and in share a floating dtype.
void round_decimals_kernel(const Tensor& out, const Tensor& in, int64_t decimals);

}  // namespace ember::cpu
