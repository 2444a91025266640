// Batched GEMM entry points: oneDNN for float32, our own loop for the other dtypes.
#pragma once
#include "core/tensor.h"

namespace ember::cpu {

// c[b] = a[b] @ w[b] on 3-D tensors; c is contiguous; a batch dim of 1 broadcasts.
void reference_gemm(const Tensor& a, const Tensor& w, const Tensor& c);

}  // namespace ember::cpu
