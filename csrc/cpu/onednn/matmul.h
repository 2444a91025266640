// Batched GEMM through oneDNN's matmul primitive, with primitives cached by geometry.
#pragma once
#include "kernels/kernel_types.h"

namespace ember::cpu {

// c[b] = a[b] @ w[b] for 3-D float32 tensors (batch, rows, cols). A batch dim of 1 in `a` or
// `w` broadcasts. Any strides with unit stride in one of the two matrix dims: transposed
// operands cost no copy.
void onednn_matmul(const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep = {});

// Whether oneDNN can read a 3-D operand in place (otherwise the caller makes it contiguous).
bool onednn_layout_ok(const Tensor& t);

}  // namespace ember::cpu
