// Batched GEMM through oneDNN's matmul primitive, with primitives cached by geometry.
#pragma once
#include "core/tensor.h"

namespace ember::cpu {

// What oneDNN fuses into the GEMM: c = alpha * (a @ w) + beta * c_before (+ bias).
// `bias`, when set, is a float32 (1, 1, N) view broadcast over rows and batches; it is never
// combined with alpha != 1 (oneDNN 2.x scales differ in where they apply the bias).
struct GemmEpilogue {
  float alpha = 1.0f;
  float beta = 0.0f;  // 0: c's old values are not read
  const Tensor* bias = nullptr;
};

// c[b] = a[b] @ w[b] for 3-D float32 tensors (batch, rows, cols). A batch dim of 1 in `a` or
// `w` broadcasts. Any strides with unit stride in one of the two matrix dims: transposed
// operands cost no copy.
void onednn_matmul(const Tensor& a, const Tensor& w, const Tensor& c, const GemmEpilogue& ep = {});

// Whether oneDNN can read a 3-D operand in place (otherwise the caller makes it contiguous).
bool onednn_layout_ok(const Tensor& t);

}  // namespace ember::cpu
